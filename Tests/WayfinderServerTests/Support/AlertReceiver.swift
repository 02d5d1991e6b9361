import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization

/// A webhook receiver on a loopback port that records every request it gets and answers with
/// the statuses it is told (then 200).
final class AlertReceiver: Sendable {
    struct Received: Sendable {
        var headers: HTTPFields
        var body: [UInt8]
        var at: Date

        func header(_ name: String) -> String? { HTTPField.Name(name).flatMap { headers[$0] } }
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]) ?? [:] }
    }

    private struct State {
        var received: [Received] = []
        var statuses: [Int]
        var waiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state: Mutex<State>
    /// How long each answer is held back after the request is recorded (a slow receiver).
    let delay: Duration

    init(statuses: [Int] = [], delay: Duration = .zero) {
        state = Mutex(State(statuses: statuses))
        self.delay = delay
    }

    var received: [Received] { state.withLock { $0.received } }

    /// Runs `body` with the receiver listening; its argument is the hook's URL.
    func run<Value: Sendable>(_ body: @Sendable (String) async throws -> Value) async throws -> Value {
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            let buffer = try await request.body.collect(upTo: 1 << 20)
            let status = self.record(Received(headers: request.headers, body: Array(buffer.readableBytesView), at: Date()))
            if self.delay > .zero { try await Task.sleep(for: self.delay) }
            return Response(status: HTTPResponse.Status(code: status))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port!)/hook")
        }
    }

    private func record(_ request: Received) -> Int {
        let (status, ready) = state.withLock { state -> (Int, [CheckedContinuation<Void, Never>]) in
            state.received.append(request)
            let status = state.statuses.isEmpty ? 200 : state.statuses.removeFirst()
            let ready = state.waiters.filter { $0.count <= state.received.count }.map(\.continuation)
            state.waiters.removeAll { $0.count <= state.received.count }
            return (status, ready)
        }
        for continuation in ready { continuation.resume() }
        return status
    }

    /// Returns once `count` requests arrived; throws after `seconds` (the test then fails).
    func waitFor(_ count: Int, seconds: Double = 20) async throws {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let now = self.state.withLock { state -> Bool in
                        if state.received.count >= count { return true }
                        state.waiters.append((count, continuation))
                        return false
                    }
                    if now { continuation.resume() }
                }
                return true
            }
            group.addTask {
                try await Task.sleep(for: .seconds(seconds))
                return false
            }
            let first = try await group.next() ?? false
            group.cancelAll()
            if !first {
                let waiting = self.state.withLock { state in
                    defer { state.waiters = [] }
                    return state.waiters.map(\.continuation)
                }
                for continuation in waiting { continuation.resume() }
                throw ReceiverTimeout(expected: count, got: self.received.count)
            }
        }
    }

    struct ReceiverTimeout: Error, CustomStringConvertible {
        var expected: Int, got: Int
        var description: String { "the receiver got \(got) of \(expected) requests in time" }
    }
}
