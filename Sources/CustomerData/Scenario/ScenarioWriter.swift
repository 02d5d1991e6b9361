import Foundation

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
    public static func existingOutput(in directory: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter(isOutputName).sorted()
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
        if ["events.csv", "events.ndjson", truthFile, identifiersFile].contains(base) { return true }
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

    /// Generates and writes everything; returns the truth that was written.
    public func write(_ generator: ScenarioGenerator, progress: (Progress) -> Void = { _ in }) throws(Failure) -> ScenarioTruth {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw Failure(path: directory, reason: "cannot create the folder (\(error.localizedDescription))")
        }
        func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }
        let identifiers = try OutputFile(path: path(Self.identifiersFile))
        identifiers.append("customer,identifier\n")
        var files: [String: Int] = [:]
        var current: OutputFile?
        var inFile = 0
        var batches = 0
        var bytes = EventBytes()
        var renderer = TemplateRenderer(plan: generator.plan, keys: generator.keys)
        let layout = generator.plan.layout
        var written = Progress(customers: 0, events: 0)

        func open(_ name: String) throws(Failure) -> OutputFile {
            let file = try OutputFile(path: path(name))
            switch format {
            case .csv: file.append(layout.header + "\n")
            case .segment: file.append("{\"batch\":[\n")
            case .ndjson: break
            }
            inFile = 0
            return file
        }
        func close(_ file: OutputFile) throws(Failure) {
            if format == .segment { file.append("\n]}\n") }
            try file.close()
            files[(file.path as NSString).lastPathComponent] = inFile
        }

        var truth: ScenarioTruth
        do {
            if format != .segment { current = try open(format == .csv ? "events.csv" : "events.ndjson") }
            truth = try generator.generate(customer: { customer throws(Failure) in
                for identifier in customer.identifiers {
                    identifiers.append(customer.label)
                    identifiers.buffer.append(0x2C)
                    EventBytes.appendCell(identifier.description, to: &identifiers.buffer)
                    identifiers.buffer.append(0x0A)
                }
                try identifiers.flushIfFull()
                written.customers += 1
                if written.customers & 255 == 0 { progress(written) }
            }, emit: { planned, identity, traits, ordinal throws(Failure) in
                if format == .segment, inFile == Self.batchLimit, let full = current {
                    try close(full)
                    current = nil
                }
                if current == nil {
                    current = try open(Self.batchName(batches))
                    batches += 1
                }
                let file = current!
                switch format {
                case .csv:
                    if !renderer.appendCSV(planned, identity: &identity, ordinal: ordinal, to: &file.buffer) {
                        bytes.appendCSV(generator.event(planned, identity: identity, traits: traits, ordinal: ordinal), layout: layout, to: &file.buffer)
                    }
                case .ndjson, .segment:
                    if format == .segment, inFile > 0 { file.buffer.append(contentsOf: [0x2C, 0x0A]) }
                    if !renderer.appendJSON(planned, identity: &identity, ordinal: ordinal, to: &file.buffer) {
                        bytes.appendJSON(generator.event(planned, identity: identity, traits: traits, ordinal: ordinal), to: &file.buffer)
                    }
                    if format == .ndjson { file.buffer.append(0x0A) }
                }
                inFile += 1
                written.events += 1
                try file.flushIfFull()
            })
            if let file = current { try close(file) }
            try identifiers.close()
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(path: directory, reason: "\(error)")
        }
        progress(written)
        truth.format = format.rawValue
        truth.files = files
        truth.identifiersFile = Self.identifiersFile
        let truthFile = try OutputFile(path: path(Self.truthFile))
        truthFile.append(truth.json)
        try truthFile.close()
        return truth
    }
}
