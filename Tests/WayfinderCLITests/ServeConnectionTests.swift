import Foundation
import Synchronization
import Testing
import WayfinderTesting

/// `wayfinder serve` under the common open-file limit of 1,024 keeps answering `/health` and
/// collecting events while clients hold thousands of idle connections and trickle request heads
/// in (slowloris); and its connection options refuse values out of range.
@Suite("wayfinder serve connections")
struct ServeConnectionTests {
    /// Clients that hold connections open: `idle` that send nothing, `slow` that send a request
    /// head one header line at a time and never end it. A connection the server closes is opened
    /// again, at most 60 a round of 0.2 s, so the pressure lasts.
    final class Flood: Sendable {
        private let port: Int
        private let idleCount: Int, slowCount: Int
        private let running = Mutex(true)
        private let stats = Mutex((reopened: 0, openNow: 0))
        private let finished = DispatchSemaphore(value: 0)

        init(port: Int, idle: Int, slow: Int) {
            self.port = port
            idleCount = idle
            slowCount = slow
        }

        func start() {
            Thread.detachNewThread { [self] in
                var idle = (0..<idleCount).compactMap { _ in try? LoopbackConnection(port: port, waiting: false) }
                var slow = (0..<slowCount).compactMap { _ in try? LoopbackConnection(port: port, waiting: false) }
                var started = Set<Int>()
                var round = 0
                while running.withLock({ $0 }) {
                    round += 1
                    var budget = 60
                    for index in slow.indices {
                        if slow[index].isClosedByServer, budget > 0, let fresh = try? LoopbackConnection(port: port, waiting: false) {
                            budget -= 1
                            slow[index] = fresh
                            started.remove(index)
                            stats.withLock { $0.reopened += 1 }
                        }
                        if !started.contains(index) {
                            if slow[index].send("POST /v1/track HTTP/1.1\r\nHost: 127.0.0.1\r\n") { started.insert(index) }
                        } else {
                            slow[index].send("X-Slow-\(round): y\r\n")
                        }
                    }
                    for index in idle.indices where budget > 0 && idle[index].isClosedByServer {
                        guard let fresh = try? LoopbackConnection(port: port, waiting: false) else { break }
                        budget -= 1
                        idle[index] = fresh
                        stats.withLock { $0.reopened += 1 }
                    }
                    let open = (idle + slow).filter { !$0.isClosedByServer }.count
                    stats.withLock { $0.openNow = open }
                    // A slow client's pace between header lines.
                    Thread.sleep(forTimeInterval: 0.2)
                }
                for connection in idle + slow { connection.close() }
                finished.signal()
            }
        }

        /// Stops, closes every connection, and returns how many were opened again and how many the server held at the last round.
        func stop() -> (reopened: Int, held: Int) {
            running.withLock { $0 = false }
            finished.wait()
            return stats.withLock { ($0.reopened, $0.openNow) }
        }
    }

    /// Raises this process's soft open-file limit to `files`, within the hard limit.
    static func raiseOpenFileLimit(to files: Int) throws {
        var limit = rlimit()
        #if canImport(Glibc)
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        #else
        let resource = RLIMIT_NOFILE
        #endif
        try #require(getrlimit(resource, &limit) == 0)
        try #require(limit.rlim_max >= rlim_t(files), "this test holds \(files) connections; the hard open-file limit is \(limit.rlim_max)")
        if limit.rlim_cur < rlim_t(files) {
            limit.rlim_cur = rlim_t(files)
            try #require(setrlimit(resource, &limit) == 0)
        }
    }

    @Test("under ulimit -n 1024, 2,000 idle and 300 slowloris connections do not stop /health and collection from answering")
    func flood() async throws {
        try Self.raiseOpenFileLimit(to: 4096)
        let directory = try TemporaryDirectory()
        let created = try await wayfinder("keys", "create", "--db", "w.db", "--kind", "write", "--format", "json", in: directory)
        let key = try #require(try jsonObject(created.stdout)["secret"] as? String, "\(created)")
        let server = try RunningWayfinder(["serve", "--db", directory.path("w.db"), "--port", "0", "--log-format", "json"], openFiles: 1024)
        #expect(server.waitFor("server listening", on: .error), "\(server.text(.error))")
        let listening = try #require(server.text(.error).split(separator: "\n").compactMap { try? jsonObject(String($0)) }
            .first { $0["message"] as? String == "server listening" })
        let base = try #require(listening["url"] as? String)
        let port = try #require(URLComponents(string: base)?.port)

