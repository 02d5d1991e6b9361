/// A normalised customer identifier: a kind and a value.
public struct Identifier: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// What an identifier is.
    public enum Kind: String, Sendable, CaseIterable, Codable, Comparable {
        /// A user id given by the product after sign-in.
        case user
        /// An email address, trimmed and lower-cased.
        case email
        /// A phone number, digits with a leading `+`.
        case phone
        /// Another tool's id of the customer, `type:id`: a CRM record (`salesforce:0035g00000AbCdE`)
        /// or a social handle (`twitter:mayaruns`), from Segment's `context.externalIds`.
        case external
        /// A device id (`context.device.id`).
        case device
        /// An anonymous browser or app id.
        case anonymous

        /// The position in ``allCases``.
        var rank: Int {
            switch self {
            case .user: 0
            case .email: 1
            case .phone: 2
            case .external: 3
            case .device: 4
            case .anonymous: 5
            }
        }

        public static func < (lhs: Kind, rhs: Kind) -> Bool { lhs.rank < rhs.rank }
    }

    /// The kind.
    public var kind: Kind
    /// The normalised value.
    public var value: String

    /// An identifier whose value is already normalised (as read back from a store).
    public init(kind: Kind, value: String) {
        self.kind = kind
        self.value = value
    }

    /// `kind:value`, the stored key.
    public var description: String { "\(kind.rawValue):\(value)" }

    public static func < (lhs: Identifier, rhs: Identifier) -> Bool { (lhs.kind, lhs.value) < (rhs.kind, rhs.value) }

    /// Values that never identify anyone.
    public static let defaultJunk: Set<String> = [
        "", "null", "nil", "none", "undefined", "0", "-1", "anonymous", "unknown", "n/a", "na", "guest", "test", "[object object]",
        "00000000-0000-0000-0000-000000000000", "true", "false",
    ]

    /// A normalised identifier, or nil when the value is junk or malformed.
    ///
    /// With `phoneCountry` (digits such as `44`), a national phone number (one leading 0) becomes
    /// international: `07700 900123` → `+447700900123`; without it, national numbers stay as they are.
    public static func make(_ kind: Kind, _ raw: String, junk: Set<String> = defaultJunk, phoneCountry: String? = nil) -> Identifier? {
        var value = raw.trimmingWhitespace()
        if value.utf8.count > 256 { return nil }
        if isJunk(value, junk) { return nil }
        let given = value
        switch kind {
        case .email:
            value = value.lowercased()
            let parts = value.split(separator: "@", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !value.contains(" ") else { return nil }
        case .phone:
            let digits = value.filter(\.isASCII).filter(\.isNumber)
            guard digits.count >= 7, digits.count <= 15 else { return nil }
            if value.hasPrefix("+") {
                value = "+" + digits
            } else if value.hasPrefix("00") {
                value = "+" + digits.dropFirst(2)
            } else if digits.hasPrefix("0"), let phoneCountry {
                value = "+" + phoneCountry + digits.dropFirst()
            } else if digits.hasPrefix("0") {
                // A national number without a country to place it in: kept with its leading zero so
                // it never collides with an international one.
                value = digits
            } else {
                value = "+" + digits
            }
        case .external:
            // `type:id`: the type names the tool and what it identifies, lower-cased; the id is
            // kept as given (a CRM's ids tell case apart) and must not be junk itself.
            guard let colon = value.firstIndex(of: ":") else { return nil }
            let type = value[..<colon].lowercased(), id = String(value[value.index(after: colon)...]).trimmingWhitespace()
            guard (1...40).contains(type.utf8.count), type.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F || $0 == 0x2D }),
                  !id.isEmpty, !isJunk(id, junk) else { return nil }
            value = type + ":" + id
        case .user, .device, .anonymous:
            break
        }
        if value != given, isJunk(value, junk) { return nil }
        return Identifier(kind: kind, value: value)
    }

    /// Whether a value is on the junk list, compared without case.
    static func isJunk(_ value: String, _ junk: Set<String>) -> Bool {
        guard value.utf8.count <= 40 else { return false }
        // Most identifiers are lower-case already; lower-casing them would copy each one.
        if !value.utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A || $0 >= 0x80 }) { return junk.contains(value) }
        return junk.contains(value.lowercased())
    }

    /// External ids read from one event; the rest are left out.
    public static let maximumExternalIDs = 16

    /// Every usable identifier an event carries, sorted, without duplicates.
    public static func all(of event: Event, junk: Set<String> = defaultJunk, phoneCountry: String? = nil) -> [Identifier] {
        var found: [Identifier] = []
        func add(_ kind: Kind, _ value: String?) {
            if let value, let identifier = make(kind, value, junk: junk, phoneCountry: phoneCountry), !found.contains(identifier) {
                found.append(identifier)
            }
        }
        add(.anonymous, event.anonymousId)
        add(.user, event.userId)
        add(.email, event.traits["email"]?.text)
        add(.phone, event.traits["phone"]?.text)
        if let traits = event.context["traits"] {
            add(.email, traits["email"]?.text)
            add(.phone, traits["phone"]?.text)
        }
        if let device = event.context["device"] { add(.device, device["id"]?.text) }
        // Segment's external ids: [{"id": "0035g00000AbCdE", "type": "salesforce", …}].
        if case .array(let externalIDs)? = event.context["externalIds"] {
            for entry in externalIDs.prefix(maximumExternalIDs) {
                if let id = entry["id"]?.text, let type = entry["type"]?.text { add(.external, type + ":" + id) }
            }
        }
        if found.count > 1 { found.sort() }
        return found
    }
}

extension String {
    func trimmingWhitespace() -> String {
        // Fast path: most values have no surrounding white space.
        if let first = utf8.first, let last = utf8.last, first > 0x20, first < 0x80, last > 0x20, last < 0x80 { return self }
        var scalars = Substring(self).unicodeScalars[...]
        while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}
