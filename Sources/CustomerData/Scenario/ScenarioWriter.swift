import Dispatch
import Foundation
import Synchronization

/// Writes a generated scenario to a folder: the events as CSV, NDJSON or Segment batch files, plus
/// `truth.json` and `truth-identifiers.csv`.
///
/// Output is streamed through buffers (memory stays flat whatever the number of customers), and
/// every file is written under a `.partial` name and renamed when complete.
public struct ScenarioWriter: Sendable {
    /// The event file formats.
    public enum Format: String, Sendable, CaseIterable {
        /// `events.csv`, one row per event, with the columns ``CSVMapping/standard`` reads.
        case csv
        /// `events.ndjson`, one Segment message per line.
        case ndjson
        /// `batch-00001.json` …, each `{"batch": [...]}` with at most ``ScenarioWriter/batchLimit`` messages.
        case segment
    }

    /// Why writing failed: the file and the system's reason.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// The file or folder.
        public var path: String
        /// What went wrong.
        public var reason: String

        /// `path: reason`.
        public var description: String { "\(path): \(reason)" }
    }

    /// How far writing has come.
    public struct Progress: Sendable {
        /// Customers written.
        public var customers: Int
        /// Events written.
        public var events: Int
    }

    /// Messages per Segment batch file (Segment's limit).
    public static let batchLimit = 2500
    /// The truth file's name.
    public static let truthFile = "truth.json"
    /// The file of `customer,identifier` rows.
    public static let identifiersFile = "truth-identifiers.csv"
    /// The file of `customer,group` rows, when the scenario plants groups.
    public static let groupsFile = "truth-groups.csv"

    /// The folder written to (created when missing).
    public let directory: String
    /// The event format.
    public let format: Format

    /// Creates a writer.
    public init(directory: String, format: Format = .csv) {
        self.directory = directory
        self.format = format
    }

    /// Files in `directory` that a run would replace or leave stale: earlier events, batches and truth files.
    ///
    /// The omnichannel scenario's export files (``ToolExportWriter/files``) count only beside a
    /// truth file: a folder of real exports with those names is never taken for generated data.
    public static func existingOutput(in directory: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let generated = names.contains(truthFile) || names.contains(truthFile + ".partial")
        return names.filter { name in
            isOutputName(name) || (generated && ToolExportWriter.files.contains(name.hasSuffix(".partial") ? String(name.dropLast(8)) : name))
        }.sorted()
    }

    /// Removes the files ``existingOutput(in:)`` lists.
    public static func removeExistingOutput(in directory: String) throws(Failure) {
        for name in existingOutput(in: directory) {
            let path = (directory as NSString).appendingPathComponent(name)
            do { try FileManager.default.removeItem(atPath: path) } catch { throw Failure(path: path, reason: "cannot remove it (\(error.localizedDescription))") }
        }
    }

    static func isOutputName(_ name: String) -> Bool {
        let base = name.hasSuffix(".partial") ? String(name.dropLast(8)) : name
        if ["events.csv", "events.ndjson", truthFile, identifiersFile, groupsFile].contains(base) { return true }
        return base.hasPrefix("batch-") && base.hasSuffix(".json") && base.dropFirst(6).dropLast(5).allSatisfy(\.isNumber)
    }

    /// The event file names for a number of events.
    public func fileNames(events: Int) -> [String] {
        switch format {
        case .csv: return ["events.csv"]
        case .ndjson: return ["events.ndjson"]
        case .segment: return (0..<(events + Self.batchLimit - 1) / Self.batchLimit).map(Self.batchName)
        }
    }

    static func batchName(_ index: Int) -> String {
        let digits = String(index + 1)
        return "batch-" + String(repeating: "0", count: max(0, 5 - digits.count)) + digits + ".json"
    }

    /// Customers per chunk: chunks are generated in parallel and written in order, so the bytes
    /// do not depend on the number of threads.
    static let chunkSize = 2048

    /// One chunk of customers, rendered.
    struct Chunk: Sendable {
        var events: [UInt8] = []
        /// Where each event ends in `events` (Segment batches only).
        var ends: [Int] = []
        var identifiers: [UInt8] = []
        /// `label,group` rows, when the scenario plants groups.
        var groups: [UInt8] = []
        var tally: ScenarioTally
        var count = 0
        var customers = 0
    }

    /// Renders the events and identifier rows of a range of customers.
    static func render(_ range: Range<Int>, generator: ScenarioGenerator, renderer: TemplateRenderer, format: Format) -> Chunk {
        var bytes = EventBytes()
        var events: [UInt8] = [], ends: [Int] = [], identifiers: [UInt8] = [], groups: [UInt8] = []
        events.reserveCapacity(range.count * 2048)
        var count = 0
        let layout = generator.plan.layout
        let tally = generator.generate(range, customer: { customer in
            for identifier in customer.identifiers {
                // `label,kind:value`; values never hold a comma, quote or line break (ids, emails, phones).
                identifiers.append(contentsOf: customer.label.utf8)
                identifiers.append(0x2C)
                identifiers.append(contentsOf: identifier.kind.rawValue.utf8)
                identifiers.append(0x3A)
                identifiers.append(contentsOf: identifier.value.utf8)
                identifiers.append(0x0A)
            }
            if let group = customer.group {
                groups.append(contentsOf: customer.label.utf8)
                groups.append(0x2C)
                groups.append(contentsOf: group.utf8)
                groups.append(0x0A)
            }
        }, emit: { planned, identity, traits, ordinal in
            switch format {
            case .csv:
                if !renderer.appendCSV(planned, identity: identity, traits: traits, ordinal: ordinal, bytes: &bytes, to: &events) {
                    bytes.appendCSV(generator.event(planned, identity: identity, traits: traits.value, ordinal: ordinal), layout: layout, to: &events)
                }
            case .ndjson, .segment:
                if !renderer.appendJSON(planned, identity: identity, traits: traits, ordinal: ordinal, bytes: &bytes, to: &events) {
                    bytes.appendJSON(generator.event(planned, identity: identity, traits: traits.value, ordinal: ordinal), to: &events)
                }
                if format == .ndjson { events.append(0x0A) } else { ends.append(events.count) }
            }
            count += 1
        })
        return Chunk(events: events, ends: ends, identifiers: identifiers, groups: groups, tally: tally, count: count, customers: range.count)
    }

    /// Renders ranges of customers on every core, results in the order of the ranges.
    static func render(_ ranges: [Range<Int>], generator: ScenarioGenerator, renderer: TemplateRenderer, format: Format) -> [Chunk] {
        guard ranges.count > 1, #available(macOS 15, *) else {
            return ranges.map { render($0, generator: generator, renderer: renderer, format: format) }
        }
        let results = Mutex<[Chunk?]>(Array(repeating: nil, count: ranges.count))
        DispatchQueue.concurrentPerform(iterations: ranges.count) { index in
            let chunk = render(ranges[index], generator: generator, renderer: renderer, format: format)
            results.withLock { $0[index] = chunk }
        }
        return results.withLock { $0.map { $0! } }
    }

    /// Generates and writes everything, using every core; returns the truth that was written.
    public func write(_ generator: ScenarioGenerator, progress: (Progress) -> Void = { _ in }) throws(Failure) -> ScenarioTruth {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw Failure(path: directory, reason: "cannot create the folder (\(error.localizedDescription))")
        }
        func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }
        let format = self.format
        let layout = generator.plan.layout
        let renderer = TemplateRenderer(plan: generator.plan, keys: generator.keys)
        let identifiers = try OutputFile(path: path(Self.identifiersFile))
        var identifierText: [UInt8] = Array("customer,identifier\n".utf8)
        let groups = generator.plan.groups.isEmpty ? nil : try OutputFile(path: path(Self.groupsFile))
        var groupText: [UInt8] = Array("customer,group\n".utf8)
        var files: [String: Int] = [:]
        var current: OutputFile?
        var buffer: [UInt8] = []
        var inFile = 0
        var batches = 0
        var tally = ScenarioTally(plan: generator.plan, window: ScenarioGenerator.window)
        var written = Progress(customers: 0, events: 0)

        func open(_ name: String) throws(Failure) -> OutputFile {
            let file = try OutputFile(path: path(name))
            switch format {
            case .csv: buffer.append(contentsOf: (layout.header + "\n").utf8)
            case .segment: buffer.append(contentsOf: "{\"batch\":[\n".utf8)
            case .ndjson: break
            }
            inFile = 0
            return file
        }
        func close(_ file: OutputFile) throws(Failure) {
            if format == .segment { buffer.append(contentsOf: "\n]}\n".utf8) }
            try file.close(writing: &buffer)
            files[(file.path as NSString).lastPathComponent] = inFile
        }
        func write(_ chunk: Chunk) throws(Failure) {
            let events = chunk.events
            switch format {
            case .csv, .ndjson:
                try current!.write(&buffer)
                try current!.write(contentsOf: events)
                inFile += chunk.count
            case .segment:
                var start = 0
                for end in chunk.ends {
                    if inFile == Self.batchLimit, let full = current {
                        try close(full)
                        current = nil
                    }
                    if current == nil {
                        current = try open(Self.batchName(batches))
                        batches += 1
                    }
                    if inFile > 0 { buffer.append(contentsOf: [0x2C, 0x0A]) }
                    buffer.append(contentsOf: events[start..<end])
                    start = end
                    inFile += 1
                    if buffer.count >= OutputFile.bufferSize { try current!.write(&buffer) }
                }
            }
            identifierText.append(contentsOf: chunk.identifiers)
            try identifiers.writeIfFull(&identifierText)
            if let groups {
                groupText.append(contentsOf: chunk.groups)
                try groups.writeIfFull(&groupText)
            }
            tally.merge(chunk.tally)
            written.customers += chunk.customers
            written.events += chunk.count
        }

        if format != .segment { current = try open(format == .csv ? "events.csv" : "events.ndjson") }
        let wave = 2 * max(1, ProcessInfo.processInfo.activeProcessorCount)
        var next = 0
        while next < generator.customers {
            var ranges: [Range<Int>] = []
            while ranges.count < wave, next < generator.customers {
                let end = min(next + Self.chunkSize, generator.customers)
                ranges.append(next..<end)
                next = end
            }
            for chunk in Self.render(ranges, generator: generator, renderer: renderer, format: format) { try write(chunk) }
            progress(written)
        }
        if let file = current { try close(file) }
        try identifiers.close(writing: &identifierText)
        try groups?.close(writing: &groupText)
        progress(written)

        var truth = tally.truth(scenario: generator.scenario, seed: generator.seed)
        truth.format = format.rawValue
        truth.files = files
        truth.identifiersFile = Self.identifiersFile
        if groups != nil { truth.groupsFile = Self.groupsFile }
        let truthFile = try OutputFile(path: path(Self.truthFile))
        var truthText = Array(truth.json.utf8)
        try truthFile.close(writing: &truthText)
        return truth
    }
}