        let flood = Flood(port: port, idle: 2_000, slow: 300)
        flood.start()
        let authorization = "Basic " + Data("\(key):".utf8).base64EncodedString()
        // Checks while the flood goes on, for longer than a slow client's head is allowed (10 s);
        // each must be answered: within a second or two on a quiet machine (the slowest is printed),
        // within 60 s when the other suites of `swift test` (floods of their own among them) share
        // the two cores with the flood and the server.
        let (answered, slowest, failures) = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<(Int, Double, [String]), any Error>) in
            DispatchQueue.global().async {
                var answered = 0, slowest = 0.0, failures: [String] = []
                let start = Date()
                var check = 0
                while (Date().timeIntervalSince(start) < 14 || check < 5) && Date().timeIntervalSince(start) < 300 {
                    check += 1
                    let began = Date()
                    var asking = "GET /health"
                    do {
                        let health = try LoopbackHTTP.request("GET", base + "/health", timeout: 60)
                        asking = "POST /v1/track"
                        let event = #"{"userId": "flood-check-\#(check)", "event": "Checked", "timestamp": "2026-05-01T12:00:00Z"}"#
                        let track = try LoopbackHTTP.request("POST", base + "/v1/track", headers: ["Authorization": authorization, "Content-Type": "application/json"],
                                                             body: event, timeout: 60)
                        if health.status == 200 && track.status == 200 { answered += 1 } else { failures.append("check \(check): \(health.status) \(track)") }
                    } catch {
                        failures.append("check \(check), \(asking) after \(String(format: "%.1f", Date().timeIntervalSince(began))) s: \(error)")
                    }
                    slowest = max(slowest, Date().timeIntervalSince(began))
                    // Checks every half second or so; the pace of a monitor, not a wait for the server.
                    Thread.sleep(forTimeInterval: 0.5)
                }
                continuation.resume(returning: (answered, slowest, failures))
            }
        }
        let (reopened, held) = flood.stop()
        let metrics = try LoopbackHTTP.request("GET", base + "/metrics", timeout: 10).body
        let ending = server.stop(SIGTERM)
        // On failure, what the server said and counted, to tell a stalled acceptor from a stalled handler.
        let connectionMetrics = metrics.split(separator: "\n").filter { $0.hasPrefix("wayfinder_connections") }.joined(separator: "\n")
        #expect(failures.isEmpty, "\(failures.prefix(5))\n\(connectionMetrics)\n\(ending.error.suffix(3000))")
        #expect(answered >= 5, "checks answered: \(answered)")
        #expect(Self.closed("limit", in: metrics) > 0, "the limit made room: \(connectionMetrics)")
        #expect(ending.exited && ending.status == 0, "\(ending.error.suffix(2000))")
        #expect(!ending.error.contains("Too many open files"), "the server ran out of open files")
        print("flood: \(answered) checks answered, slowest \(String(format: "%.2f", slowest)) s; \(reopened) connections opened again, \(held) held at the end")
    }

    @Test("a server started holding 600 files under ulimit -n 1024 counts them: 900 idle connections do not keep /health out")
    func heldFiles() async throws {
        try Self.raiseOpenFileLimit(to: 4096)
        let directory = try TemporaryDirectory()
        let server = try RunningWayfinder(["serve", "--db", directory.path("w.db"), "--port", "0", "--log-format", "json"],
                                          openFiles: 1024, heldFiles: 600)
        #expect(server.waitFor("server listening", on: .error), "\(server.text(.error))")
        let listening = try #require(server.text(.error).split(separator: "\n").compactMap { try? jsonObject(String($0)) }
            .first { $0["message"] as? String == "server listening" })
        let base = try #require(listening["url"] as? String)
        let port = try #require(URLComponents(string: base)?.port)
        // More idle connections than the files left: had the server counted only its limit,
        // accepting would fail for want of files long before the limit made room, and /health
        // would wait in the queue until idle connections timed out (30 s).
        let idle = (0..<900).compactMap { _ in try? LoopbackConnection(port: port, waiting: false) }
        #expect(idle.count == 900)
        var answers: [String] = []
        for _ in 0..<3 {
            do {
                answers.append("\(try LoopbackHTTP.request("GET", base + "/health", timeout: 10).status)")
            } catch {
                answers.append("\(error)")
            }
        }
        let metrics = try LoopbackHTTP.request("GET", base + "/metrics", timeout: 10).body
        for connection in idle { connection.close() }
        let ending = server.stop(SIGTERM)
        #expect(answers == ["200", "200", "200"], "\(ending.error.suffix(2000))")
        #expect(Self.closed("limit", in: metrics) > 0, "the limit made room")
        #expect(!ending.error.contains("Too many open files"), "the server ran out of open files")
    }

    /// The count of `wayfinder_connections_closed_total{reason="REASON"}` in a `/metrics` text.
    static func closed(_ reason: String, in metrics: String) -> Int {
        let prefix = #"wayfinder_connections_closed_total{reason=""# + reason + #""} "#
        return metrics.split(separator: "\n").first { $0.hasPrefix(prefix) }.flatMap { Int($0.dropFirst(prefix.count)) } ?? 0
    }

    @Test("serve refuses connection options out of range, saying what it takes", arguments: [
        (["--header-timeout", "0"], "--header-timeout takes seconds from 0.1 to 86400"),
        (["--body-timeout", "nan"], "--body-timeout takes seconds from 0.1 to 86400"),
        (["--idle-timeout", "1e9"], "--idle-timeout takes seconds from 0.1 to 86400"),
        (["--max-connections", "0"], "--max-connections takes a number from 1 to 1000000"),
        (["--max-connections", "99999999999999999999"], "--max-connections"),
        (["--trusted-proxy", "proxy.example"], "--trusted-proxy takes the IP address of a proxy"),
    ])
    func refusals(_ arguments: [String], _ message: String) async throws {
        let directory = try TemporaryDirectory()
        let output = try await wayfinder(["serve", "--db", "w.db", "--port", "0"] + arguments, in: directory)
        #expect(output.status == 2, "\(output)")
        #expect(output.stderr.contains(message), "\(output.stderr)")
        #expect(!output.hasCrashMarks)
    }
}
