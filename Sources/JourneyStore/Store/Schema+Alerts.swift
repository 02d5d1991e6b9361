import GRDB

extension Schema {
    /// Alerts for proactive service: rules on a journey map, where each customer stands on the
    /// maps that have rules, the outbox of deliveries and the log of their attempts.
    ///
    /// Times are milliseconds since 1970. A delivery's `trigger` is unique, so the same trigger
    /// (a rule and an event, or a rule and a stage entry) is enqueued once however often it is
    /// evaluated. Deleting a map or a rule deletes its deliveries and their attempts.
    /// The at-risk rule kind: SQLite cannot change a CHECK constraint, so the rules' table is
    /// made again with it and the rules copied (the migrator holds foreign keys off meanwhile, so
    /// the deliveries that reference the rules stay).
    static func alertsAtRiskV1(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE alert_rules_next (
                id INTEGER PRIMARY KEY,
                map_id INTEGER NOT NULL REFERENCES journey_maps(id) ON DELETE CASCADE,
                kind TEXT NOT NULL CHECK (kind IN ('negative-feedback', 'stage-stay', 'friction-touchpoint', 'at-risk')),
                name TEXT NOT NULL DEFAULT '',
                touchpoints TEXT NOT NULL DEFAULT '[]',
                stage TEXT,
                days REAL,
                url TEXT NOT NULL,
                secret TEXT NOT NULL,
                enabled INTEGER NOT NULL DEFAULT 1,
                after_event INTEGER NOT NULL,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL
            );
            INSERT INTO alert_rules_next SELECT id, map_id, kind, name, touchpoints, stage, days, url, secret, enabled, after_event, created_at, updated_at FROM alert_rules;
            DROP TABLE alert_rules;
            ALTER TABLE alert_rules_next RENAME TO alert_rules;
            CREATE INDEX alert_rules_by_map ON alert_rules(map_id);
            """)
    }

    static func alertsV1(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE alert_rules (
                id INTEGER PRIMARY KEY,
                map_id INTEGER NOT NULL REFERENCES journey_maps(id) ON DELETE CASCADE,
                kind TEXT NOT NULL CHECK (kind IN ('negative-feedback', 'stage-stay', 'friction-touchpoint')),
                name TEXT NOT NULL DEFAULT '',
                touchpoints TEXT NOT NULL DEFAULT '[]',
                stage TEXT,
                days REAL,
                url TEXT NOT NULL,
                secret TEXT NOT NULL,
                enabled INTEGER NOT NULL DEFAULT 1,
                after_event INTEGER NOT NULL,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL
            );
            CREATE INDEX alert_rules_by_map ON alert_rules(map_id);
            CREATE TABLE alert_positions (
                map_id INTEGER NOT NULL REFERENCES journey_maps(id) ON DELETE CASCADE,
                customer_id INTEGER NOT NULL,
                stage TEXT NOT NULL,
                touchpoint TEXT NOT NULL,
                entered_at INTEGER NOT NULL,
                entry_event INTEGER NOT NULL,
                last_event_at INTEGER NOT NULL,
                PRIMARY KEY (map_id, customer_id)
            ) WITHOUT ROWID;
            CREATE INDEX alert_positions_by_entry ON alert_positions(map_id, stage, entered_at);
            CREATE TABLE alert_deliveries (
                id INTEGER PRIMARY KEY,
                rule_id INTEGER NOT NULL REFERENCES alert_rules(id) ON DELETE CASCADE,
                trigger TEXT NOT NULL UNIQUE,
                customer_id INTEGER NOT NULL,
                payload TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
                attempts INTEGER NOT NULL DEFAULT 0,
                round_start INTEGER NOT NULL DEFAULT 0,
                next_attempt_at INTEGER,
                created_at INTEGER NOT NULL,
                delivered_at INTEGER
            );
            CREATE INDEX alert_deliveries_due ON alert_deliveries(next_attempt_at) WHERE status = 'pending';
            CREATE INDEX alert_deliveries_by_rule ON alert_deliveries(rule_id, id);
            CREATE INDEX alert_deliveries_by_customer ON alert_deliveries(customer_id);
            CREATE TABLE alert_attempts (
                id INTEGER PRIMARY KEY,
                delivery_id INTEGER NOT NULL REFERENCES alert_deliveries(id) ON DELETE CASCADE,
                number INTEGER NOT NULL,
                started_at INTEGER NOT NULL,
                duration_ms INTEGER NOT NULL,
                status_code INTEGER,
                error TEXT
            );
            CREATE INDEX alert_attempts_by_delivery ON alert_attempts(delivery_id, number);
            """)
    }
}
