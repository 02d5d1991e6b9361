import Foundation
import Testing
import WayfinderTesting

@Suite("wayfinder serve: the first admin, and keys for one workspace")
struct ServeAccountsTests {
    /// Starts serve, waits for it to listen, stops it with SIGTERM; returns standard output and error.
    func serveOnce(_ directory: TemporaryDirectory, environment: [String: String] = [:]) throws -> (stdout: String, stderr: String, status: Int32) {
        let server = try RunningWayfinder(["serve", "--db", directory.path("w.db"), "--port", "0", "--log-format", "json"], environment: environment)
        #expect(server.waitFor("server listening", on: .error), "no 'server listening' line: \(server.text(.error))")
        let ending = server.stop(SIGTERM)
        return (ending.output, ending.error, ending.status)
    }

    @Test("a first start prints a one-time admin password once, to standard output only; later starts print none")
    func oneTimePassword() async throws {
        let directory = try TemporaryDirectory()
        let first = try serveOnce(directory)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("created the server admin admin@localhost with the one-time password"), "\(first.stdout)")
        let lines = first.stdout.split(separator: "\n")
        let index = try #require(lines.firstIndex { $0.contains("one-time password") })
        let password = lines[index + 1].trimmingCharacters(in: .whitespaces)
        #expect(password.count >= 20)
        #expect(!first.stderr.contains(password), "the password is never logged")
        let second = try serveOnce(directory)
        #expect(second.status == 0)
        #expect(!second.stdout.contains("one-time password"))
    }

    @Test("WAYFINDER_ADMIN_PASSWORD sets the first admin's password and is never printed or logged; a short one is refused")
    func environmentPassword() async throws {
        let directory = try TemporaryDirectory()
        let secret = "env-admin-passphrase-7731"
        let run = try serveOnce(directory, environment: ["WAYFINDER_ADMIN_PASSWORD": secret])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stdout.contains(secret) && !run.stderr.contains(secret))
        #expect(run.stderr.contains("created the server admin from WAYFINDER_ADMIN_PASSWORD"))
        let other = try TemporaryDirectory()
        let short = try await WayfinderProcess.run(["serve", "--db", "w.db", "--port", "0"], in: other.path, environment: ["WAYFINDER_ADMIN_PASSWORD": "short"])
        #expect(!short.hasCrashMarks)
        #expect(short.status == 1, "\(short)")
        #expect(short.stderr.contains("WAYFINDER_ADMIN_PASSWORD: use at least 12 characters"))
        #expect(!short.stderr.contains("short\n"))
    }

    @Test("keys create --workspace limits a key to a workspace the store has, and refuses one it has not")
    func workspaceKey() async throws {
        let directory = try TemporaryDirectory()
        let missing = try await wayfinder("keys", "create", "--db", "w.db", "--kind", "read", "--workspace", "shop", in: directory)
        #expect(missing.status == 1, "\(missing)")
        #expect(missing.stderr.contains("shop"))
        let list = try await wayfinder("keys", "list", "--db", "w.db", "--format", "json", in: directory)
        #expect((try jsonObject(list.stdout)["keys"] as? [Any])?.isEmpty == true, "nothing was created")
    }
}
