import Foundation

extension SQLWorkspaceStore {
    /// Keeps `bytes` as the photo of persona `id`, replacing any; the bytes must be a PNG, JPEG or
    /// WebP picture of that media type (checked on the file's own signature), at most 2 MB.
    public func setPersonaPhoto(workspace: String, persona id: String, mediaType: String, bytes: [UInt8]) async throws(WorkspaceStoreError) {
        guard WorkspaceLimits.personaPhotoTypes.contains(mediaType) else {
            throw .invalid("photo", "photo: a persona's photo is a PNG, JPEG or WebP picture, sent as image/png, image/jpeg or image/webp, not \(mediaType.prefix(60))")
        }
        guard !bytes.isEmpty, bytes.count <= WorkspaceLimits.maximumPersonaPhoto else {
            throw .invalid("photo", "photo: \(ByteCountFormatter.string(fromByteCount: Int64(bytes.count), countStyle: .file)); a photo is at most 2 MB")
        }
        guard Self.signature(of: bytes) == mediaType else {
            throw .invalid("photo", "photo: the file is not a \(mediaType.dropFirst(6).uppercased()) picture; send the picture itself")
        }
        try await write { db in
            let header = try WorkspaceState.header(db, workspace)
            guard try db.value(Bool.self, sql: "SELECT 1 FROM personas WHERE workspace_id = ? AND slug = ?", arguments: [header.rowID, id]) != nil else {
                throw WorkspaceStoreError.notFound("persona", "persona: workspace '\(workspace)' has no persona '\(id)'")
            }
            try db.execute(sql: """
                INSERT INTO persona_photos (workspace_id, slug, media_type, bytes, updated_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (workspace_id, slug) DO UPDATE SET media_type = excluded.media_type, bytes = excluded.bytes, updated_at = excluded.updated_at
                """, arguments: [header.rowID, id, mediaType, Data(bytes), StoreTime.now()])
        }
    }

    /// The photo of persona `id`: its media type and bytes, or nil when it has none.
    public func personaPhoto(workspace: String, persona id: String) async throws(WorkspaceStoreError) -> (mediaType: String, bytes: [UInt8])? {
        try await read { db in
            let header = try WorkspaceState.header(db, workspace)
            guard let row = try db.row(sql: "SELECT media_type, bytes FROM persona_photos WHERE workspace_id = ? AND slug = ?",
                                             arguments: [header.rowID, id]) else { return nil }
            let data: Data = try row[1]
            return (try row[0], [UInt8](data))
        }
    }

    /// The media type a picture's first bytes say it is.
    static func signature(of bytes: [UInt8]) -> String? {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if bytes.count >= 12, bytes.starts(with: Array("RIFF".utf8)), Array(bytes[8..<12]) == Array("WEBP".utf8) { return "image/webp" }
        return nil
    }
}
