import CustomerData
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Reads a collection request's body: JSON by its content type, at most the request limit
/// before and after decompression (gzip, as RudderStack's SDKs send it, or deflate).
enum CollectionBody {
    /// The body's bytes, decompressed.
    static func read(_ request: Request, limit: Int) async throws(APIError) -> [UInt8] {
        try checkContentType(request.headers[.contentType])
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            throw APIError.requestTooLarge(limit: limit)
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw APIError.requestTooLarge(limit: limit)
        } catch {
            throw APIError(.badRequest, .invalidRequest, "the request body could not be read to its end; send it again")
        }
        let encoding = request.headers[.contentEncoding]?.trimmingCharacters(in: .whitespaces).lowercased() ?? "identity"
        switch encoding {
        case "identity", "":
            return Array(buffer.readableBytesView)
        case "gzip", "x-gzip", "deflate":
            let result = buffer.readableBytesView.withUnsafeBytes { Inflate.decompress($0, limit: limit) }
            switch result {
            case .success(let bytes): return bytes
            case .failure(.tooLarge): throw APIError.requestTooLarge(limit: limit)
            case .failure(.corrupt):
                throw APIError(.badRequest, .invalidRequest, "the body is not valid \(encoding) data; compress it again or send it uncompressed")
            }
        default:
            throw APIError(.unsupportedMediaType, .unsupportedEncoding, "Content-Encoding '\(encoding.prefix(20))' is not supported; send the body uncompressed or with gzip")
        }
    }

    /// JSON (`application/json`, any `+json` type) or `text/plain`, which browsers send to skip a
    /// CORS preflight; no content type at all is read as JSON too.
    static func checkContentType(_ header: String?) throws(APIError) {
        guard let header else { return }
        let type = header.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        if type == "application/json" || type == "text/plain" || type.hasSuffix("+json") || type.isEmpty { return }
        throw APIError(.unsupportedMediaType, .unsupportedMediaType,
                       "the body must be JSON; send it with 'Content-Type: application/json' (curl: -H 'Content-Type: application/json')")
    }

    /// The body parsed as JSON, or a 400 that says where it stops being JSON.
    static func parse(_ bytes: [UInt8]) throws(APIError) -> JSONValue {
        guard !bytes.isEmpty else {
            throw APIError(.badRequest, .invalidJSON, "the body is empty; send one JSON object")
        }
        if !bytes.allSatisfy({ $0 < 0x80 }), String(validating: bytes, as: UTF8.self) == nil {
            throw APIError(.badRequest, .invalidJSON, "the body is not valid UTF-8; send JSON text in UTF-8")
        }
        let result = bytes.withUnsafeBufferPointer { buffer in Result { () throws(JSONParser.Failure) in try JSONParser.parse(buffer) } }
        switch result {
        case .success(let value):
            return value
        case .failure(let failure):
            let before = bytes.prefix(failure.offset)
            let line = before.filter { $0 == 0x0A }.count + 1
            let column = failure.offset - (before.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0) + 1
            throw APIError(.badRequest, .invalidJSON, "the body is not valid JSON at line \(line), column \(column): \(failure.message); send one JSON object")
        }
    }
}
