import Foundation
import Testing
import WayfinderTesting

@Suite("wayfinder keys and serve")
struct ServeCommandTests {
    @Test("keys create prints the secret once; list never shows it; revoke marks the key and is idempotent")
    func keys() async throws {
        let directory = try TemporaryDirectory()
        let created = try await wayfinder("keys", "create", "--db", "w.db", "--kind", "write", "--name", "website", "--format", "json", in: directory)
        #expect(created.status == 0, "\(created)")
        let key = try jsonObject(created.stdout)
        let secret = try #require(key["secret"] as? String)
        #expect(secret.hasPrefix("wf_") && secret.count == 46)
        #expect(key["kind"] as? String == "write" && key["name"] as? String == "website" && key["id"] as? Int == 1)
        #expect(key["workspace"] as? String == "default", "a write key of a store without workspaces belongs to 'default'")

        let text = try await wayfinder("keys", "create", "--db", "w.db", "--kind", "read", in: directory)
        #expect(text.status == 0, "\(text)")
        #expect(text.stdout.contains("Created read key 2 in w.db, for every workspace."))
        #expect(!text.stdout.contains("curl"), "a read key cannot send events, so no curl example")

        let list = try await wayfinder("keys", "list", "--db", "w.db", "--format", "json", in: directory)
        let keys = try #require(try jsonObject(list.stdout)["keys"] as? [[String: Any]])
        #expect(keys.compactMap { $0["kind"] as? String } == ["write", "read"])
        #expect(!list.stdout.contains(secret))
        #expect(keys.allSatisfy { $0["revoked_at"] == nil })

        let revoked = try await wayfinder("keys", "revoke", "1", "--db", "w.db", in: directory)
        #expect(revoked.status == 0, "\(revoked)")
        #expect(revoked.stdout.contains("Revoked write key 1 (website)"))
        let again = try await wayfinder("keys", "revoke", "1", "--db", "w.db", in: directory)
        #expect(again.status == 0)
        #expect(again.stdout.contains("already revoked"))
        let table = try await wayfinder("keys", "list", "--db", "w.db", in: directory)
        #expect(table.stdoutLines.count == 3)
        #expect(table.stdoutLines[1].hasPrefix("1 ") && !table.stdoutLines[1].hasSuffix(" -"))
        #expect(table.stdoutLines[2].hasPrefix("2 ") && table.stdoutLines[2].hasSuffix(" -"))
    }

