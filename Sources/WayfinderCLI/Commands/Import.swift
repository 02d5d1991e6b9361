import ArgumentParser
import ClickHouseStore
import CustomerData
import Foundation
import JourneyModel
import JourneyStore
import PostgresStore

extension RecordReader.Format: ExpressibleByArgument {}

extension Wayfinder {
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Load customer interaction data (CSV, NDJSON, Segment batch; gzip too) into the store.",
            discussion: """
            Records are parsed, checked, stitched into customers across devices and channels, and deduplicated (on messageId, or on a content hash when there is none), so importing the same data twice adds nothing. A record that cannot be used never stops the import: it goes, with its file, line, reason and original text, to the quarantine file next to the database.

            CSV columns are named by the header (timestamp, type, event, messageId, anonymousId, userId, email, phone, device_id, channel, properties.<key>, traits.<key>); a mapping file renames columns and sets the delimiter:
              delimiter: ";"
              columns: { Zeit: timestamp, Kunde: userId, Aktion: event }

            The exports of tools teams already use are read unchanged with a preset, a mapping file shipped with Wayfinder; a CSV file is recognised by its header when one preset's columns are all in it (JSON lines by their first record), or --preset names one. --show-preset NAME prints its mapping file to copy and adjust (give the copy with --mapping). Presets:
            \(ImportPreset.all.map { "  \($0.name.padding(toLength: 25, withPad: " ", startingAt: 0)) \($0.summary)" }.joined(separator: "\n"))
            See docs/imports/ for each preset's fields.

            The data goes to one workspace of the store: --workspace-id names it; without it, the store's only workspace (or, in a new store, the workspace 'default'). Customers are stitched within the workspace only: the same e-mail in two workspaces is two customers.

            Every file's header is read first: a CSV header without a timestamp column or not UTF-8 text, or a survey export without --question, stops the command before any file is imported. A file that cannot be read on (a read error, broken gzip) stops the import with a message naming it, the line or byte and what was expected; the records committed before stay, and the summary is not printed.

            Exit status: 0 all imported, 3 some records were quarantined, 1 the import failed, 2 usage error.

            Examples:
              wayfinder import events.csv --db wayfinder.db
              wayfinder import events.csv --db wayfinder.db --workspace-id retail
              wayfinder import crm.csv --db wayfinder.db --workspace-id b2b --create-workspace
              wayfinder import export.csv.gz --mapping crm-mapping.yaml --db wayfinder.db
              wayfinder import tickets.csv contacts.csv --db wayfinder.db          # Zendesk and HubSpot exports, recognised
              wayfinder import tickets.csv --preset zendesk --db wayfinder.db
              wayfinder import --show-preset zendesk > zendesk.yaml                # copy, adjust, then --mapping zendesk.yaml
              wayfinder import responses.csv --question "How likely are you to recommend us?" --comment "Why?" --db wayfinder.db   # a survey export
              wayfinder import batch-*.json --db wayfinder.db --format json
              wayfinder import events.csv --store postgres://wayfinder@db.internal:5432/wayfinder --workspace-id retail

            With --store, the events go to the team server's PostgreSQL database, with the same rules; several imports and servers may write there at once, and stitch the same people into the same customers. Records set aside go to its quarantine_records table.

            With --events, the workspace's copy on a ClickHouse cluster is brought up to date after the import: the new events and survey answers are added, customers merged since are written again under the customer they belong to now, and the copy is checked against the store, customer by customer (a cluster that holds nothing of the workspace yet gets a whole copy, as 'wayfinder migrate' makes). Analyse it with 'wayfinder analyze --events URL'.
              wayfinder import events.csv --db wayfinder.db --events 'clickhouse://ch1:8123,ch2:8123/wayfinder?cluster=events'
            """
        )

        @Argument(help: "Files to import (.csv, .tsv, .ndjson, .jsonl, .json Segment batch; optionally .gz).")
        var files: [String] = []

        @Option(help: "The store (a SQLite file, created if missing).")
        var db = "wayfinder.db"

        @Option(help: StoreWorkspace.storeHelp)
        var store: String?

        @Option(name: .customLong("workspace-id"), help: StoreWorkspace.help)
        var workspaceID: String?

        @Flag(help: "Create the workspace --workspace-id names when the store lacks it.")
        var createWorkspace = false

        @Option(help: ArgumentHelp("After the import, bring the workspace's copy on this ClickHouse cluster up to date: clickhouse://HOST:PORT[,HOST:PORT…]/DATABASE?cluster=NAME.", valueName: "url"))
        var events: String?

        @Option(help: "A YAML file mapping CSV columns to event fields.")
        var mapping: String?

        @Option(help: ArgumentHelp("Read the files as this tool's export: \(ImportPreset.all.map(\.name).joined(separator: ", ")) (a CSV file is recognised by its header without it).", valueName: "name"))
        var preset: String?

        @Option(help: ArgumentHelp("Print the mapping file of a preset, to copy and adjust, and stop.", valueName: "name"))
        var showPreset: String?

        @Option(help: ArgumentHelp("A survey export's question whose answers are the score: its column (Typeform and SurveyMonkey: the question's text; Qualtrics: its id, such as Q1).", valueName: "column"))
        var question: String?

        @Option(help: ArgumentHelp("The metric of --question's answers: nps (the default), csat or ces.", valueName: "metric"))
        var metric: String?

        @Option(help: ArgumentHelp("A survey export's free-text question whose answers become the feedback text (scored for sentiment).", valueName: "column"))
        var comment: String?

        @Option(help: "Read every file as csv, ndjson or segment instead of guessing from the name.")
        var inputFormat: RecordReader.Format?

        @Option(help: "Summary format: text or json.")
        var format: ReportFormat = .text

        @Option(help: "Identifiers one customer may hold before merges into it are refused.")
        var maxClusterSize = 100

        @Option(help: ArgumentHelp("More identifier values to ignore as junk, comma-separated.", valueName: "values"))
        var junk: String?

        @Option(help: ArgumentHelp("The country calling code of national phone numbers (such as 44), so 07700 900123 and +44 7700 900123 are one customer.", valueName: "code"))
        var phoneCountry: String?

        @Option(help: "Records stored in one transaction; a smaller batch commits sooner and more often.")
        var batchSize = 5_000

        @Flag(help: "Print a line after every committed batch.")
        var verbose = false

        func validate() throws {
            for name in [preset, showPreset].compactMap({ $0 }) where ImportPreset.named(name) == nil {
                let names = ImportPreset.all.map(\.name)
                let hint = Suggestions.closest(to: name, in: names).map { "did you mean '\($0)'? Presets" } ?? "Presets"
                throw ValidationError("'\(name)' is not a preset; \(hint): \(names.joined(separator: ", ")).")
            }
            if preset != nil, mapping != nil { throw ValidationError("--preset and --mapping both say how to read the files; give one (a copy of a preset is a mapping file).") }
            if showPreset != nil { return }
            if let metric, !["nps", "csat", "ces"].contains(metric) { throw ValidationError("--metric takes nps, csat or ces; got '\(metric.prefix(40))'.") }
            for (flag, value) in [("--question", question), ("--comment", comment)] where value?.isEmpty == true || value?.utf8.contains(0) == true {
                throw ValidationError("\(flag) names a column of the survey export; it cannot be empty.")
            }
            if files.isEmpty { throw ValidationError("Name at least one file to import, for example 'wayfinder import events.csv --db wayfinder.db'.") }
            if maxClusterSize < 2 { throw ValidationError("--max-cluster-size must be at least 2.") }
            if !(1...100_000).contains(batchSize) { throw ValidationError("--batch-size takes 1 to 100000 records per transaction; got \(batchSize).") }
            try Self.checkPhoneCountry(phoneCountry)
            try StoreWorkspace.validate(workspaceID)
            try StoreWorkspace.validate(store: store)
            if createWorkspace, workspaceID == nil { throw ValidationError("--create-workspace creates the workspace --workspace-id names; give --workspace-id ID too.") }
            if let events {
                do { _ = try ClickHouseURL(events) } catch { throw ValidationError("--events: \(error.description)") }
            }
        }

        static func checkPhoneCountry(_ code: String?) throws {
            if let code, code.isEmpty || code.count > 3 || !code.allSatisfy({ $0.isASCII && $0.isNumber }) {
                throw ValidationError("--phone-country takes the digits of a country calling code, such as 44 or 1.")
            }
        }

        func run() async throws {
            if let showPreset, let found = ImportPreset.named(showPreset) {
                Console.write(Data(found.text.utf8))
                return
            }
            for file in files where !FileManager.default.fileExists(atPath: file) {
                throw CommandFailure(message: "\(file): no such file; check the path")
            }
            var csvMapping = preset.flatMap(ImportPreset.named)?.mapping ?? CSVMapping.standard
            if let mapping {
                switch CSVMapping.load(path: mapping) {
                case .success(let loaded): csvMapping = loaded
                case .failure(let problems):
                    Console.report(problems.diagnostics)
                    throw CommandFailure(message: "the mapping file \(mapping) has \(Console.counts(problems.diagnostics))")
                }
            }
            let arguments = ["question": question, "metric": metric, "comment": comment].compactMapValues { $0 }
            csvMapping = csvMapping.with(arguments: arguments)
            var options = Importer.Options()
            options.maximumClusterSize = maxClusterSize
            options.batchSize = batchSize
            options.phoneCountry = phoneCountry
            if let junk { options.junk.formUnion(junk.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }) }
            if let store { return try await importIntoPostgres(store, options: options, mapping: csvMapping) }
            let data = try StoreWorkspace.open(db: db, workspace: workspaceID, creating: true, creatingNamed: createWorkspace)
            let importer: Importer
            do { importer = try Importer(data: data, options: options) } catch let failure as JourneyStore.Failure {
                throw CommandFailure(message: failure.description)
            }
            try importFiles(mapping: csvMapping) { file, progress in try importer.importFile(file, format: inputFormat, mapping: csvMapping, progress: progress) }
            let summary = importer.summary()
            let cluster = try await updateCluster(from: data, workspace: data.workspace)
            try report(summary, counts: try data.counts(), workspace: data.workspace, store: db, cluster: cluster)
        }

        /// Brings the workspace's copy on the `--events` cluster up to what `source` holds; nil without `--events`.
        private func updateCluster(from source: any CustomerDataReader & CustomerDirectory, workspace: String) async throws -> ClusterUpdate? {
            guard let events else { return nil }
            let url = try ClickHouseURL(events)
            let started = Date()
            let db = self.db
            let update = try await OwnThread.run { () throws -> CustomerDataCopy.Update in
                do {
                    return try ClusterCopyLock.holding(source, db: db) {
                        var bar = ProgressBar(label: "cluster")
                        bar.note("bringing the copy on the cluster up to date…")
                        defer { bar.finish() }
                        return try CustomerDataCopy(target: ClickHouseCustomerData(url: url)).update(source, workspace: workspace) { copied, total in
                            bar.update(fraction: Double(copied) / Double(max(total, 1)), count: copied, unit: "events", elapsed: 0)
                        }
                    }
                } catch let error as ClickHouseError {
                    throw CommandFailure(message: "\(error.description); the events are imported into the store, so run the import again (it adds nothing twice) or 'wayfinder migrate --replace' to bring the cluster up to date")
                }
            }
            return ClusterUpdate(url: url.description, update, seconds: Date().timeIntervalSince(started))
        }

        /// What the summary says of the cluster.
        struct ClusterUpdate: Encodable {
            var url: String
            var written: Int
            var rewrittenCustomers: Int
            var customerRows: Int
            var copiedWhole: Bool
            var reason: String?
            var checked: String
            /// Whether every customer's rows were compared (the cluster was not as the last check left it).
            var comparedEveryCustomer: Bool
            var seconds: Double

            init(url: String, _ update: CustomerDataCopy.Update, seconds: Double) {
                self.url = url
                self.seconds = seconds
                written = update.written
                rewrittenCustomers = update.rewritten
                customerRows = update.customerRows
                copiedWhole = update.copiedWhole
                reason = update.reason
                checked = update.checked
                comparedEveryCustomer = update.copiedWhole || update.comparedEveryCustomer
            }

            enum CodingKeys: String, CodingKey {
                case url, written, reason, checked, seconds
                case rewrittenCustomers = "rewritten_customers", customerRows = "customer_rows", copiedWhole = "copied_whole"
                case comparedEveryCustomer = "compared_every_customer"
            }

            var line: String {
                let time = String(format: "%.1f", seconds)
                return copiedWhole
                    ? "Copied the workspace whole to \(url) (\(reason ?? "")) and checked it in \(time) s: \(checked)."
                    : "Brought the copy on \(url) up to date in \(time) s: \(Console.count(written, "row")) of events and answers written (the new ones, and those of \(Console.count(rewrittenCustomers, "customer")) merged, erased or found incomplete there), \(Console.count(customerRows, "customer row")) written again; checked: \(checked)."
            }
        }


        /// Imports every file with `body`, a progress bar for each.
        /// Imports each file with `body`, saying first which export a preset reads it as (`mapping`
        /// is the one the files are read with: a preset's, a mapping file's or the standard one).
        private func importFiles(mapping: CSVMapping, _ body: (String, @escaping (Importer.Progress) -> Void) throws -> Importer.FileSummary) throws {
            // Every file's header first, so that a file that cannot be read as given (a survey
            // export without --question, a header without a time) stops the command before any is imported.
            var presets: [String: String] = [:]
            for file in files {
                do {
                    presets[file] = try RecordReader(path: file, format: inputFormat, mapping: mapping).mapping.name
                } catch {
                    throw CommandFailure(message: "\(file): \(error.description); nothing was imported")
                }
            }
            for file in files {
                // Say which export a file is read as, when a preset reads it.
                if let name = presets[file] {
                    Console.error("\(file): read with the \(name) preset (\(ImportPreset.named(name)?.summary ?? "a mapping file"))")
                }
                var bar = ProgressBar(label: URL(fileURLWithPath: file).lastPathComponent)
                let verbose = self.verbose
                do {
                    _ = try body(file) { progress in
                        if progress.indexing { return bar.note("building indexes over \(progress.counts.imported) events…") }
                        bar.update(fraction: progress.bytesTotal > 0 ? Double(progress.bytesRead) / Double(progress.bytesTotal) : 0,
                                   count: progress.counts.records, unit: "records", elapsed: progress.elapsed)
                        if verbose {
                            Console.error("committed \(progress.counts.imported) imported, \(progress.counts.duplicates) duplicates, \(progress.counts.quarantined) quarantined (\(file))")
                        }
                    }
                } catch let failure as ByteSource.Failure {
                    bar.finish()
                    throw CommandFailure(message: "\(file): \(failure.description); nothing of it from there on was imported (what came before is stored, and importing the file again adds only what is missing)")
                } catch let error as WorkspaceStoreError {
                    bar.finish()
                    throw CommandFailure(message: "\(file): \(error.message); the batches committed before stay, and importing the file again adds only what is missing")
                } catch where JourneyStore.isDiskFull(error) {
                    bar.finish()
                    throw CommandFailure(message: "\(file): the disk holding the store is full; the batch being written was not stored, the batches committed before stay. Free space, then run the same import again: it adds only what is missing")
                }
                bar.finish()
            }
        }

        /// Imports into the workspace of the team server's PostgreSQL store at `store`; `default`
        /// without --workspace-id, created when the store has no workspace yet.
        private func importIntoPostgres(_ store: String, options: Importer.Options, mapping: CSVMapping) async throws {
            let url = try PostgresURL(store)
            let target: PostgresWorkspaceStore
            do { target = try await PostgresWorkspaceStore.open(url) } catch { throw CommandFailure(message: error.description) }
            defer { target.close() }
            let workspace = workspaceID ?? WorkspaceData.defaultWorkspace.id
            let data: PostgresCustomerData
            do {
                let present = try await target.workspaces().map(\.id)
                if !present.contains(workspace) {
                    guard createWorkspace || (workspaceID == nil && present.isEmpty) else {
                        throw CommandFailure(message: "\(url): there is no workspace '\(workspace)'; \(present.isEmpty ? "the store has none" : "its workspaces are " + present.joined(separator: ", ")); add --create-workspace to create it")
                    }
                    try await Self.create(workspace, name: workspaceID == nil ? WorkspaceData.defaultWorkspace.name : workspace, in: target)
                }
                data = try await target.postgresCustomerData(workspace)
            } catch let error as WorkspaceStoreError {
                throw CommandFailure(message: "\(url): \(error.message)")
            }
            let writer = data.postgresWriter(options: options)
            let format = inputFormat
            // On a thread of its own: the writer waits for PostgreSQL there, not on the cooperative pool.
            try await OwnThread.run { try importFiles(mapping: mapping) { file, progress in try writer.importFile(file, format: format, mapping: mapping, progress: progress) } }
            let counts: WorkspaceData.Counts
            do { counts = try data.counts() } catch let error as WorkspaceStoreError { throw CommandFailure(message: error.message) }
            let summary = writer.summary()
            let cluster = try await updateCluster(from: data, workspace: workspace)
            try report(summary, counts: counts, workspace: workspace, store: "\(url)", cluster: cluster)
        }

        /// Creates a workspace, unless another import or server created it at the same moment.
        private static func create(_ id: String, name: String, in store: PostgresWorkspaceStore) async throws(WorkspaceStoreError) {
            do {
                _ = try await store.createWorkspace(id: id, name: name)
            } catch {
                if error.code != .alreadyExists { throw error }
            }
        }

        private func report(_ summary: Importer.Summary, counts: WorkspaceData.Counts, workspace: String, store: String, cluster: ClusterUpdate?) throws {
            switch format {
            case .json:
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                Console.out(String(decoding: try encoder.encode(WithCluster(summary, cluster: cluster)), as: UTF8.self))
            case .text:
                let rate = summary.seconds > 0 ? Int(Double(summary.imported + summary.duplicates + summary.quarantined) / summary.seconds) : 0
                Console.out("Imported \(summary.imported) events (\(summary.duplicates) duplicates skipped, \(summary.quarantined) quarantined) from \(Console.count(files.count, "file")) in \(String(format: "%.1f", summary.seconds)) s, \(rate) records/s.")
                Console.out("Workspace '\(workspace)' of \(store) holds \(Console.count(counts.events, "event")) of \(Console.count(counts.customers, "customer")) (\(Console.count(counts.identifiers, "identifier")); \(summary.customersMerged) merges this run\(summary.mergesRefused > 0 ? ", \(summary.mergesRefused) refused as too large" : "")).")
                if let cluster { Console.out(cluster.line) }
                if summary.quarantined > 0 {
                    Console.out("Quarantined records, with file, line and reason: \(summary.quarantineFile)")
                }
            }
            if summary.quarantined > 0 { throw ExitCode(3) }
        }
    }

    struct Customers: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List customers, or show one with its identifiers, traits and time line.",
            discussion: """
            ID may be a customer id (cus_42) or any of its identifiers: a user id, an anonymous id, an email address, a phone number, or kind:value (email:maya@example.com).

            The customers are those of one workspace of the store (--workspace-id; default: the store's only workspace). Customers and their identifiers live in the store, where they are stitched; with --events, each is shown beside what the workspace's copy on a ClickHouse cluster holds of it (events, survey answers, first and last seen), to check that the copy is current or that an erasure reached it.

            Examples:
              wayfinder customers --db wayfinder.db --limit 20
              wayfinder customers maya.okafor@example.com --db wayfinder.db --format json
              wayfinder customers --store postgres://wayfinder@db.internal:5432/wayfinder --workspace-id shop
              wayfinder customers cus_42 --db wayfinder.db --events 'clickhouse://ch1:8123,ch2:8123/wayfinder?cluster=events'
            """
        )

        @Argument(help: "A customer id or identifier.") var id: String?
        @Option(help: "The store.") var db = "wayfinder.db"
        @Option(help: StoreWorkspace.storeHelp) var store: String?
        @Option(name: .customLong("workspace-id"), help: StoreWorkspace.help) var workspaceID: String?
        @Option(help: ArgumentHelp("Show beside each customer what the workspace's copy on this ClickHouse cluster holds of it: clickhouse://HOST:PORT[,HOST:PORT…]/DATABASE?cluster=NAME.", valueName: "url"))
        var events: String?
        @Option(help: "Customers per page.") var limit = 20
        @Option(help: "Customers to skip.") var offset = 0
        @Option(help: "Output format: text or json.") var format: ReportFormat = .text
        @Option(help: ArgumentHelp("The country calling code the import used for national phone numbers (such as 44), so 07700 900123 finds +447700900123.", valueName: "code"))
        var phoneCountry: String?

        func validate() throws {
            try Import.checkPhoneCountry(phoneCountry)
            if limit < 1 { throw ValidationError("--limit must be at least 1.") }
            if offset < 0 { throw ValidationError("--offset cannot be negative.") }
            try StoreWorkspace.validate(workspaceID)
            try StoreWorkspace.validate(store: store)
            if let events {
                do { _ = try ClickHouseURL(events) } catch { throw ValidationError("--events: \(error.description)") }
            }
        }

        /// A customer as the store holds it, with what the cluster's copy holds of it (with --events).
        typealias Shown = WithCluster<CustomerRecord, ClusterCustomer>

        /// The customers with what the cluster holds of each, or without it when there is no --events.
        private func shown(_ customers: [CustomerRecord], workspace: String) throws -> [Shown] {
            guard let events else { return customers.map { Shown($0) } }
            let cluster = ClickHouseCustomerData(url: try ClickHouseURL(events)).workspace(workspace)
            let numbers = customers.compactMap { CustomerID.number($0.id) }
            let held: [Int64: ClusterCustomer]
            do { held = try cluster.customers(numbers) } catch { throw CommandFailure(message: error.description) }
            return customers.map { Shown($0, cluster: CustomerID.number($0.id).flatMap { held[$0] }) }
        }

        func run() throws {
            let where_ = self.store.map { "--store '\($0)'" } ?? "--db \(db)"
            let store = try StoreWorkspace.directory(db: db, store: self.store, workspace: workspaceID)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            guard let id else {
                let page = try store.customers(limit: limit, offset: offset)
                let customers = try shown(page.customers, workspace: store.workspace)
                if format == .json {
                    struct Page: Encodable { var total: Int; var offset: Int; var customers: [Shown] }
                    Console.out(String(decoding: try encoder.encode(Page(total: page.total, offset: offset, customers: customers)), as: UTF8.self))
                } else {
                    Console.out("\(Console.count(page.total, "customer")); showing \(customers.count) from \(offset + 1)\(events == nil ? "" : ", with the events the cluster's copy holds of each"):")
                    for shown in customers {
                        let customer = shown.store
                        let copy = shown.cluster.map { "  cluster \(String($0.events).padding(toLength: 6, withPad: " ", startingAt: 0))\(shown.copyMatches == true ? "" : " (differs)")" } ?? ""
                        Console.out("  \(customer.id.padding(toLength: 12, withPad: " ", startingAt: 0)) \(String(customer.events).padding(toLength: 6, withPad: " ", startingAt: 0)) events\(copy)  last seen \(customer.lastSeen ?? "-")  \(customer.identifiers.prefix(3).joined(separator: ", "))\(customer.identifiers.count > 3 ? ", …" : "")")
                    }
                    let differing = customers.filter { $0.copyMatches == false }.count
                    if differing > 0 {
                        Console.out("The cluster's copy differs for \(Console.count(differing, "customer")) shown; bring it up to date with 'wayfinder import FILES \(where_) --events URL', or copy it again with 'wayfinder migrate --replace'.")
                    }
                }
                return
            }
            guard let number = try store.findCustomer(id, phoneCountry: phoneCountry), let record = try store.customer(number) else {
                throw CommandFailure(message: "no customer of workspace '\(store.workspace)' has the id or identifier given; list them with 'wayfinder customers \(where_)'")
            }
            let shown = try shown([record], workspace: store.workspace)[0]
            let customer = shown.store
            let timeline = try store.timeline(of: number, limit: 1_000)
            if format == .json {
                struct Detail: Encodable { var customer: Shown; var timeline: [TimelineEntry] }
                Console.out(String(decoding: try encoder.encode(Detail(customer: shown, timeline: timeline)), as: UTF8.self))
            } else {
                Console.out("\(customer.id): \(customer.events) events, first seen \(customer.firstSeen ?? "-"), last seen \(customer.lastSeen ?? "-")")
                if let copy = shown.cluster {
                    let verdict = shown.copyMatches == true ? "the same events as in the store"
                        : "not the events of the store; bring the copy up to date with 'wayfinder import FILES \(where_) --events URL'"
                    Console.out("On the cluster: \(Console.count(copy.events, "event")) and \(Console.count(copy.feedback, "survey answer")), first seen \(copy.firstSeen ?? "-"), last seen \(copy.lastSeen ?? "-"): \(verdict)")
                }
                Console.out("Identifiers: \(customer.identifiers.joined(separator: ", "))")
                Console.out("Traits: \(customer.traits)")
                Console.out("Time line:")
                for entry in timeline {
                    Console.out("  \(entry.timestamp)  \(entry.type.padding(toLength: 8, withPad: " ", startingAt: 0)) \(entry.name ?? "")\(entry.channel.map { "  [\($0)]" } ?? "")")
                }
            }
        }
    }

    struct Forget: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Erase a customer completely: identifiers, events, feedback and derived rows.",
            discussion: """
            ID may be the customer id or any of its identifiers, in one workspace of the store (--workspace-id; default: the store's only workspace); customers of other workspaces are never touched. Quarantined records of the workspace that mention one of its identifiers are removed from its quarantine file too.

            With --events, the customer's rows are first erased on the ClickHouse cluster the workspace was copied to ('wayfinder migrate'): its events, survey answers and customer rows, and those of the customers merged into it, on every shard. The command waits until the shards have removed them and checks that none is left; if the cluster fails, nothing is erased from the store, so the same command can run again.

            Example:
              wayfinder forget maya.okafor@example.com --db wayfinder.db
              wayfinder forget maya.okafor@example.com --store postgres://wayfinder@db.internal:5432/wayfinder --workspace-id shop
              wayfinder forget cus_42 --store postgres://wayfinder@db.internal:5432/wayfinder --workspace-id shop --events 'clickhouse://ch1:8123,ch2:8123/wayfinder?cluster=events'
            """
        )

        @Argument(help: "A customer id or identifier.") var id: String
        @Option(help: "The store.") var db = "wayfinder.db"
        @Option(help: StoreWorkspace.storeHelp) var store: String?
        @Option(name: .customLong("workspace-id"), help: StoreWorkspace.help) var workspaceID: String?
        @Option(help: ArgumentHelp("Also erase the customer on the ClickHouse cluster the workspace was copied to: clickhouse://HOST:PORT[,HOST:PORT…]/DATABASE?cluster=NAME.", valueName: "url"))
        var events: String?
        @Option(help: "Output format: text or json.") var format: ReportFormat = .text
        @Option(help: ArgumentHelp("The country calling code the import used for national phone numbers (such as 44), so 07700 900123 finds +447700900123.", valueName: "code"))
        var phoneCountry: String?

        func validate() throws {
            try Import.checkPhoneCountry(phoneCountry)
            try StoreWorkspace.validate(workspaceID)
            try StoreWorkspace.validate(store: store)
            if let events {
                do { _ = try ClickHouseURL(events) } catch { throw ValidationError("--events: \(error.description)") }
            }
        }


        func run() throws {
            let store = try StoreWorkspace.directory(db: db, store: self.store, workspace: workspaceID)
            guard let number = try store.findCustomer(id, phoneCountry: phoneCountry) else {
                throw CommandFailure(message: "no customer of workspace '\(store.workspace)' has the id or identifier given; nothing was erased")
            }
            // The cluster first: when it fails, the store still finds the customer for the next try.
            // Both under the lock of the cluster's copy, so no update writes the customer back between.
            let (cluster, erased) = try events.map { url in
                try ClusterCopyLock.holding(store, db: db) { (try forgetOnCluster(number, url: url, store: store), try store.forget(number)) }
            } ?? (nil, try store.forget(number))
            guard let erasure = erased else {
                throw CommandFailure(message: cluster == nil
                    ? "no customer of workspace '\(store.workspace)' has the id or identifier given; nothing was erased"
                    : "the customer's rows were erased on the cluster, but the store no longer has the customer (merged or erased meanwhile); run the command again with the id it has now")
            }
            if format == .json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                Console.out(String(decoding: try encoder.encode(WithCluster(erasure, cluster: cluster)), as: UTF8.self))
            } else {
                Console.out("Erased \(erasure.customer): \(Console.count(erasure.events, "event")), \(Console.count(erasure.identifiers, "identifier")), \(erasure.feedback) feedback answers, \(Console.count(erasure.customers, "customer record")), \(Console.count(erasure.quarantined, "quarantined record")).")
                if let cluster {
                    Console.out("Erased on the cluster: \(Console.count(cluster.events, "event")), \(cluster.feedback) feedback answers, \(Console.count(cluster.customers, "customer record")).")
                }
            }
        }

        /// Erases customer `number`, with the customers the store merged into it, on the cluster at `url`.
        private func forgetOnCluster(_ number: Int64, url: String, store: any CustomerDirectory) throws -> ClickHouseErasure {
            var numbers = [number]
            if let reader = store as? any CustomerDataReader {
                let links = try reader.customerLinks()
                if let root = links.roots.firstIndex(of: number) {
                    numbers += links.rootPosition.enumerated().filter { Int($0.element) == root }.map { Int64($0.offset) }
                }
            }
            do {
                return try ClickHouseCustomerData(url: try ClickHouseURL(url)).forget(workspace: store.workspace, customers: numbers)
            } catch {
                throw CommandFailure(message: "\(error); nothing was erased from the store")
            }
        }
    }
}

extension WithCluster where Store == CustomerRecord, Cluster == ClusterCustomer {
    /// Whether the cluster's copy holds as many events of the customer, over the same times, as the store.
    var copyMatches: Bool? {
        cluster.map { $0.events == store.events && $0.firstSeen == store.firstSeen && $0.lastSeen == store.lastSeen }
    }
}
