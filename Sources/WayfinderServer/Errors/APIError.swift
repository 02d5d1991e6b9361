import CustomerData
import HTTPTypes
import Hummingbird
import NIOCore

/// An error the server answers with, in the one JSON shape every error has:
///
/// ```json
/// {"error": {"status": 400, "code": "invalid_event", "message": "batch[3].timestamp: expected …; fix the event and send it again"}}
/// ```
///
/// The message says what to do. It never holds a stack trace, a customer identifier, a write
/// key or a property value.
public struct APIError: HTTPResponseError, Sendable, CustomStringConvertible {
    /// A stable, machine-readable error code; new codes may be added.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The code as sent (`invalid_event`).
        public var rawValue: String
        /// Creates a code.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The code as sent.
        public var description: String { rawValue }

        /// The body is not JSON.
        public static let invalidJSON = Code(rawValue: "invalid_json")
        /// A message is not a usable event.
        public static let invalidEvent = Code(rawValue: "invalid_event")
        /// The request's shape is wrong (no `batch` list, say).
        public static let invalidRequest = Code(rawValue: "invalid_request")
        /// The body is not JSON by its content type.
        public static let unsupportedMediaType = Code(rawValue: "unsupported_media_type")
        /// The body is compressed in a way the server does not read.
        public static let unsupportedEncoding = Code(rawValue: "unsupported_encoding")
        /// A message, the request or the batch is over its limit.
        public static let tooLarge = Code(rawValue: "too_large")
        /// No write key was sent.
        public static let missingKey = Code(rawValue: "missing_key")
        /// The key is not one the server issued.
        public static let invalidKey = Code(rawValue: "invalid_key")
        /// The key was revoked.
        public static let revokedKey = Code(rawValue: "revoked_key")
        /// The key exists but may not do this (a read key sending events).
        public static let keyNotAllowed = Code(rawValue: "key_not_allowed")
        /// No such route.
        public static let notFound = Code(rawValue: "not_found")
        /// The route exists with other methods.
        public static let methodNotAllowed = Code(rawValue: "method_not_allowed")
        /// The store could not take the events; nothing of the request was stored.
        public static let unavailable = Code(rawValue: "unavailable")
        /// Something failed inside the server.
        public static let internalError = Code(rawValue: "internal_error")
    }

    /// One problem of a request with several (each bad message of a batch).
    public struct Problem: Sendable, Equatable {
        /// Where: `batch[3].timestamp`.
        public var field: String
        /// What is wrong and what is expected.
        public var message: String
    }

    /// The HTTP status.
    public var status: HTTPResponse.Status
    /// The error code.
    public var code: Code
    /// What went wrong and what to do.
    public var message: String
    /// Every problem found, when there are several; the message tells the first.
    public var problems: [Problem] = []
    /// Headers to send with the error (`Allow`, `WWW-Authenticate`).
    public var headers: HTTPFields = [:]

    /// Creates an error.
    public init(_ status: HTTPResponse.Status, _ code: Code, _ message: String, problems: [Problem] = [], headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.problems = problems
        self.headers = headers
    }

    /// `400 invalid_event: message`, for logs and test output.
    public var description: String { "\(status.code) \(code): \(message)" }

    /// The JSON body.
    public var json: JSONValue {
        var error: [(String, JSONValue)] = [("status", .number(Double(status.code))), ("code", .string(code.rawValue)), ("message", .string(message))]
        if !problems.isEmpty {
            error.append(("problems", .array(problems.map { .object([("field", .string($0.field)), ("message", .string($0.message))]) })))
        }
        return .object([("error", .object(error))])
    }

    /// The response: the JSON body with the error's status and headers.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = Response.json(json, status: status)
        for field in headers { response.headers.append(field) }
        return response
    }
}

extension Response {
    /// A JSON response.
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        var bytes: [UInt8] = []
        value.write(into: &bytes)
        bytes.append(0x0A)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
