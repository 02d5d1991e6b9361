import JourneyModel

/// The map reader from bytes to a validated workspace, as `wayfinder validate` and the API run it.
public enum MapReading {
    /// Reads `bytes` as a journey-as-code file of `syntax`, validates what it holds, and checks
    /// that a workspace without errors is written and read back unchanged in both syntaxes.
    public static func check(_ bytes: [UInt8], syntax: DocumentReader.Syntax) {
        let file = syntax == .json ? "fuzz.json" : "fuzz.yaml"
        let decoded = WorkspaceCodec.decode(bytes, file: file, syntax: syntax, content: .detect(personaIndex: 0, journeyIndex: 0))
        for diagnostic in decoded.diagnostics {
            fuzzCheck(!diagnostic.message.isEmpty, "a diagnostic without a message (\(diagnostic.code))")
            fuzzCheck(diagnostic.line >= 0 && diagnostic.column >= 0, "a diagnostic at a negative position: \(diagnostic.formatted)")
        }
        guard let workspace = decoded.workspace else {
            fuzzCheck(decoded.diagnostics.hasErrors, "no workspace and no error")
            return
        }
        let diagnostics = decoded.diagnostics + WorkspaceValidator.validate(workspace, sourceMap: decoded.sourceMap)
        guard !diagnostics.hasErrors else { return }
        for written in [WorkspaceCodec.yaml(workspace), WorkspaceCodec.json(workspace)] {
            let syntax: DocumentReader.Syntax = written.hasPrefix("{") ? .json : .yaml
            let reread = WorkspaceCodec.decode(Array(written.utf8), file: "written." + syntax.rawValue, syntax: syntax)
            fuzzCheck(!reread.diagnostics.hasErrors, "the written \(syntax) does not read back: \(reread.diagnostics.map(\.formatted))")
            if let again = reread.workspace, again != workspace {
                let first = written.split(separator: "\n", omittingEmptySubsequences: false)
                let second = WorkspaceCodec.text(again, syntax: syntax).split(separator: "\n", omittingEmptySubsequences: false)
                let line = (0..<min(first.count, second.count)).first { first[$0] != second[$0] } ?? min(first.count, second.count)
                fuzzCheck(false, "the written \(syntax) reads back as another workspace; line \(line + 1) was "
                    + "\(first.indices.contains(line) ? String(reflecting: String(first[line])) : "missing") and is read as "
                    + "\(second.indices.contains(line) ? String(reflecting: String(second[line])) : "missing")")
            }
        }
    }
}
