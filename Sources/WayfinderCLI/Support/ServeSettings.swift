import Foundation
import Yams

/// The settings of `wayfinder serve` from a configuration file and the environment.
///
/// Every `serve` option is a setting of the same name: `port: 8080` in the file (YAML, the
/// option's long name as the key), `WAYFINDER_SERVE_PORT=8080` in the environment (upper case,
/// dashes as underscores). The command line wins over the environment, which wins over the
/// file, which wins over the defaults. The settings become command-line arguments before the
/// command is parsed, so a value from anywhere is checked by the same rules, and a file's
/// mistakes (an unknown key, a wrong kind of value) are reported with their line.
enum ServeSettings {
    enum Kind: Equatable { case text, whole, seconds, flag, list, choice([String]) }

    /// Every setting, by the option's long name.
    static let kinds: [String: Kind] = [
        "db": .text, "store": .text, "events": .text, "workspace": .text, "workspace-id": .text,
        "host": .text, "port": .whole, "log-level": .choice(["trace", "debug", "info", "notice", "warning", "error", "critical"]),
        "log-format": .choice(["text", "json"]),
        "header-timeout": .seconds, "body-timeout": .seconds, "idle-timeout": .seconds, "max-connections": .whole,
        "hold-alerts": .flag, "allow-private-webhooks": .flag, "insecure-cookies": .flag,
        "trusted-proxy": .list, "max-cluster-size": .whole, "junk": .text, "phone-country": .text,
    ]

    /// The range of each number, as serve checks it, so that a file's value out of range is
    /// reported with its line.
    static let ranges: [String: ClosedRange<Double>] = [
        "port": 0...65_535, "max-connections": 1...1_000_000, "max-cluster-size": 2...1_000_000,
        "header-timeout": 0.1...86_400, "body-timeout": 0.1...86_400, "idle-timeout": 0.1...86_400,
    ]

    /// The environment variable of a setting: WAYFINDER_SERVE_ and its name in upper case,
    /// dashes as underscores. The prefix keeps other variables of the same names out (such as
    /// the WAYFINDER_STORE and WAYFINDER_EVENTS that scripts/cluster.sh exports for commands).
    static func variable(_ name: String) -> String { "WAYFINDER_SERVE_" + name.uppercased().replacingOccurrences(of: "-", with: "_") }

    /// Settings that are one choice: a source that gives one of them overrides all of them
    /// from the sources below it (--db on the command line drops a store from the file).
    static let alternatives: [Set<String>] = [["db", "store"]]

    static func group(_ name: String) -> Set<String> { alternatives.first { $0.contains(name) } ?? [name] }

    /// The largest configuration file read (a configuration is a few hundred bytes).
    static let maximumBytes = 1 << 20

    /// `arguments` (without the program name) with the file's and the environment's settings
    /// added for every option the command line leaves out; unchanged for other commands.
    static func expand(_ arguments: [String], environment: [String: String]) throws(CommandFailure) -> [String] {
        guard arguments.first == "serve", !arguments.contains("--help"), !arguments.contains("-h") else { return arguments }
        var file: String?
        for (index, argument) in arguments.enumerated() {
            if argument == "--config", index + 1 < arguments.count { file = arguments[index + 1] }
            if argument.hasPrefix("--config=") { file = String(argument.dropFirst("--config=".count)) }
        }
        if file == nil, let named = environment["WAYFINDER_CONFIG"], !named.isEmpty { file = named }
        var values: [String: [String]] = [:]
        if let file { values = try read(file) }
        var fromEnvironment: [String: [String]] = [:]
        for (name, kind) in kinds {
            guard let text = environment[variable(name)] else { continue }
            do {
                fromEnvironment[name] = try convert(text, kind: kind, name: name)
            } catch {
                throw CommandFailure(message: "\(variable(name)): \(error.reason)", code: 2)
            }
        }
        for (name, value) in fromEnvironment {
            for other in group(name) where fromEnvironment[other] == nil { values[other] = nil }
            values[name] = value
        }
        // Options the command line gives (a flag's --no- form counts as giving the flag).
        let given = Set(arguments.compactMap { argument -> String? in
            guard argument.hasPrefix("--") else { return nil }
            let name = String(argument.dropFirst(2).split(separator: "=", maxSplits: 1).first ?? "")
            return name.hasPrefix("no-") && kinds[String(name.dropFirst(3))] == .flag ? String(name.dropFirst(3)) : name
        })
        var expanded = arguments
        for name in kinds.keys.sorted() where group(name).isDisjoint(with: given) {
            for value in values[name] ?? [] { expanded.append(kinds[name] == .flag ? "--\(name)" : "--\(name)=\(value)") }
        }
        return expanded
    }

