import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import JourneyRender
import NIOCore

/// The files the browser loads from `/assets/…`: the pages' style sheet and the editor's ES
/// modules and styles, compiled into the program (``PackageResources``). Each answer carries its
/// content type and an entity tag, so a browser revalidates instead of downloading again.
enum WebAssets {
    /// One file: its bytes, content type and entity tag.
    struct Asset: Sendable {
        let bytes: [UInt8]
        let type: String
        let etag: String

        init(_ bytes: [UInt8], type: String) {
            self.bytes = bytes
            self.type = type
            etag = "\"" + SHA256.hash(data: bytes).prefix(12).map { String(format: "%02x", $0) }.joined() + "\""
        }
    }

    /// The files by their path under `/assets/`.
    static let all: [String: Asset] = {
        var files: [String: Asset] = [
            "pages.css": Asset(Array((HTMLRenderer.style + "\n").utf8) + PackageResources.pages_css, type: "text/css; charset=utf-8"),
            "favicon.svg": Asset(PackageResources.favicon_svg, type: "image/svg+xml"),
        ]
        for (path, bytes) in modules {
            files[path] = Asset(bytes, type: path.hasSuffix(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8")
        }
        return files
    }()

    /// The editor's files, each a small module with one job.
    private static let modules: [(String, [UInt8])] = [
        ("editor/editor.css", PackageResources.editor_css),
        ("editor/main.js", PackageResources.main_js),
        ("editor/api.js", PackageResources.api_js),
        ("editor/canvas.js", PackageResources.canvas_js),
        ("editor/inspector.js", PackageResources.inspector_js),
        ("editor/operations.js", PackageResources.operations_js),
        ("editor/history.js", PackageResources.history_js),
        ("editor/sequence.js", PackageResources.sequence_js),
        ("editor/present.js", PackageResources.present_js),
        ("editor/compare.js", PackageResources.compare_js),
        ("editor/live.js", PackageResources.live_js),
        ("editor/collaboration.js", PackageResources.collaboration_js),
        ("editor/dom.js", PackageResources.dom_js),
        ("editor/comments.js", PackageResources.comments_js),
        ("editor/anchors.js", PackageResources.anchors_js),
        ("editor/versions.js", PackageResources.versions_js),
        ("editor/sharing.js", PackageResources.sharing_js),
        ("editor/data.js", PackageResources.data_js),
        ("editor/matchrule.js", PackageResources.matchrule_js),
        ("editor/persona.js", PackageResources.persona_js),
        ("editor/upload.js", PackageResources.upload_js),
        ("editor/present.css", PackageResources.present_css),
    ]

    /// The answer for `path`: the file, 304 when the browser holds this version, nil when there is no such file.
    static func response(_ path: String, ifNoneMatch: String?) -> Response? {
        guard let asset = all[path] else { return nil }
        var headers: HTTPFields = [.contentType: asset.type, .eTag: asset.etag, .cacheControl: "no-cache"]
        if ifNoneMatch == asset.etag {
            headers[.contentType] = nil
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentLength] = String(asset.bytes.count)
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: asset.bytes)))
    }

    /// Registers `GET /assets/{name}` (a file) and `GET /assets/{name}/{file}` (a file in the folder `name`).
    static func register(_ r: APIRegistrar) {
        r.open(.get, "/assets/{name}") { request, context in
            try answer(try context.parameter("name"), request)
        }
        r.open(.get, "/assets/{name}/{file}") { request, context in
            try answer(try context.parameter("name") + "/" + context.parameter("file"), request)
        }
    }

    private static func answer(_ path: String, _ request: Request) throws -> Response {
        guard let response = response(path, ifNoneMatch: request.headers[.ifNoneMatch]) else {
            throw APIError(.notFound, .notFound, "no file /assets/\(path)")
        }
        return response
    }
}
