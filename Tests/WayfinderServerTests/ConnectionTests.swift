import Foundation
import HummingbirdTesting
import Testing
@testable import WayfinderServer
import WayfinderTesting

/// The server closes connections whose clients wait or send too slowly, and keeps the number of
/// connections under its limit by closing the one that has waited longest.
@Suite("Connections")
struct ConnectionTests {
    /// A server with the given connection limits, on a real socket.
    static func live<Value: Sendable>(header: Double = 30, body: Double = 30, idle: Double = 30, maximum: Int? = nil,
                                      _ body_: @Sendable (_ port: Int, _ harness: ServerHarness) async throws -> Value) async throws -> Value {
        let harness = try await ServerHarness { configuration in
            configuration.port = 0
            configuration.connections.headerTimeout = .milliseconds(Int64(header * 1000))
            configuration.connections.bodyTimeout = .milliseconds(Int64(body * 1000))
            configuration.connections.idleTimeout = .milliseconds(Int64(idle * 1000))
            configuration.connections.maximumConnections = maximum
        }
        return try await harness.test(.live) { client in try await body_(try #require(client.port), harness) }
    }

    /// Runs blocking socket work off the concurrency pool.
    static func blocking<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
        }
    }

    @Test("a connection that sends nothing is closed after the idle timeout, not before")
    func idle() async throws {
        let (early, closed, seconds) = try await Self.live(header: 10, idle: 1) { port, _ in
            try await Self.blocking {
                let connection = try LoopbackConnection(port: port)
                let start = Date()
                let early = connection.waitForClose(seconds: 0.7)
                let closed = connection.waitForClose(seconds: 30)
                return (early, closed, Date().timeIntervalSince(start))
            }
        }
        #expect(!early, "closed before the idle timeout")
        #expect(closed, "still open 30 s after an idle timeout of 1 s")
        #expect(seconds < 30)
    }

    @Test("a request head trickled in byte by byte is cut off by the header timeout, though bytes keep coming")
    func slowHeader() async throws {
        let (closed, seconds) = try await Self.live(header: 1, idle: 30) { port, _ in
            try await Self.blocking {
                let connection = try LoopbackConnection(port: port)
                let start = Date()
                connection.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                var closed = false
                while !closed, Date().timeIntervalSince(start) < 30 {
                    connection.send("X")
                    closed = connection.waitForClose(seconds: 0.1)
                }
                return (closed, Date().timeIntervalSince(start))
            }
        }
        #expect(closed, "a head trickling in for 30 s was not cut off")
        #expect(seconds >= 0.9, "cut off after \(seconds) s, before the header timeout")
    }

    @Test("a request body that stops arriving is cut off by the body timeout; one that keeps arriving is not")
    func slowBody() async throws {
        let (closedWhileArriving, closedAfter) = try await Self.live(header: 30, body: 3, idle: 30) { port, _ in
            try await Self.blocking {
                let connection = try LoopbackConnection(port: port)
                connection.send("POST /v1/track HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{")
                // A byte every 0.2 s for 4 s, longer than the body timeout in all: still open.
                let start = Date()
                var closedWhileArriving = false
                while !closedWhileArriving, Date().timeIntervalSince(start) < 4 {
                    connection.send(" ")
                    closedWhileArriving = connection.waitForClose(seconds: 0.2)
                }
                return (closedWhileArriving, connection.waitForClose(seconds: 30))
            }
        }
        #expect(!closedWhileArriving, "closed while the body kept arriving")
        #expect(closedAfter, "a body that stopped was not cut off")
    }

    @Test("after an answer, a kept-alive connection that sends no further request is closed after the idle timeout")
    func keepAlive() async throws {
        let (answer, early, closed) = try await Self.live(header: 30, idle: 2) { port, _ in
            try await Self.blocking {
                let connection = try LoopbackConnection(port: port)
                connection.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                let answer = connection.receive(seconds: 30)
                return (answer, connection.waitForClose(seconds: 1), connection.waitForClose(seconds: 30))
            }
        }
        #expect(answer?.hasPrefix("HTTP/1.1 200") == true)
        #expect(!early, "the answer closed a kept-alive connection")
        #expect(closed)
    }

    @Test("past the connection limit, the connection that waited longest is closed and the new client is answered")
    func limit() async throws {
        try await Self.live(idle: 60, maximum: 8) { port, harness in
            let (answered, oldestClosed, newestOpen, health) = try await Self.blocking { () -> (Bool, Bool, Bool, Int) in
                // Each is answered once, so the server has them waiting in this order.
                var held: [LoopbackConnection] = []
                var answered = true
                for _ in 0..<8 {
                    let connection = try LoopbackConnection(port: port)
                    connection.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    answered = answered && connection.receive(seconds: 30)?.hasPrefix("HTTP/1.1 200") == true
                    held.append(connection)
                }
                let health = try LoopbackHTTP.request("GET", "http://127.0.0.1:\(port)/health")
                return (answered, held[0].waitForClose(seconds: 30), !held[7].isClosedByServer, health.status)
            }
            #expect(answered)
            #expect(health == 200)
            #expect(oldestClosed, "the oldest idle connection makes room")
            #expect(newestOpen)
            #expect(metric(String(decoding: harness.server.metrics.exposition(), as: UTF8.self), "wayfinder_connections_closed_total", labels: #"reason="limit""#) >= 1)
        }
    }

    @Test("deadlines follow what the client does", arguments: [
        // (events, expected deadline in ms after the start and its reason; nil: none while the server answers)
        ("open", 3000, "idle"),
        ("open byte@500", 1500, "header"),
        ("open byte@500 byte@900", 1500, "header"),
        ("open byte@100 head@200", 2200, "body"),
        ("open byte@100 head@200 byte@700", 2700, "body"),
        ("open byte@100 head@200 end@250", nil, nil),
        ("open byte@100 head@200 end@250 answer@400", 3400, "idle"),
        ("open byte@100 head@200 end@250 answer@400 byte@600", 1600, "header"),
    ] as [(String, Int?, String?)])
    func deadlines(_ events: String, _ expected: Int?, _ reason: String?) {
        let ms: UInt64 = 1_000_000
        var deadlines = ConnectionDeadlines(headerTimeout: .seconds(1), bodyTimeout: .seconds(2), idleTimeout: .seconds(3), now: 0)
        for event in events.split(separator: " ").dropFirst() {
            let parts = event.split(separator: "@")
            let at = UInt64(parts[1])! * ms
            switch parts[0] {
            case "byte": deadlines.bytesReceived(at: at)
            case "head": deadlines.headReceived(at: at)
            case "end": deadlines.endReceived()
            default: deadlines.responseEnded(at: at)
            }
        }
        #expect(deadlines.deadline.map { Int($0.at / ms) } == expected, "\(events)")
        #expect(deadlines.deadline?.reason.rawValue == reason, "\(events)")
        #expect((deadlines.waitingSince != nil) == (reason == "idle" || reason == "header"), "\(events)")
    }
}
