/// Generates the JSON Schema (draft 2020-12) of the journey-as-code format from ``FormatSchema``.
public enum JSONSchemaGenerator {
    /// Objects that may also be written as plain text.
    static let textShorthand: Set<String> = ["Card", "PainPoint", "Opportunity"]

    /// The schema document.
    public static func document() -> DocumentNode {
        var definitions: [(String, DocumentNode?)] = FormatSchema.objects.map { ($0.name, objectSchema($0)) }
        definitions.append(("Scalar", .mapping([("type", .sequence([.string("string"), .string("number"), .string("boolean")])),
                                                ("maxLength", .number(Double(TextLimit.value)))])))
        definitions.append(("Condition", conditionSchema()))
        return .mapping([
            ("$schema", .string("https://json-schema.org/draft/2020-12/schema")),
            ("$id", .string("urn:wayfinder:journey-as-code:1")),
            ("title", .string("Wayfinder journey-as-code, format version 1")),
            ("description", .string("A workspace of personas and journey maps. Generated from the Wayfinder format definition; see docs/reference.md.")),
            ("$ref", .string("#/$defs/Workspace")),
            ("$defs", .mapping(definitions)),
        ])
    }

    /// The schema as JSON text.
    public static func json() -> String { DocumentWriter.json(document()) }

    static func objectSchema(_ object: FormatSchema.Object) -> DocumentNode {
        let required = object.fields.filter(\.required).map { DocumentNode.string($0.key) }
        return .mapping([
            ("type", .string("object")),
            ("description", .string(object.summary)),
            ("properties", .mapping(object.fields.map { field in
                (field.key, describe(typeSchema(field.type, nullable: !field.required, key: field.key, in: object.name, maxLength: field.maxLength),
                                     field.summary))
            })),
            ("required", required.isEmpty ? nil : .sequence(required)),
            ("minProperties", object.name == "EventMatch" ? .number(1) : nil),
            ("additionalProperties", .plain("false")),
        ])
    }

    static func describe(_ schema: DocumentNode, _ summary: String) -> DocumentNode {
        guard case .mapping(var entries) = schema.value else { return schema }
        entries.insert(DocumentNode.Entry(key: "description", value: .string(summary)), at: 0)
        return DocumentNode(.mapping(entries))
    }

    static func typeSchema(_ type: FormatSchema.ValueType, nullable: Bool, key: String, in object: String, maxLength: Int? = nil) -> DocumentNode {
        func length(_ limit: Int?) -> [(String, DocumentNode?)] { [("maxLength", limit.map { .number(Double($0)) })] }
        func shortText(_ limit: Int?) -> DocumentNode { .mapping([("type", .string("string"))] + length(limit)) }
        func simple(_ name: String, _ extra: [(String, DocumentNode?)] = []) -> DocumentNode {
            let typeNode: DocumentNode = nullable ? .sequence([.string(name), .string("null")]) : .string(name)
            return .mapping([("type", typeNode)] + extra)
        }
        func nullableAnyOf(_ options: [DocumentNode]) -> DocumentNode {
            .mapping([("anyOf", .sequence(options + (nullable ? [.mapping([("type", .string("null"))])] : [])))])
        }
        switch type {
        case .text: return simple("string", length(maxLength))
        case .date: return simple("string", [("format", .string("date")), ("pattern", .string("^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))])
        case .integer: return key == "version" ? .mapping([("const", .number(1))]) : simple("integer")
        case .number: return simple("number")
        case .identifier: return simple("string", [("pattern", .string(FormatSchema.identifierPattern))] + length(TextLimit.identifier))
        case .enumeration(let values):
            return .mapping([("enum", .sequence(values.map(DocumentNode.string) + (nullable ? [DocumentNode(.null)] : [])))])
        case .list(let element):
            return simple("array", [("items", typeSchema(element, nullable: false, key: key, in: object, maxLength: maxLength))])
        case .map(let value):
            return simple("object", [("propertyNames", shortText(TextLimit.key)),
                                     ("additionalProperties", typeSchema(value, nullable: false, key: key, in: object, maxLength: maxLength))])
        case .object(let name):
            let reference = DocumentNode.mapping([("$ref", .string("#/$defs/\(name)"))])
            if textShorthand.contains(name) {
                return nullableAnyOf([shortText(FormatSchema.object(named: name)?.field("text")?.maxLength), reference])
            }
            return nullable ? nullableAnyOf([reference]) : reference
        case .card:
            return nullableAnyOf([shortText(maxLength), .mapping([("$ref", .string("#/$defs/Card"))])])
        case .condition:
            return .mapping([("$ref", .string("#/$defs/Condition"))])
        case .scalar:
            return .mapping([("$ref", .string("#/$defs/Scalar"))])
        }
    }

    static func conditionSchema() -> DocumentNode {
        let scalar = DocumentNode.mapping([("$ref", .string("#/$defs/Scalar"))])
        let operators: [(String, DocumentNode?)] = Condition.Operator.allCases.map { op in
            let operand: DocumentNode
            switch op {
            case .in, .notIn: operand = .mapping([("type", .string("array")), ("items", scalar)])
            case .gt, .gte, .lt, .lte: operand = .mapping([("type", .string("number"))])
            case .regex: operand = .mapping([("type", .string("string")), ("minLength", .number(1)), ("maxLength", .number(Double(TextLimit.value)))])
            case .exists: operand = .mapping([("type", .string("boolean"))])
            case .eq, .ne, .contains: operand = scalar
            }
            return (op.rawValue, operand)
        }
        return .mapping([
            ("description", .string("A value (a string with * or ? is a glob) or an object with exactly one operator.")),
            ("anyOf", .sequence([
                scalar,
                .mapping([
                    ("type", .string("object")),
                    ("properties", .mapping(operators)),
                    ("minProperties", .number(1)),
                    ("maxProperties", .number(1)),
                    ("additionalProperties", .plain("false")),
                ]),
            ])),
        ])
    }
}
