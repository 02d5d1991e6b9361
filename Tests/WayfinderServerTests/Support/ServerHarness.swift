import CustomerData
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JourneyStore
import Logging
import NIOCore
import Testing
import WayfinderServer
import WayfinderTesting

/// A server over a throwaway store with the empty workspace `shop`, one key of each kind and
/// every log line captured.
struct ServerHarness {
    let directory: TemporaryDirectory
    let store: JourneyStore
    let server: WayfinderServer
    let logs: LogCapture
    /// A write key and a read-write key of `shop`, a read key of every workspace and a revoked write key of `shop`.
    let write: String, readWrite: String, read: String, revoked: String

    init(configure: (inout ServerConfiguration) -> Void = { _ in }) async throws {
        directory = try TemporaryDirectory(prefix: "wayfinder-server")
        store = try JourneyStore(path: directory.path("store.db"), durableCommits: true)
        _ = try await store.createWorkspace(id: "shop", name: "Shop")
        write = try await store.createAPIKey(kind: .write, name: "web", workspace: "shop").secret
        readWrite = try await store.createAPIKey(kind: .readWrite, workspace: "shop").secret
        read = try await store.createAPIKey(kind: .read).secret
        let old = try await store.createAPIKey(kind: .write, name: "old", workspace: "shop")
        _ = try await store.revokeAPIKey(id: old.key.id)
        revoked = old.secret
        logs = LogCapture()
        var configuration = ServerConfiguration()
        configuration.version = "9.9.9-test"
        configure(&configuration)
        let capture = logs
        var logger = Logger(label: "wayfinder-test") { label in CapturingLogHandler(label: label, capture: capture) }
        logger.logLevel = .trace
        server = try WayfinderServer(configuration: configuration, store: store, logger: logger)
    }

    /// Runs `test` against the application in memory (`.router`) or on a real socket (`.live`).
    func test<Value: Sendable>(_ setup: TestingSetup = .router, _ test: @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
        try await server.application().test(setup) { client in try await test(client) }
    }

    /// The customer an identifier belongs to, as the store finds it.
    func customer(_ identifier: String) throws -> CustomerRecord? {
        guard let number = try store.data.findCustomer(identifier) else { return nil }
        return try store.data.customer(number)
    }

    /// A customer's events as the store lists them.
    func timeline(_ identifier: String) throws -> [TimelineEntry] {
        guard let number = try store.data.findCustomer(identifier) else { return [] }
        return try store.data.timeline(of: number)
    }
}

/// How a request carries its key.
enum KeyPlacement: Sendable {
    case basic(String)
    case body(String)
    case none
}

/// A collection request's answer: status, parsed JSON body, headers.
struct Answer: Sendable, CustomStringConvertible {
    var status: Int
    var json: [String: any Sendable]
    var text: String
    var headers: HTTPFields

    var errorCode: String? { (json["error"] as? [String: any Sendable])?["code"] as? String }
    var errorMessage: String? { (json["error"] as? [String: any Sendable])?["message"] as? String }
    var problems: [[String: any Sendable]] { ((json["error"] as? [String: any Sendable])?["problems"] as? [[String: any Sendable]]) ?? [] }
    var description: String { "\(status) \(text)" }
}

extension TestClientProtocol {
    /// Posts a JSON text to a route, with the key where `key` says.
    func post(_ path: String, _ json: String, key: KeyPlacement, contentType: String? = "application/json", encoding: String? = nil,
              body: [UInt8]? = nil) async throws -> Answer {
        var text = json
        var headers: HTTPFields = [:]
        switch key {
        case .basic(let secret): headers[.authorization] = "Basic " + Data("\(secret):".utf8).base64EncodedString()
        case .body(let secret):
            // Inserted as the object's first member.
            if let brace = text.firstIndex(of: "{") { text.insert(contentsOf: #""writeKey": "\#(secret)", "#, at: text.index(after: brace)) }
        case .none: break
        }
        if let contentType { headers[.contentType] = contentType }
        if let encoding { headers[.contentEncoding] = encoding }
        let bytes = body ?? Array(text.utf8)
        let response = try await executeRequest(uri: path, method: .post, headers: headers, body: ByteBuffer(bytes: bytes))
        return Answer(response)
    }

    /// GETs a path.
    func get(_ path: String) async throws -> Answer {
        Answer(try await executeRequest(uri: path, method: .get, headers: [:], body: nil))
    }
}

extension Answer {
    init(_ response: TestResponse) {
        let text = String(buffer: response.body)
        status = response.status.code
        self.text = text
        headers = response.headers
        json = (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: any Sendable]) ?? [:]
    }
}

/// The value of one metric line (`name{labels} value`) in a Prometheus exposition; 0 when absent.
func metric(_ exposition: String, _ name: String, labels: String = "") -> Double {
    let prefix = labels.isEmpty ? name + " " : "\(name){\(labels)} "
    guard let line = exposition.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) else { return 0 }
    return Double(line.dropFirst(prefix.count)) ?? .nan
}

/// JSON text of an object (for request bodies).
func json(_ object: [String: Any]) -> String {
    String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
}
