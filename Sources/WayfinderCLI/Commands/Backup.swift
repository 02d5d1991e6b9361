import ArgumentParser
import Foundation
import JourneyStore

extension Wayfinder {
    struct Backup: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy the embedded store to a backup file while the server goes on writing to it.",
            discussion: """
            The backup is the store as it was when the backup began (SQLite's online backup, read in one snapshot): every event the server acknowledged before then is in it, and the server keeps collecting while it runs. The copy is checked with SQLite's integrity check and flushed to the disk before it takes the name --out (with --replace, in one rename, so the earlier backup stays whole until the new one is), so an interrupted or failed backup leaves no partial file there. The file is readable by its owner only, and --out's folder is made when missing.

            The backup is one SQLite file: copy it anywhere, open it with sqlite3, or put it back with 'wayfinder restore'. The analytics indexes kept beside the store (folders STORE.index.*) are not in it: they are built again from the data. Nor are the quarantine files (STORE.quarantine.*), which hold the records an import could not use.

            A store on a team server's PostgreSQL is backed up with PostgreSQL's own tools (pg_dump); a ClickHouse cluster with its BACKUP command.

            Examples:
              wayfinder backup --db wayfinder.db --out backups/wayfinder-$(date +%F).db
              wayfinder backup --db /var/lib/wayfinder/wayfinder.db --out /backups/nightly.db --replace

            Exit status: 0 backed up, 1 the store cannot be read or the backup written, 2 usage error.
            """
        )

        @Option(help: ArgumentHelp("The store to back up (a SQLite file 'wayfinder serve' or 'import' wrote).", valueName: "path")) var db = "wayfinder.db"
        @Option(help: ArgumentHelp("The backup file to write.", valueName: "file")) var out: String
        @Flag(help: "Overwrite --out when a file is already there.") var replace = false

        func validate() throws {
            if out.isEmpty { throw ValidationError("--out names the backup file to write, such as backups/wayfinder.db") }
            if out.utf8.contains(0) || db.utf8.contains(0) { throw ValidationError("file names cannot hold NUL characters") }
        }

        func run() throws {
            var bar = ProgressBar(label: "backing up")
            let started = Date()
            let summary: StoreBackup.Summary
            do {
                summary = try StoreBackup.backup(store: db, to: out, replace: replace) { copied, total in
                    bar.update(fraction: Double(copied) / Double(max(total, 1)), count: copied * 4, unit: "KB", elapsed: Date().timeIntervalSince(started))
                }
            } catch {
                bar.finish()
                throw CommandFailure(message: error.description)
            }
            bar.finish()
            Console.out("Backed up \(db) to \(out) in \(ProgressBar.duration(Date().timeIntervalSince(started))): \(Restore.describe(summary)); integrity check ok.")
            Console.out("Put it back with: \(Invocation.command) restore \(Invocation.quoted(out)) --db STORE")
        }
    }

    struct Restore: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put a backup back as the embedded store, bringing its schema up to date.",
            discussion: """
            The backup is checked first (SQLite's integrity check, a Wayfinder store, a schema this release knows). It is then copied into --db in one transaction. A backup made by an earlier release is migrated to this release's schema, as 'wayfinder serve' would on start. The analytics indexes kept beside the store are removed (they are built again from the restored data).

            Stop the server first: a restore is refused while 'wayfinder serve' runs on the store (it keeps customers it has read in memory, which the restored store would contradict). A store that holds workspaces or events is replaced only with --replace: back it up first.

            Examples:
              wayfinder restore backups/wayfinder-2026-12-01.db --db wayfinder.db
              wayfinder restore /backups/nightly.db --db /var/lib/wayfinder/wayfinder.db --replace

            Exit status: 0 restored, 1 the backup cannot be read or the store written, 2 usage error.
            """
        )

        @Argument(help: ArgumentHelp("The backup file ('wayfinder backup' wrote it).", valueName: "backup")) var backup: String
        @Option(help: ArgumentHelp("The store to put it back as (created if missing).", valueName: "path")) var db = "wayfinder.db"
        @Flag(help: "Replace a store that holds workspaces or events.") var replace = false

        func validate() throws {
            if backup.utf8.contains(0) || db.utf8.contains(0) { throw ValidationError("file names cannot hold NUL characters") }
        }

        func run() throws {
            let started = Date()
            let summary: StoreBackup.Summary
            do {
                summary = try StoreBackup.restore(backup, to: db, replace: replace)
            } catch {
                throw CommandFailure(message: error.description)
            }
            let migrated = summary.migrated > 0 ? "; \(Console.count(summary.migrated, "schema migration")) applied" : ""
            Console.out("Restored \(backup) as \(db) in \(ProgressBar.duration(Date().timeIntervalSince(started))): \(Self.describe(summary))\(migrated).")
            Console.out("Serve it with: \(Invocation.command) serve --db \(Invocation.quoted(db))")
        }

        static func describe(_ summary: StoreBackup.Summary) -> String {
            let megabytes = String(format: "%.1f MB", Double(summary.bytes) / 1_048_576)
            return "\(Console.count(summary.workspaces, "workspace")), \(Console.count(summary.events, "event")), "
                + "\(Console.count(summary.customers, "customer")), \(Console.count(summary.answers, "survey answer")), \(megabytes)"
        }
    }
}