    @Test("keys refuse a missing store, an unknown key and a missing or wrong kind, saying what to type")
    func keyErrors() async throws {
        let directory = try TemporaryDirectory()
        let missing = try await wayfinder("keys", "list", "--db", "none.db", in: directory)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("wayfinder keys create --db none.db --kind write"))
        #expect(!directory.exists("none.db"))
        _ = try await wayfinder("keys", "create", "--db", "w.db", "--kind", "write", in: directory)
        let unknown = try await wayfinder("keys", "revoke", "7", "--db", "w.db", in: directory)
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("no key 7"))
        let noKind = try await wayfinder("keys", "create", "--db", "w.db", in: directory)
        #expect(noKind.status == 2)
        #expect(noKind.stderr.contains("--kind"))
        let wrongKind = try await wayfinder("keys", "create", "--db", "w.db", "--kind", "admin", in: directory)
        #expect(wrongKind.status == 2)
        #expect(wrongKind.stderr.contains("write") && wrongKind.stderr.contains("read-write"))
    }

    @Test("serve refuses a bad port, log level or workspace before it listens", arguments: [
        (["--port", "70000"], Int32(2), "--port takes a number from 0 to 65535"),
        (["--log-level", "loud"], 2, "--log-level takes trace, debug"),
        (["--workspace", "no-such-folder"], 1, "no-such-folder"),
        (["--workspace", "maps", "--workspace-id", "Retail Team"], 2, "--workspace-id takes lower-case letters"),
        (["--workspace-id", "retail"], 2, "give --workspace PATH too"),
    ])
    func serveRefuses(_ arguments: [String], status: Int32, message: String) async throws {
        let directory = try TemporaryDirectory()
        let output = try await wayfinder(["serve", "--db", "w.db", "--port", "0"] + arguments, in: directory)
        #expect(output.status == status, "\(output)")
        #expect(output.stderr.contains(message), "\(output.stderr)")
    }

    @Test("serve loads the workspace into the store, listens, warns that there is no write key yet, and stops with status 0 on SIGTERM")
    func serveStopsOnSIGTERM() async throws {
        let directory = try TemporaryDirectory()
        let workspace = try await initWorkspace("retail", in: directory, folder: "Retail Maps")
        let server = try RunningWayfinder(["serve", "--db", directory.path("w.db"), "--port", "0", "--log-format", "json", "--workspace", workspace])
        #expect(server.waitFor("server listening", on: .error), "no 'server listening' line: \(server.text(.error))")
        let ending = server.stop(SIGTERM)
        let log = ending.error.split(separator: "\n").map(String.init)
        #expect(ending.exited && ending.status == 0, "\(log)")
        #expect(log.contains { $0.contains("no write key yet") })
        let loaded = try #require(log.compactMap { try? jsonObject($0) }.first { $0["message"] as? String == "workspace loaded" }, "\(log)")
        #expect(loaded["workspace"] as? String == "retail-maps")
        #expect(loaded["maps"] as? String == "2" && loaded["personas"] as? String == "3" && loaded["created"] as? String == "true")
        #expect(log.contains { $0.contains("stopped; every acknowledged event is in the store") })
        // Every line is one JSON object.
        for line in log { #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) is [String: Any], "\(line)") }
    }

    @Test("serve takes its settings from a configuration file and the environment; the command line wins over the environment, which wins over the file")
    func serveSettings() async throws {
        let directory = try TemporaryDirectory()
        try directory.write("# the team server\ndb: from-file.db\nport: 0\nlog-format: json\ntrusted-proxy: [10.0.0.2, \"::1\"]\ninsecure-cookies: true\n", to: "wayfinder.yaml")
        func serve(_ arguments: [String], environment: [String: String] = [:]) throws -> [String] {
            let server = try RunningWayfinder(["serve"] + arguments, in: directory.path, environment: environment)
            #expect(server.waitFor("server listening", on: .error), "no 'server listening' line: \(server.text(.error))")
            let ending = server.stop(SIGTERM)
            #expect(ending.exited && ending.status == 0, "\(ending.error)")
            return ending.error.split(separator: "\n").map(String.init)
        }
        // From the file: its store, and JSON logs.
        let fromFile = try serve(["--config", "wayfinder.yaml"])
        #expect(fromFile.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) is [String: Any] }, "log-format: json applies: \(fromFile)")
        #expect(FileManager.default.fileExists(atPath: directory.path("from-file.db")))
        // The environment names the file and overrides its store.
        _ = try serve([], environment: ["WAYFINDER_CONFIG": "wayfinder.yaml", "WAYFINDER_SERVE_DB": "from-environment.db"])
        #expect(FileManager.default.fileExists(atPath: directory.path("from-environment.db")))
        // The command line overrides both.
        let fromLine = try serve(["--config", "wayfinder.yaml", "--db", "from-line.db", "--log-format", "text"], environment: ["WAYFINDER_SERVE_DB": "from-environment-2.db"])
        #expect(FileManager.default.fileExists(atPath: directory.path("from-line.db")))
        #expect(!FileManager.default.fileExists(atPath: directory.path("from-environment-2.db")))
        #expect(!fromLine.contains { $0.hasPrefix("{") }, "--log-format text wins over the file: \(fromLine)")
        // --db on the command line drops a store named by the environment (they are one choice),
        // and variables outside WAYFINDER_SERVE_ (as scripts/cluster.sh exports) change nothing.
        let unreachable = ["WAYFINDER_SERVE_STORE": "postgres://wayfinder@127.0.0.1:9/nowhere", "WAYFINDER_STORE": "postgres://wayfinder@127.0.0.1:9/nowhere",
                           "WAYFINDER_EVENTS": "clickhouse://127.0.0.1:9/nowhere?cluster=none"]
        let beside = try serve(["--db", "beside.db", "--port", "0"], environment: unreachable)
        #expect(FileManager.default.fileExists(atPath: directory.path("beside.db")))
        #expect(!beside.contains { $0.contains("cluster") }, "\(beside)")
        // The example in deploy/ is a valid file (its store moved here).
        let example = WayfinderProcess.packageRoot().appendingPathComponent("deploy/wayfinder.yaml").path
        _ = try serve(["--config", example, "--db", "example.db", "--port", "0"])
        #expect(FileManager.default.fileExists(atPath: directory.path("example.db")))
    }

    @Test("backup copies the store a server is running on; restore refuses to replace it until the server stops")
    func backupAndRestoreBesideServer() async throws {
        let directory = try TemporaryDirectory()
        let generated = try await wayfinder("generate", "--scenario", "retail", "--customers", "40", "--out", "data", in: directory)
        #expect(generated.status == 0, "\(generated)")
        #expect(try await wayfinder("import", "data/events.csv", "--db", "w.db", in: directory).status == 0)
        let server = try RunningWayfinder(["serve", "--db", "w.db", "--port", "0"], in: directory.path)
        #expect(server.waitFor("server listening", on: .error), "\(server.text(.error))")
        let backup = try await wayfinder("backup", "--db", "w.db", "--out", "saved/w.db", in: directory)
        #expect(backup.status == 0 && backup.stdout.contains("integrity check ok") && backup.stdout.contains("restore saved/w.db --db STORE"), "\(backup)")
        let refused = try await wayfinder("restore", "saved/w.db", "--db", "w.db", "--replace", in: directory)
        #expect(refused.status == 1 && refused.stderr.contains("a wayfinder server is running on this store; stop it"), "\(refused)")
        let ending = server.stop(SIGTERM)
        #expect(ending.exited && ending.status == 0)
        let restored = try await wayfinder("restore", "saved/w.db", "--db", "w.db", "--replace", in: directory)
        #expect(restored.status == 0 && restored.stdout.contains("Restored saved/w.db as w.db"), "\(restored)")
        let twice = try await wayfinder("backup", "--db", "w.db", "--out", "saved/w.db", in: directory)
        #expect(twice.status == 1 && twice.stderr.contains("pass --replace"), "\(twice)")
    }

    @Test("a flag a configuration file turns on is turned off by its --no- form on the command line")
    func serveSettingsFlagOverride() async throws {
        let directory = try TemporaryDirectory()
        try directory.write("db: w.db\nport: 0\nhold-alerts: true\nlog-format: json\nlog-level: debug\n", to: "wayfinder.yaml")
        func serve(_ arguments: [String]) throws -> String {
            let server = try RunningWayfinder(["serve", "--config", "wayfinder.yaml"] + arguments, in: directory.path)
            #expect(server.waitFor("server listening", on: .error), "\(server.text(.error))")
            let ending = server.stop(SIGTERM)
            #expect(ending.exited && ending.status == 0, "\(ending.error)")
            return ending.error
        }
        let fromFile = try serve([])
        #expect(fromFile.contains("alert deliveries are held") && fromFile.contains("\"level\":\"debug\""), "the file's settings apply: \(fromFile)")
        let overridden = try serve(["--no-hold-alerts", "--log-level", "info"])
        #expect(!overridden.contains("\"level\":\"debug\""), "--log-level info wins over the file's debug")
        #expect(!overridden.contains("alert deliveries are held"), "--no-hold-alerts wins over the file: \(overridden)")
    }

    @Test("a configuration file's mistakes are refused before the server starts, naming the file, the line and what is expected", arguments: [
        ("db: w.db\nprot: 8080\n", "settings.yaml:2: unknown setting 'prot'"),
        ("port: eighty\n", "settings.yaml:1: port takes a whole number"),
        ("db: w.db\nport: 99999\n", "settings.yaml:2: port takes a number from 0 to 65535; got 99999"),
        ("idle-timeout: -1\n", "settings.yaml:1: idle-timeout takes seconds from 0.1 to 86400"),
        ("insecure-cookies: maybe\n", "settings.yaml:1: insecure-cookies takes true or false"),
        ("port: [1, 2]\n", "settings.yaml:1: port takes one value, not a list"),
        ("- port\n", "settings.yaml:1: expected settings such as 'port: 8080'"),
        ("port: {8080\n", "settings.yaml: not valid YAML"),
        ("db: \"a\\0b\"\n", "db cannot hold NUL characters"),
        ("port: 0\nlog-level: loud\n", "settings.yaml:2: log-level takes trace, debug, info, notice, warning, error, critical; got 'loud'"),
        ("log-format: xml\n", "settings.yaml:1: log-format takes text, json"),
        ("db: ~\n", "settings.yaml:1: db has no value"),
        ("db:\n", "settings.yaml:1: db has no value"),
        ("workspace-id: Retail Team\n", "settings.yaml:1: workspace-id takes lower-case letters"),
    ])
    func serveSettingsRefused(_ text: String, message: String) async throws {
        let directory = try TemporaryDirectory()
        try directory.write(text, to: "settings.yaml")
        let output = try await wayfinder("serve", "--config", "settings.yaml", in: directory)
        #expect(output.status == 2 && output.stderr.contains(message), "\(output)")
        #expect(directory.files(under: ".").filter { $0.hasSuffix(".db") }.isEmpty, "nothing is created")
        let missing = try await wayfinder("serve", "--config", "nowhere.yaml", in: directory)
        #expect(missing.status == 2 && missing.stderr.contains("nowhere.yaml: cannot read the configuration file"), "\(missing)")
        let environment = try await WayfinderProcess.run(["serve"], in: directory.path, environment: ["WAYFINDER_SERVE_PORT": "x"])
        #expect(environment.status == 2 && environment.stderr.contains("WAYFINDER_SERVE_PORT: port takes a whole number"), "\(environment)")
    }
}
