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
        /// A device id (`context.device.id`).
        case device
        /// An anonymous browser or app id.
        case anonymous

        public static func < (lhs: Kind, rhs: Kind) -> Bool { allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)! }
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
        if value.utf8.count <= 40, junk.contains(value.lowercased()) { return nil }
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
        case .user, .device, .anonymous:
            break
        }
        if value.utf8.count <= 40, junk.contains(value.lowercased()) { return nil }
        return Identifier(kind: kind, value: value)
    }

    /// Every usable identifier an event carries, sorted, without duplicates.
    public static func all(of event: Event, junk: Set<String> = defaultJunk, phoneCountry: String? = nil) -> [Identifier] {
        var found: Set<Identifier> = []
        func add(_ kind: Kind, _ value: String?) {
            if let value, let identifier = make(kind, value, junk: junk, phoneCountry: phoneCountry) { found.insert(identifier) }
        }
        add(.anonymous, event.anonymousId)
        add(.user, event.userId)
        for source in [event.traits, event.context["traits"] ?? .null] {
            add(.email, source["email"]?.text)
            add(.phone, source["phone"]?.text)
        }
        add(.device, event.context.value(at: "device.id")?.text)
        return found.sorted()
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