    struct Mistake: Error { var reason: String }

    /// A setting's text as the arguments it stands for (a flag that is false stands for none).
    static func convert(_ text: String, kind: Kind, name: String) throws(Mistake) -> [String] {
        switch kind {
        case .text:
            guard !text.utf8.contains(0) else { throw Mistake(reason: "\(name) cannot hold NUL characters") }
            guard !text.isEmpty else { throw Mistake(reason: "\(name) is empty; give it a value or leave the setting out") }
            if name == "workspace-id", !text.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }) {
                throw Mistake(reason: "workspace-id takes lower-case letters, digits and dashes, such as retail-team; got '\(text.prefix(40))'")
            }
            return [text]
        case .choice(let values):
            guard values.contains(text) else { throw Mistake(reason: "\(name) takes \(values.joined(separator: ", ")); got '\(text.prefix(40))'") }
            return [text]
        case .whole:
            guard let number = Int(text) else { throw Mistake(reason: "\(name) takes a whole number, such as \(name == "port" ? "8080" : "100"); got '\(text.prefix(40))'") }
            if let range = ranges[name], !range.contains(Double(number)) {
                throw Mistake(reason: "\(name) takes a number from \(Int(range.lowerBound)) to \(Int(range.upperBound)); got \(number)")
            }
            return [text]
        case .seconds:
            guard let seconds = Double(text), seconds.isFinite, ranges[name]?.contains(seconds) ?? true else {
                throw Mistake(reason: "\(name) takes seconds from 0.1 to 86400, such as 10 or 2.5; got '\(text.prefix(40))'")
            }
            return [String(seconds)]
        case .flag:
            switch text.lowercased() {
            case "true", "yes", "on", "1": return ["true"]
            case "false", "no", "off", "0", "": return []
            default: throw Mistake(reason: "\(name) takes true or false; got '\(text.prefix(40))'")
            }
        case .list:
            return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
    }

    /// The settings of the file at `path`.
    static func read(_ path: String) throws(CommandFailure) -> [String: [String]] {
        let data: Data
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            data = try handle.read(upToCount: maximumBytes + 1) ?? Data()
        } catch {
            throw CommandFailure(message: "\(path): cannot read the configuration file; check the path (--config or WAYFINDER_CONFIG)", code: 2)
        }
        guard data.count <= maximumBytes else { throw CommandFailure(message: "\(path): a configuration file of more than 1 MB; is it the right file?", code: 2) }
        guard let text = String(data: data, encoding: .utf8), !text.utf8.contains(0) else {
            throw CommandFailure(message: "\(path): not UTF-8 text; a configuration file is YAML such as 'port: 8080'", code: 2)
        }
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw CommandFailure(message: "\(path): not valid YAML (\(String(describing: error).split(separator: "\n").first ?? "")); a configuration file is YAML such as 'port: 8080'", code: 2)
        }
        guard let root else { return [:] }
        guard let mapping = root.mapping else {
            throw CommandFailure(message: "\(path):\(root.mark?.line ?? 1): expected settings such as 'port: 8080', one a line", code: 2)
        }
        var values: [String: [String]] = [:]
        for (key, value) in mapping {
            let line = key.mark?.line ?? 1
            guard let name = key.scalar?.string, let kind = kinds[name] else {
                let known = kinds.keys.sorted().joined(separator: ", ")
                throw CommandFailure(message: "\(path):\(line): unknown setting '\(key.scalar?.string.prefix(60) ?? "?")'; the settings are the options of 'wayfinder serve': \(known)", code: 2)
            }
            do {
                if kind == .list, let items = value.sequence {
                    values[name] = try items.map { item throws(Mistake) -> String in
                        guard let text = item.scalar?.string else { throw Mistake(reason: "\(name) takes a list of addresses") }
                        return try convert(text, kind: .text, name: name)[0]
                    }
                } else {
                    if let scalar = value.scalar, scalar.style == .plain, ["~", "null", "Null", "NULL", ""].contains(scalar.string) {
                        throw Mistake(reason: "\(name) has no value; give it one or leave the setting out")
                    }
                    guard let text = value.scalar?.string else {
                        throw Mistake(reason: "\(name) takes \(kind == .list ? "a list" : "one value"), not \(value.mapping != nil ? "a mapping" : "a list")")
                    }
                    values[name] = try convert(text, kind: kind, name: name)
                }
            } catch let mistake as Mistake {
                throw CommandFailure(message: "\(path):\(value.mark?.line ?? line): \(mistake.reason)", code: 2)
            } catch {
                throw CommandFailure(message: "\(path):\(value.mark?.line ?? line): \(error)", code: 2)
            }
        }
        return values
    }
}
