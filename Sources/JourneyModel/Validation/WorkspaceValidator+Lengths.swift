extension WorkspaceValidator.Checker {
    /// Reports every text longer than its field allows (``FormatSchema/Field/maxLength``,
    /// ``TextLimit``), walking the workspace's document form with the format definition so that
    /// every text field of the format is checked, and at the key path it is written at.
    mutating func checkLengths(_ workspace: Workspace) {
        checkLengths(ModelEncoder.workspace(workspace), FormatSchema.workspace, path: "")
    }

    private mutating func checkLengths(_ node: DocumentNode, _ spec: FormatSchema.Object, path: String) {
        for entry in node.entries ?? [] {
            guard let field = spec.field(entry.key) else { continue }
            checkLengths(entry.value, field.type, limit: field.maxLength, path: path.isEmpty ? entry.key : "\(path).\(entry.key)")
        }
    }

    private mutating func checkLengths(_ node: DocumentNode, _ type: FormatSchema.ValueType, limit: Int?, path: String) {
        switch (type, node.value) {
        case (.text, .scalar(let text, _)):
            if let limit { checkLength(text, limit: limit, path: path) }
        case (.scalar, .scalar(let text, _)):
            checkLength(text, limit: TextLimit.value, path: path)
        case (.card, .scalar(let text, _)):
            checkLength(text, limit: FormatSchema.card.field("text")?.maxLength ?? TextLimit.text, path: path)
        case (.card, .mapping):
            checkLengths(node, FormatSchema.card, path: path)
        case (.object(let name), _):
            guard let object = FormatSchema.object(named: name) else { return }
            if case .scalar(let text, _) = node.value, let textLimit = object.field("text")?.maxLength {
                checkLength(text, limit: textLimit, path: path)
            } else {
                checkLengths(node, object, path: path)
            }
        case (.list(let element), .sequence(let items)):
            for (index, item) in items.enumerated() { checkLengths(item, element, limit: limit, path: "\(path)[\(index)]") }
        case (.map(let value), .mapping(let entries)):
            for entry in entries {
                let entryPath = "\(path).\(entry.key)"
                // A key too long is reported on the mapping's path (a path holding it would repeat it), at the key's position.
                guard checkLength(entry.key, limit: TextLimit.key, path: path, at: entryPath, isKey: true) else { continue }
                checkLengths(entry.value, value, limit: limit, path: entryPath)
            }
        case (.condition, .scalar(let text, _)):
            checkLength(text, limit: TextLimit.value, path: path)
        case (.condition, .mapping(let operators)):
            for entry in operators {
                let operandPath = "\(path).\(entry.key)"
                switch entry.value.value {
                case .scalar(let text, _): checkLength(text, limit: TextLimit.value, path: operandPath)
                case .sequence(let items):
                    for (index, item) in items.enumerated() {
                        if case .scalar(let text, _) = item.value { checkLength(text, limit: TextLimit.value, path: "\(operandPath)[\(index)]") }
                    }
                default: break
                }
            }
        default:
            break
        }
    }

    /// Whether `text` is within `limit`; reports it when not, at the position of `location` (default: `path`).
    @discardableResult
    private mutating func checkLength(_ text: String, limit: Int, path: String, at location: String? = nil, isKey: Bool = false) -> Bool {
        let length = text.unicodeScalars.count
        guard length > limit else { return true }
        let subject = isKey ? "the key '\(text.prefix(40))…'" : "'\(lastKey(path))'"
        diagnostics.append(Diagnostic(
            .error, code: "too-long", at: sourceMap.location(of: location ?? path), file: sourceMap.defaultFile, path: path,
            message: "\(subject) is \(TextLimit.grouped(length)) characters long, more than the \(TextLimit.grouped(limit)) allowed",
            expected: "at most \(TextLimit.grouped(limit)) characters", suggestion: isKey ? "use a shorter key" : "shorten the text; nothing is cut for you"))
        return false
    }

    private func lastKey(_ path: String) -> String {
        var key = path.split(separator: ".").last.map(String.init) ?? path
        if let bracket = key.firstIndex(of: "[") { key = String(key[..<bracket]) }
        return key
    }
}
