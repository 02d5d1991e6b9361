import CustomerData
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import WayfinderTesting

/// The templates `wayfinder init --template` offers, listed here independently of the product code.
let templateNames = ["retail", "saas", "healthcare", "lead-gen", "b2b-services"]

/// The formats `wayfinder render --format` offers.
let renderFormats = ["svg", "html", "md", "csv", "mermaid", "json", "yaml"]

/// Runs `wayfinder` and records an issue when the run shows any mark of a crash.
///
/// Every test goes through this, so no command may ever print "Fatal error",
/// "Stack dump" or "Current stack trace", or die from a signal.
@discardableResult
func wayfinder(
    _ arguments: String..., in directory: TemporaryDirectory? = nil, sourceLocation: SourceLocation = #_sourceLocation
) async throws -> WayfinderProcess.Output {
    try await wayfinder(arguments, in: directory, sourceLocation: sourceLocation)
}

/// Runs `wayfinder` with an argument array; see ``wayfinder(_:in:sourceLocation:)-(String...)``.
@discardableResult
func wayfinder(
    _ arguments: [String], in directory: TemporaryDirectory? = nil, sourceLocation: SourceLocation = #_sourceLocation
) async throws -> WayfinderProcess.Output {
    let output = try await WayfinderProcess.run(arguments, in: directory?.path)
    #expect(!output.hasCrashMarks, "wayfinder \(arguments.joined(separator: " ")) crashed:\n\(output)", sourceLocation: sourceLocation)
    return output
}

/// Writes a template workspace into `folder` inside `directory` and checks that `init` succeeded.
@discardableResult
func initWorkspace(
    _ template: String = "retail", in directory: TemporaryDirectory, folder: String = "ws", syntax: String = "yaml",
    sourceLocation: SourceLocation = #_sourceLocation
) async throws -> String {
    let output = try await wayfinder(["init", "--template", template, "--syntax", syntax, folder], in: directory, sourceLocation: sourceLocation)
    #expect(output.status == 0, "\(output)", sourceLocation: sourceLocation)
    return directory.path(folder)
}

/// Parses JSON text into a dictionary, recording an issue when it is not a JSON object.
func jsonObject(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
    let value = try JSONSerialization.jsonObject(with: Data(text.utf8))
    return try #require(value as? [String: Any], "not a JSON object: \(text.prefix(200))", sourceLocation: sourceLocation)
}

/// The journey maps of a workspace as `render --format json` prints them.
struct JourneySummary: Sendable {
    var id: String
    var state: String
    var improves: String?
    var touchpoints: [String]
}

/// Reads the journeys of the workspace at `path` through `render --format json`.
func journeys(of path: String, in directory: TemporaryDirectory) async throws -> [JourneySummary] {
    let output = try await wayfinder("render", path, "--format", "json", in: directory)
    #expect(output.status == 0, "\(output)")
    let root = try jsonObject(output.stdout)
    let maps = try #require(root["journeys"] as? [[String: Any]])
    return maps.map { map in
        JourneySummary(
            id: map["id"] as? String ?? "",
            state: map["state"] as? String ?? "current",
            improves: map["improves"] as? String,
            touchpoints: (map["touchpoints"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String })
    }
}

/// The package root, found from this source file.
let packageRoot = WayfinderProcess.packageRoot()

/// Whether an XML document parses, with the parser's error when it does not.
func parseXML(_ text: String) -> (ok: Bool, root: String?, error: String?) {
    let delegate = RootElementRecorder()
    let parser = XMLParser(data: Data(text.utf8))
    parser.delegate = delegate
    let ok = parser.parse()
    return (ok, delegate.root, parser.parserError.map { "\($0) at line \(parser.lineNumber), column \(parser.columnNumber)" })
}

/// Records the name of the first element an `XMLParser` sees.
final class RootElementRecorder: NSObject, XMLParserDelegate {
    var root: String?

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        if root == nil { root = elementName }
    }
}

/// Splits CSV text into records of fields (RFC 4180: quoted fields may hold commas, quotes and newlines).
func parseCSV(_ text: String) -> [[String]] {
    var records: [[String]] = []
    var record: [String] = []
    var field = ""
    var quoted = false
    var iterator = Array(text.unicodeScalars).makeIterator()
    var pending: Unicode.Scalar? = nil
    func next() -> Unicode.Scalar? {
        if let value = pending { pending = nil; return value }
        return iterator.next()
    }
    while let scalar = next() {
        if quoted {
            if scalar == "\"" {
                if let following = next() {
                    if following == "\"" { field.unicodeScalars.append("\"") } else { quoted = false; pending = following }
                } else {
                    quoted = false
                }
            } else {
                field.unicodeScalars.append(scalar)
            }
            continue
        }
        switch scalar {
        case "\"": quoted = true
        case ",": record.append(field); field = ""
        case "\r": break
        case "\n": record.append(field); records.append(record); record = []; field = ""
        default: field.unicodeScalars.append(scalar)
        }
    }
    if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
    return records
}

/// CSV that does not read back.
struct MalformedCSV: Error, CustomStringConvertible {
    var description: String
}

/// The records of CSV text, read with the project's ``CSVParser`` line by line, a quoted field going on over line breaks.
func csvRecords(_ text: String) throws -> [[String]] {
    let parser = CSVParser(delimiter: UInt8(ascii: ","))
    var records: [[String]] = []
    var pending: [UInt8] = []
    let lines = Array(text.utf8).split(separator: 0x0A, omittingEmptySubsequences: false)
    for (number, line) in lines.enumerated() {
        pending += line
        if number == lines.count - 1, pending.isEmpty { break }
        var record = pending[...]
        if record.last == 0x0D { record = record.dropLast() }
        switch parser.parse(record) {
        case .fields(let fields):
            records.append(fields)
            pending = []
        case .unterminated:
            pending.append(0x0A)
        case .malformed(let problem):
            throw MalformedCSV(description: "line \(number + 1): \(problem)")
        }
    }
    if !pending.isEmpty { throw MalformedCSV(description: "a quoted field is not closed at the end") }
    return records
}
