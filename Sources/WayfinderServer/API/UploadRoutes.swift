import CustomerData
import Foundation
import HTTPTypes
import Hummingbird
import JourneyStore
import NIOCore

/// Uploads of CSV, NDJSON and Segment batch files (gzip too) into the store, polled for progress.
enum UploadRoutes {
    static func register(_ r: APIRegistrar) {
        let api = r.api
        r.on(.post, "/api/v1/workspaces/{workspace}/uploads") { request, context, caller in
            let workspace = try context.parameter("workspace")
            try await caller.require(.editor, in: workspace)
            let data = try await storeCall { () async throws(WorkspaceStoreError) in try await api.store.customerData(workspace) }
            let name = request.uri.queryParameters.get("name").map { String($0) } ?? "upload"
            let format = try Self.format(request, name: name)
            let mapping = try Self.preset(request)
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("wayfinder-upload-\(UUID().uuidString)").path
            guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
                throw APIError(.serviceUnavailable, .unavailable, "the server cannot write a temporary file for the upload; free disk space and try again")
            }
            var size: Int64 = 0
            do {
                defer { try? handle.close() }
                for try await buffer in request.body {
                    size += Int64(buffer.readableBytes)
                    if size > Int64(api.configuration.uploadBytes) {
                        throw APIError(.contentTooLarge, .tooLarge, "the file is over \(api.configuration.uploadBytes / 1_048_576) MB; split it, or load it with 'wayfinder import' on the server")
                    }
                    try handle.write(contentsOf: buffer.readableBytesView)
                }
            } catch {
                try? FileManager.default.removeItem(atPath: path)
                throw error
            }
            guard size > 0 else {
                try? FileManager.default.removeItem(atPath: path)
                throw APIError(.badRequest, .invalidRequest, "the upload is empty; send the file as the request body (curl --data-binary @events.csv)")
            }
            let job: UploadJobs.Job
            do {
                job = try await api.uploads.start(path: path, file: String(name.prefix(200)), format: format, mapping: mapping, into: data, bytes: size, writer: api.writer,
                                                  store: api.store, options: api.configuration.importOptions, logger: context.logger)
            } catch {
                try? FileManager.default.removeItem(atPath: path)
                throw error
            }
            var response = APIJSON.response(encoding: job, status: .accepted)
            response.headers[.location] = "/api/v1/workspaces/\(workspace)/uploads/\(job.id)"
            return response
        }
        r.on(.get, "/api/v1/workspaces/{workspace}/quarantine") { request, context, caller in
            let workspace = try context.parameter("workspace")
            try await caller.require(.editor, in: workspace)
            let file = request.uri.queryParameters.get("file").map { String($0) }
            let limit = try APIJSON.integer(request.uri.queryParameters.get("limit"), "limit") ?? 100
            guard (1...1_000).contains(limit) else { throw APIError(.badRequest, .invalidRequest, "limit: from 1 to 1000, not \(limit)") }
            let data = try await storeCall { () async throws(WorkspaceStoreError) in try await api.store.customerData(workspace) }
            let (records, total) = try await data.quarantinedRecords(file: file, limit: Int(limit))
            return APIJSON.response(.object([("total", .number(Double(total))), ("records", APIJSON.value(records))]))
        }
        r.on(.get, "/api/v1/workspaces/{workspace}/uploads") { _, context, caller in
            let workspace = try context.parameter("workspace")
            try await caller.require(.viewer, in: workspace)
            // A workspace that does not exist has no list, not an empty one.
            _ = try await storeCall { () async throws(WorkspaceStoreError) in try await api.store.workspace(workspace) }
            return APIJSON.response(.object([("uploads", APIJSON.value(try await api.uploads.list(workspace: workspace, store: api.store)))]))
        }
        r.on(.get, "/api/v1/workspaces/{workspace}/uploads/{upload}") { _, context, caller in
            let workspace = try context.parameter("workspace"), id = try context.parameter("upload")
            try await caller.require(.viewer, in: workspace)
            _ = try await storeCall { () async throws(WorkspaceStoreError) in try await api.store.workspace(workspace) }
            guard let job = try await api.uploads.job(id, workspace: workspace, store: api.store) else {
                throw APIError(.notFound, .notFoundItem, "there is no upload '\(id.prefix(40))' in workspace '\(workspace)'; list them with GET /api/v1/workspaces/\(workspace)/uploads")
            }
            return APIJSON.response(encoding: job)
        }
    }

    /// The mapping of `?preset=` (a preset's name; `auto` or none: recognised from the CSV header).
    /// With it, the values chosen for a survey preset's parameters (`?question=`, `?metric=`, `?comment=`).
    static func preset(_ request: Request) throws -> CSVMapping {
        var arguments: [String: String] = [:]
        for name in ImportPreset.parameterNames {
            guard let value = request.uri.queryParameters.get(name) else { continue }
            guard value.utf8.count <= 1_000, !value.utf8.contains(0) else {
                throw APIError(.badRequest, .invalidRequest, "\(name): a column name of at most 1,000 bytes, without NUL", problems: [.init(field: name, message: "a column name")])
            }
            if !value.isEmpty { arguments[name] = String(value) }
        }
        guard let text = request.uri.queryParameters.get("preset"), text != "auto", !text.isEmpty else { return CSVMapping.standard.with(arguments: arguments) }
        guard let preset = ImportPreset.named(String(text)) else {
            let names = ImportPreset.all.map(\.name).joined(separator: ", ")
            throw APIError(.badRequest, .invalidRequest, "preset: use auto or one of \(names) (got '\(text.prefix(40))')",
                           problems: [.init(field: "preset", message: "auto or one of \(names)")])
        }
        return preset.mapping.with(arguments: arguments)
    }

    /// The file's format: `?format=`, else the Content-Type, else the `?name=` extension.
    static func format(_ request: Request, name: String) throws -> RecordReader.Format {
        if let text = request.uri.queryParameters.get("format") {
            guard let format = RecordReader.Format(rawValue: String(text)) else {
                throw APIError(.badRequest, .invalidRequest, "format: use \(RecordReader.Format.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return format
        }
        let type = request.headers[.contentType]?.lowercased() ?? ""
        if type.contains("csv") { return .csv }
        if type.contains("ndjson") || type.contains("jsonl") { return .ndjson }
        if let format = RecordReader.Format.of(path: name) { return format }
        if type.contains("json") { return .segment }
        throw APIError(.badRequest, .invalidRequest, "say what the file is: ?format=csv, ndjson or segment, a Content-Type such as text/csv, or ?name=events.csv")
    }
}
