import Foundation
import JourneyModel

/// One workspace's rows and current documents, read inside a transaction.
struct WorkspaceState {
    struct Header {
        var rowID: Int64
        var slug: String
        var name: String
        var description: String?
        var created: Int64
        var updated: Int64
    }

    struct PersonaRow {
        var rowID: Int64
        var persona: Persona
        var document: String
    }

    struct MapRow {
        var rowID: Int64
        var slug: String
        var currentVersion: Int
        var map: JourneyMap
        var document: String
    }

    var header: Header
    var personas: [PersonaRow]
    var maps: [MapRow]

    func persona(_ id: String) -> PersonaRow? { personas.first { $0.persona.id == id } }
    func map(_ id: String) -> MapRow? { maps.first { $0.slug == id } }

    /// The workspace as journey-as-code, in the order its personas and maps were first saved.
    var workspace: Workspace {
        Workspace(name: header.name, description: header.description, personas: personas.map(\.persona), journeys: maps.map(\.map))
    }

    static func missing(_ slug: String, field: String) -> WorkspaceStoreError {
        .notFound(field, "\(field): no workspace '\(slug)'; list the workspaces to find its id, or create it")
    }

    /// The workspace row of `slug`, or a not-found error naming the field.
    static func header(_ db: any StoreTransaction, _ slug: String, field: String = "workspace") throws -> Header {
        guard let row = try db.row(sql: "SELECT id, slug, name, description, created_at, updated_at FROM workspaces WHERE slug = ?",
                                         arguments: [slug]) else {
            throw missing(slug, field: field)
        }
        return Header(rowID: try row[0], slug: try row[1], name: try row[2], description: try row[3], created: try row[4], updated: try row[5])
    }

    /// The workspace `slug` with every persona and the current version of every map.
    static func load(_ db: any StoreTransaction, _ slug: String) throws -> WorkspaceState {
        let header = try header(db, slug)
        var personas: [PersonaRow] = []
        for row in try db.rows(sql: "SELECT id, slug, document FROM personas WHERE workspace_id = ? ORDER BY id", arguments: [header.rowID]) {
            let document: String = try row[2]
            personas.append(PersonaRow(rowID: try row[0], persona: try StoredDocument.persona(document, id: row[1]), document: document))
        }
        var maps: [MapRow] = []
        for row in try db.rows(sql: """
            SELECT m.id, m.slug, m.current_version, v.document FROM journey_maps m
            JOIN journey_map_versions v ON v.map_id = m.id AND v.number = m.current_version
            WHERE m.workspace_id = ? ORDER BY m.id
            """, arguments: [header.rowID]) {
            let document: String = try row[3]
            maps.append(MapRow(rowID: try row[0], slug: try row[1], currentVersion: try row[2],
                               map: try StoredDocument.map(document, id: row[1], version: row[2]), document: document))
        }
        return WorkspaceState(header: header, personas: personas, maps: maps)
    }

    /// Marks the workspace as changed.
    static func touch(_ db: any StoreTransaction, _ header: Header, at now: Int64) throws {
        try db.execute(sql: "UPDATE workspaces SET updated_at = ? WHERE id = ?", arguments: [now, header.rowID])
    }
}

/// Persona and map documents as stored: the JSON text of their journey-as-code objects.
enum StoredDocument {
    /// The documents read so far in this process.
    static let decoded = DecodedDocuments()

    static func json(_ persona: Persona) -> String { WorkspaceCodec.text(persona, syntax: .json) }
    static func json(_ map: JourneyMap) -> String { WorkspaceCodec.text(map, syntax: .json) }

    /// A stored persona document read back.
    static func persona(_ document: String, id: String) throws -> Persona {
        if let persona = Self.decoded.persona(document) { return persona }
        let decoded = WorkspaceCodec.decode(Array(document.utf8), file: "personas/\(id).json", syntax: .json, content: .persona(index: 0))
        guard let persona = decoded.workspace?.personas.first, !decoded.diagnostics.hasErrors else {
            throw unreadable("persona '\(id)'", decoded.diagnostics)
        }
        if decoded.diagnostics.isEmpty { Self.decoded.keep(persona, for: document) }
        return persona
    }

    /// A stored map document read back.
    static func map(_ document: String, id: String, version: Int) throws -> JourneyMap {
        if let map = Self.decoded.map(document) { return map }
        let decoded = WorkspaceCodec.decode(Array(document.utf8), file: "journeys/\(id).json", syntax: .json, content: .journey(index: 0))
        guard let map = decoded.workspace?.journeys.first, !decoded.diagnostics.hasErrors else {
            throw unreadable("map '\(id)' version \(version)", decoded.diagnostics)
        }
        if decoded.diagnostics.isEmpty { Self.decoded.keep(map, for: document) }
        return map
    }

    static func unreadable(_ subject: String, _ diagnostics: [Diagnostic]) -> WorkspaceStoreError {
        let reason = diagnostics.first { $0.severity == .error }?.message ?? "it is empty"
        return WorkspaceStoreError(.storage, "the stored \(subject) cannot be read (\(reason)); the database was changed outside Wayfinder, restore it from a backup",
                                   diagnostics: diagnostics)
    }
}
