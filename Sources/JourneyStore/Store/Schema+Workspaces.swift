import GRDB

extension Schema {
    /// Workspaces with their personas, versioned journey maps and comments.
    ///
    /// Public ids (`slug`) are the journey-as-code ids; rows refer to each other by integer keys, and
    /// deleting a workspace or a map removes everything below it through `ON DELETE CASCADE`.
    /// Persona and map documents are the JSON text of their journey-as-code objects. Times are
    /// milliseconds since 1970.
    static func workspacesV1(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE workspaces (
                id INTEGER PRIMARY KEY,
                slug TEXT NOT NULL UNIQUE,
                name TEXT NOT NULL,
                description TEXT,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL
            );
            CREATE TABLE personas (
                id INTEGER PRIMARY KEY,
                workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                slug TEXT NOT NULL,
                name TEXT NOT NULL,
                document TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                UNIQUE (workspace_id, slug)
            );
            CREATE TABLE journey_maps (
                id INTEGER PRIMARY KEY,
                workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                slug TEXT NOT NULL,
                title TEXT NOT NULL,
                state TEXT NOT NULL,
                current_version INTEGER NOT NULL,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                UNIQUE (workspace_id, slug)
            );
            CREATE TABLE journey_map_versions (
                map_id INTEGER NOT NULL REFERENCES journey_maps(id) ON DELETE CASCADE,
                number INTEGER NOT NULL,
                document TEXT NOT NULL,
                author TEXT NOT NULL,
                message TEXT,
                restored_from INTEGER,
                added INTEGER NOT NULL,
                removed INTEGER NOT NULL,
                moved INTEGER NOT NULL,
                edited INTEGER NOT NULL,
                created_at INTEGER NOT NULL,
                PRIMARY KEY (map_id, number)
            ) WITHOUT ROWID;
            CREATE TABLE comments (
                id INTEGER PRIMARY KEY,
                map_id INTEGER NOT NULL REFERENCES journey_maps(id) ON DELETE CASCADE,
                parent_id INTEGER REFERENCES comments(id) ON DELETE CASCADE,
                target TEXT NOT NULL,
                map_version INTEGER NOT NULL,
                author TEXT NOT NULL,
                body TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                resolved_by TEXT,
                resolved_at INTEGER,
                reopened_by TEXT,
                reopened_at INTEGER
            );
            CREATE INDEX comments_by_map ON comments(map_id, parent_id, id);
            CREATE INDEX comments_by_parent ON comments(parent_id) WHERE parent_id IS NOT NULL;
            """)
    }
}
