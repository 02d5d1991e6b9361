import CustomerData
import Foundation
import HTTPTypes
import Hummingbird
import JourneyModel
import JourneyStore
import NIOCore

/// Reading request bodies and writing JSON answers of the API.
enum APIJSON {
    /// A Codable value as a JSON tree (dates ISO 8601, keys as their coding keys).
    static func value(_ value: some Encodable) -> JSONValue {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        guard let data = try? encoder.encode(value), let tree = try? JSONParser.parse(String(decoding: data, as: UTF8.self)) else { return .null }
        return tree
    }

    /// A journey-as-code document as a JSON tree.
    static func document(_ text: String) -> JSONValue { (try? JSONParser.parse(text)) ?? .null }

    /// A date as ISO 8601, or null.
    static func date(_ date: Date?) -> JSONValue {
        guard let date else { return .null }
        return .string(ISO8601DateFormatter().string(from: date))
    }

    /// An object without its null entries left out.
    static func object(_ entries: [(String, JSONValue)]) -> JSONValue { .object(entries) }

    /// A JSON response.
    static func response(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response { Response.json(value, status: status) }

    /// A response for an Encodable value.
    static func response(encoding value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        Response.json(self.value(value), status: status)
    }

    /// 204 No Content.
    static func noContent() -> Response { Response(status: .noContent) }

    /// The body as bytes, refused with 413 over `limit`.
    static func bytes(_ request: Request, limit: Int) async throws -> [UInt8] {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw tooLarge(limit)
        }
        var collected: [UInt8] = []
        for try await buffer in request.body {
            if collected.count + buffer.readableBytes > limit { throw tooLarge(limit) }
            collected.append(contentsOf: buffer.readableBytesView)
        }
        return collected
    }

    /// The body as UTF-8 text.
    static func text(_ request: Request, limit: Int) async throws -> String {
        let bytes = try await bytes(request, limit: limit)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw APIError(.badRequest, .invalidRequest, "the body is not UTF-8 text; send the document as UTF-8")
        }
        return text
    }

    /// The body as a JSON object.
    static func object(_ request: Request, limit: Int) async throws -> JSONValue {
        let text = try await text(request, limit: limit)
        let value: JSONValue
        do { value = try JSONParser.parse(text) } catch {
            throw APIError(.badRequest, .invalidJSON, "the body is not valid JSON (at byte \(error.offset): \(error.message)); send a JSON object")
        }
        guard case .object = value else { throw APIError(.badRequest, .invalidRequest, "the body must be a JSON object") }
        return value
    }

    /// The `id` of a persona or map document sent as JSON text: 400 `invalid_json` when the
    /// text is not JSON (with where it breaks), 400 naming `id` when the id is missing.
    static func documentID(_ text: String, of kind: String) throws -> String {
        let value: JSONValue
        do { value = try JSONParser.parse(text) } catch {
            throw APIError(.badRequest, .invalidJSON, "the body is not valid JSON (at byte \(error.offset): \(error.message)); send the \(kind) document as a JSON object")
        }
        guard let id = value["id"]?.text, !id.isEmpty else {
            throw APIError(.badRequest, .invalidRequest, "id: the \(kind) document needs an id ([a-z0-9-]+)", problems: [.init(field: "id", message: "required")])
        }
        return id
    }

    static func tooLarge(_ limit: Int) -> APIError {
        APIError(.contentTooLarge, .tooLarge, "the request body is over \(limit / 1024) KB; send a smaller document, or upload event files through /api/v1/workspaces/{workspace}/uploads")
    }

    /// A string field, refused with 400 when it has another type or is missing but required.
    static func string(_ body: JSONValue, _ field: String, required: Bool = false) throws -> String? {
        switch body[field] {
        case .string(let text)?: return text
        case nil, .null?:
            if required { throw APIError(.badRequest, .invalidRequest, "\(field): missing; add it as a string", problems: [.init(field: field, message: "required")]) }
            return nil
        default: throw APIError(.badRequest, .invalidRequest, "\(field): must be a string", problems: [.init(field: field, message: "expected a string")])
        }
    }

    /// A boolean field.
    static func bool(_ body: JSONValue, _ field: String) throws -> Bool? {
        switch body[field] {
        case .bool(let flag)?: return flag
        case nil, .null?: return nil
        default: throw APIError(.badRequest, .invalidRequest, "\(field): must be true or false", problems: [.init(field: field, message: "expected a boolean")])
        }
    }

    /// A number field.
    static func number(_ body: JSONValue, _ field: String) throws -> Double? {
        switch body[field] {
        case .number(let value)?: return value
        case nil, .null?: return nil
        default: throw APIError(.badRequest, .invalidRequest, "\(field): must be a number, such as 7", problems: [.init(field: field, message: "expected a number")])
        }
    }

    /// A field holding a list of strings; none when it is missing.
    static func strings(_ body: JSONValue, _ field: String) throws -> [String] {
        let refused = APIError(.badRequest, .invalidRequest, "\(field): must be a list of strings, such as [\"checkout\"]", problems: [.init(field: field, message: "expected an array of strings")])
        switch body[field] {
        case .array(let items)?:
            return try items.map { item in
                guard case .string(let text) = item else { throw refused }
                return text
            }
        case nil, .null?: return []
        default: throw refused
        }
    }

    /// A query parameter that is `true` or `false`; nil when absent.
    static func boolean(_ text: String?, _ name: String) throws -> Bool? {
        guard let text else { return nil }
        switch text {
        case "true": return true
        case "false": return false
        default: throw APIError(.badRequest, .invalidRequest, "\(name): '\(text.prefix(20))' is not true or false")
        }
    }

    /// An integer query parameter or path segment.
    static func integer(_ text: String?, _ name: String) throws -> Int64? {
        guard let text else { return nil }
        guard let number = Int64(text), number >= 0 else {
            throw APIError(.badRequest, .invalidRequest, "\(name): '\(text.prefix(20))' is not a number; give a whole number such as 3")
        }
        return number
    }
}

extension APIError {
    /// The API's answer to a refusal of the store.
    init(_ error: WorkspaceStoreError) {
        let problems = error.diagnostics.prefix(50).map { Problem(field: $0.path.isEmpty ? (error.field ?? "") : $0.path, message: $0.message + ($0.suggestion.map { "; \($0)" } ?? "")) }
        switch error.code {
        case .notFound: self.init(.notFound, .notFoundItem, error.message)
        case .alreadyExists, .versionConflict, .inUse: self.init(.conflict, .conflict, error.message)
        case .invalidInput: self.init(.badRequest, .invalidRequest, error.message, problems: error.field.map { [Problem(field: $0, message: error.message)] } ?? [])
        case .invalidDocument: self.init(.unprocessableContent, .invalidDocument, error.message, problems: Array(problems))
        default:
            // The store failed or does not answer: the request may succeed a little later.
            self.init(.serviceUnavailable, .unavailable, error.message, headers: [.retryAfter: "5"])
        }
    }
}

/// Runs a store call and turns its refusals into API errors.
func storeCall<T>(_ body: () async throws(WorkspaceStoreError) -> T) async throws -> T {
    do { return try await body() } catch { throw APIError(error) }
}
