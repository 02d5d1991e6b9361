import ArgumentParser
import ClickHouseStore
import Foundation
import JourneyStore

extension Wayfinder {
    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "migrate",
            abstract: "Copy customer data from the embedded store to a ClickHouse cluster, and check the copy.",
            discussion: """
            Each workspace's events, customers (with their merges and traits) and survey answers are copied to the cluster, where they are sharded by stitched customer, so every customer's events live on one shard. The copy is then read back and checked against the store: the same rows of each kind and the same digest of their contents, or the command fails and says so.

            --from is the embedded store (sqlite:PATH, or just PATH). --to is the cluster: clickhouse://HOST:PORT[,HOST:PORT…]/DATABASE?cluster=NAME, naming the HTTP port of every shard's server and the remote_servers cluster that spreads the rows over them (scripts/cluster.sh up starts one and prints its URL). The database and its tables are made where missing.

            The maps, personas, accounts and keys stay in the store; analyses read them from there (or from the workspace's files) and the customer data from the cluster: wayfinder analyze funnel --workspace shop --events URL --workspace-id ID.

            Examples:
              wayfinder migrate --from sqlite:wayfinder.db --to 'clickhouse://127.0.0.1:8123/wayfinder?cluster=one'
              wayfinder migrate --from wayfinder.db --to 'clickhouse://ch1:8123,ch2:8123,ch3:8123/wayfinder?cluster=three' --workspace-id retail --replace
            """
        )

        @Option(help: ArgumentHelp("The store to copy from: sqlite:PATH (or PATH).", valueName: "store"))
        var from: String

        @Option(help: ArgumentHelp("Where to copy to: clickhouse://HOST:PORT[,HOST:PORT…]/DATABASE?cluster=NAME.", valueName: "url"))
        var to: String

        @Option(name: .customLong("workspace-id"), help: ArgumentHelp("A workspace to copy; repeat for several (default: every workspace of the store).", valueName: "id"))
        var workspaces: [String] = []

        @Flag(help: "Replace what the cluster holds of a workspace (without it, a workspace that has data there is refused).")
        var replace = false

        func validate() throws {
            for id in workspaces { try StoreWorkspace.validate(id) }
            guard to.hasPrefix("clickhouse://") else {
                throw ValidationError("--to takes a ClickHouse cluster, clickhouse://HOST:PORT[,HOST:PORT…]/DATABASE?cluster=NAME; got '\(to.prefix(80))'.")
            }
        }

        func run() async throws {
            let path = from.hasPrefix("sqlite:") ? String(from.dropFirst("sqlite:".count)) : from
            guard FileManager.default.fileExists(atPath: path) else {
                throw CommandFailure(message: "\(path): no store here; --from names the embedded store (sqlite:PATH) that 'wayfinder import' wrote")
            }
            let url: ClickHouseURL
            do { url = try ClickHouseURL(to) } catch { throw CommandFailure(message: error.description, code: 2) }
            let store: JourneyStore
            do { store = try JourneyStore(path: path) } catch { throw CommandFailure(message: error.description) }
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
    }
}
