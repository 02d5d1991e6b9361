/// Generates `docs/reference.md`, the page that explains every key of the format.
public enum ReferenceGenerator {
    /// The reference page as Markdown.
    public static func markdown() -> String {
        var out = """
        # Journey-as-code reference, format version 1

        This page is generated from the format definition (`wayfinder schema --format markdown`);
        the JSON Schema beside it (`docs/schema/wayfinder-v1.schema.json`) is generated from the same
        definition. A workspace is one YAML or JSON file, or a folder with an optional `wayfinder.yaml`
        and `personas/` and `journeys/` folders holding one persona or journey map per file.

        Keys are case-sensitive. An unknown key is an error (with a did-you-mean when a known key is
        close), so a typo never silently drops content. Every optional key may also be written as `null`.
        Ids are lower-case letters, digits and single hyphens (`\(FormatSchema.identifierPattern)`).

        Every text has a maximum length, counted in characters (Unicode code points, as JSON Schema's
        `maxLength` counts them) and given in the tables below: \(TextLimit.grouped(TextLimit.name)) for names, titles, channels,
        owners and units; \(TextLimit.grouped(TextLimit.text)) for card texts, quotes, goals, challenges, preferences,
        objectives, sources, photo paths and event names; \(TextLimit.grouped(TextLimit.description)) for descriptions and a
        persona's background; \(TextLimit.grouped(TextLimit.key)) for the keys and \(TextLimit.grouped(TextLimit.value)) for the values of demographics
        and conditions; \(TextLimit.identifier) for ids. A longer text is an error (`too-long`) naming its file, line
        and column; nothing is cut.

        """
        for object in FormatSchema.objects {
            out += "\n## \(object.name)\n\n\(object.summary)"
            if JSONSchemaGenerator.textShorthand.contains(object.name) {
                out += " It may also be written as plain text, which sets `text` only."
            }
            out += "\n\n| key | type | required | max length | meaning | example |\n| --- | --- | --- | --- | --- | --- |\n"
            for field in object.fields {
                let example = field.example.map { "`\($0.replacingPipes())`" } ?? ""
                out += "| `\(field.key)` | \(typeName(field.type)) | \(field.required ? "yes" : "no") | \(lengthText(field)) | "
                out += "\(field.summary.replacingPipes()) | \(example) |\n"
            }
        }
        out += """

        ## Condition

        Used in `match.properties` of a touchpoint and `match.traits` of a persona, keyed by a dotted
        path (`utm_source`, `context.page.path`, `properties.total`). A condition is either a value,
        compared for equality (a string containing `*`, `?` or `[…]` is a glob), or an object with
        exactly one operator:

        | operator | operand | holds when the field… |
        | --- | --- | --- |
        | `eq` / `ne` | value | equals / differs from the value |
        | `gt`, `gte`, `lt`, `lte` | number | compares so with the number |
        | `in` / `not_in` | list of values | is / is not one of them |
        | `regex` | regular expression | matches it (ICU syntax) |
        | `contains` | value | contains the text |
        | `exists` | `true` or `false` | is present / absent |

        An event that several touchpoints match goes to the first in map order; an event that none
        matches is counted as unclassified.

        """
        return out
    }

    /// The length limit of a field as the reference shows it ("2,000", "2,000 each", "keys 200, values 2,000").
    static func lengthText(_ field: FormatSchema.Field) -> String {
        switch field.type {
        case .identifier: return String(TextLimit.identifier)
        case .list(.identifier): return "\(TextLimit.identifier) each"
        case .map(.scalar), .map(.condition):
            return "keys \(TextLimit.grouped(TextLimit.key)), values \(TextLimit.grouped(TextLimit.value))"
        case .map(.card):
            return "keys \(TextLimit.grouped(TextLimit.key)), cards \(field.maxLength.map(TextLimit.grouped) ?? "")"
        case .list:
            return field.maxLength.map { "\(TextLimit.grouped($0)) each" } ?? ""
        default:
            return field.maxLength.map(TextLimit.grouped) ?? ""
        }
    }

    static func typeName(_ type: FormatSchema.ValueType) -> String {
        switch type {
        case .text: "text"
        case .date: "date (`YYYY-MM-DD`)"
        case .integer: "integer"
        case .number: "number"
        case .identifier: "id"
        case .enumeration(let values): values.map { "`\($0)`" }.joined(separator: " \\| ")
        case .list(let element): "list of \(typeName(element))"
        case .map(let value): "mapping of key → \(typeName(value))"
        case .object(let name): "[\(name)](#\(name.lowercased()))"
        case .card: "[card](#card) (text or object)"
        case .condition: "[condition](#condition)"
        case .scalar: "text, number or boolean"
        }
    }
}

extension String {
    fileprivate func replacingPipes() -> String {
        split(separator: "|", omittingEmptySubsequences: false).joined(separator: "\\|")
    }
}
