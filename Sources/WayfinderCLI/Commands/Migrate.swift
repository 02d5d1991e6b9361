import ArgumentParser
import ClickHouseStore
import Foundation
import JourneyStore
import PostgresStore
import Synchronization

extension Wayfinder {
    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "migrate",
            abstract: "Copy the embedded store to a team server's PostgreSQL, or its customer data to a ClickHouse cluster, and check the copy.",
            discussion: """
            To PostgreSQL (--to postgres://USER@HOST:PORT/DATABASE[?schema=NAME]) the whole store is copied: accounts, workspaces, maps with every version, comments, keys, share links, alerts, uploads and all customer data, in one transaction, so the copy is all there or not at all. Rows keep their numbers (customer ids, map versions). The database (or the schema) must hold no workspace and no user yet. Each table's rows are counted on both sides, and each workspace's customer data is read back and checked by its digest. Analyses then read it with --store URL.

            To ClickHouse, each workspace's events, customers (with their merges and traits) and survey answers are copied to the cluster, where they are sharded by stitched customer, so every customer's events live on one shard. The copy is then read back and checked against the store: the same rows of each kind and the same digest of their contents, or the command fails and says so.

            --from is the embedded store (sqlite:PATH, or just PATH). --to is the cluster: clickhouse://HOST:PORT[,HOST:PORT…]/DATABASE?cluster=NAME, naming the HTTP port of every shard's server and the remote_servers cluster that spreads the rows over them (scripts/cluster.sh up starts one and prints its URL). The database and its tables are made where missing.

            The maps, personas, accounts and keys stay in the store; analyses read them from there (or from the workspace's files) and the customer data from the cluster: wayfinder analyze funnel --workspace shop --events URL --workspace-id ID.

            Examples:
              wayfinder migrate --from sqlite:wayfinder.db --to postgres://wayfinder@127.0.0.1:5432/wayfinder
              wayfinder migrate --from sqlite:wayfinder.db --to 'clickhouse://127.0.0.1:8123/wayfinder?cluster=one'
              wayfinder migrate --from wayfinder.db --to 'clickhouse://ch1:8123,ch2:8123,ch3:8123/wayfinder?cluster=three' --workspace-id retail --replace
            """
        )

        @Option(help: ArgumentHelp("The store to copy from: sqlite:PATH (or PATH).", valueName: "store"))
        var from: String

        @Option(help: ArgumentHelp("Where to copy to: postgres://USER@HOST:PORT/DATABASE[?schema=NAME], or clickhouse://HOST:PORT[,HOST:PORT…]/DATABASE?cluster=NAME.", valueName: "url"))
        var to: String

        @Option(name: .customLong("workspace-id"), help: ArgumentHelp("A workspace to copy; repeat for several (default: every workspace of the store).", valueName: "id"))
        var workspaces: [String] = []

        @Flag(help: "Replace what the cluster holds of a workspace (without it, a workspace that has data there is refused).")
        var replace = false

        func validate() throws {
            for id in workspaces { try StoreWorkspace.validate(id) }
            if to.hasPrefix("postgres://") || to.hasPrefix("postgresql://") {
                do { _ = try PostgresURL(to) } catch { throw ValidationError("--to: \(error.description)") }
                if !workspaces.isEmpty { throw ValidationError("--workspace-id: a copy to PostgreSQL takes the whole store (its accounts and keys span workspaces); leave it out") }
                if replace { throw ValidationError("--replace: a copy to PostgreSQL goes into an empty database or schema; name a new schema with ?schema=NAME instead") }
                return
            }
            guard to.hasPrefix("clickhouse://") else {
                throw ValidationError("--to takes a PostgreSQL database, postgres://USER@HOST:PORT/DATABASE, or a ClickHouse cluster, clickhouse://HOST:PORT[,HOST:PORT…]/DATABASE?cluster=NAME; got a URL starting '\(PostgresURL.scheme(of: to))'.")
            }
        }

        func run() async throws {
            let path = from.hasPrefix("sqlite:") ? String(from.dropFirst("sqlite:".count)) : from
            guard FileManager.default.fileExists(atPath: path) else {
                throw CommandFailure(message: "\(path): no store here; --from names the embedded store (sqlite:PATH) that 'wayfinder import' wrote")
            }
            let store: JourneyStore
            do { store = try JourneyStore(path: path) } catch { throw CommandFailure(message: error.description) }
            if let target = try? PostgresURL(to) { return try await copyWhole(store, path: path, to: target) }
            let url: ClickHouseURL
            do { url = try ClickHouseURL(to) } catch { throw CommandFailure(message: error.description, code: 2) }
            let present: [String]
            do { present = try await store.workspaces().map(\.id) } catch { throw CommandFailure(message: "\(path): \(error.message)") }
            let chosen = workspaces.isEmpty ? present : workspaces
            if let missing = chosen.first(where: { !present.contains($0) }) {
                throw CommandFailure(message: "\(path): there is no workspace '\(missing)'; the store has \(present.isEmpty ? "none" : present.joined(separator: ", "))")
            }
            guard !chosen.isEmpty else { throw CommandFailure(message: "\(path): the store has no workspace, so no customer data to copy; import events first") }
            let copy = CustomerDataCopy(target: ClickHouseCustomerData(url: url))
            for id in chosen {
                let data: WorkspaceData
                do { data = try await store.workspaceData(id) } catch { throw CommandFailure(message: "\(path): \(error.message)") }
                var bar = ProgressBar(label: "copying \(id)")
                let started = Date()
                do {
                    let summary = try copy.copy(data, workspace: id, replace: replace) { done, total in
                        bar.update(fraction: Double(done) / Double(max(total, 1)), count: done, unit: "events", elapsed: Date().timeIntervalSince(started))
                    }
                    bar.finish()
                    let seconds = Date().timeIntervalSince(started)
                    Console.out("\(id): \(summary.copied.events) events, \(summary.copied.customers) customers and \(summary.copied.feedback) survey answers copied to \(url) and checked (digest \(summary.copied.digest)) in \(String(format: "%.1f", seconds)) s")
                } catch let error as ClickHouseError {
                    bar.finish()
                    throw CommandFailure(message: error.description)
                }
            }
        }

        /// Copies the whole store into an empty PostgreSQL store, with a progress bar per table.
        private func copyWhole(_ store: JourneyStore, path: String, to url: PostgresURL) async throws {
            let target: PostgresWorkspaceStore
            do { target = try await PostgresWorkspaceStore.open(url) } catch { throw CommandFailure(message: error.description) }
            defer { target.close() }
            let started = Date()
            let bar = Mutex<(table: String, bar: ProgressBar)?>(nil)
            let summary: PostgresStoreCopy.Summary
            do {
                summary = try await PostgresStoreCopy(source: store, target: target).copy { table, done, total in
                    bar.withLock { current in
                        if current?.table != table {
                            current?.bar.finish()
                            current = (table, ProgressBar(label: "copying \(table)"))
                        }
                        current?.bar.update(fraction: Double(done) / Double(max(total, 1)), count: done, unit: "rows", elapsed: Date().timeIntervalSince(started))
                    }
                }
            } catch {
                bar.withLock { $0?.bar.finish() }
                throw CommandFailure(message: "\(url): \(error.message)")
            }
            bar.withLock { $0?.bar.finish() }
            let rows = summary.rows.reduce(0) { $0 + $1.count }
            Console.out("\(path) copied to \(url): \(rows) rows in \(summary.rows.filter { $0.count > 0 }.count) tables, counted on both sides, in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
            for (id, digest) in summary.workspaces {
                Console.out("  \(id): \(digest.events) events, \(digest.customers) customers, \(digest.feedback) survey answers, read back and checked (digest \(digest.digest))")
            }
        }
    }
}