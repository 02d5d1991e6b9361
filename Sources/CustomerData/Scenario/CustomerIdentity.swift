/// One generated customer's identifiers: devices with anonymous ids, a user id, an email address
/// and maybe a phone number, each unique in the scenario and written in varied formats that
/// normalise to the same ``Identifier``.
struct CustomerIdentity {
    /// A browser or app install.
    struct Device {
        var anonymousId: String
        /// The app's device id (apps only).
        var deviceId: String?
        /// Whether an identify event has tied it to the user id.
        var linked = false
        /// Whether any event carried it.
        var used = false

        var isApp: Bool { deviceId != nil }
    }

    /// Keys that make ids depend on the seed.
    struct Keys {
        let anonymous: UInt64, device: UInt64, user: UInt64, message: UInt64, phone: UInt64

        init(seed: UInt64) {
            anonymous = IdToken.mix(seed ^ 0x616E_6F6E_796D_6F75)
            device = IdToken.mix(seed ^ 0x6465_7669_6365_6964)
            user = IdToken.mix(seed ^ 0x7573_6572_6964_7573)
            message = IdToken.mix(seed ^ 0x6D65_7373_6167_6573)
            phone = IdToken.mix(seed ^ 0x7068_6F6E_6573_3434) % 1_000_000_000
        }
    }

    let label: String
    let userId: String
    /// Indexes into the name and domain tables, and the number that makes the email unique.
    private let first: Int, last: Int, domain: Int, number: String
    /// Canonical (normalised) email.
    let email: String
    /// The national part of a UK mobile number: 7 and nine digits.
    let phone: String?
    var devices: [Device] = []
    var usedEmail = false
    var usedPhone = false
    var usedUser = false

    static let firstNames = ["Maya", "Dev", "Helen", "Priya", "Tom", "Fiona", "Sam", "Aisha", "Oliver", "Grace", "Mohammed", "Chloe", "Liam",
                             "Zara", "Noah", "Isla", "Arjun", "Ruby", "Ethan", "Leah", "Kwame", "Sofia", "Jack", "Amara", "Finn", "Niamh",
                             "Hassan", "Evie", "Oscar", "Mei"]
    static let lastNames = ["Okafor", "Patel", "Marsh", "Shah", "Walker", "Campbell", "Jones", "Khan", "Evans", "Hughes", "Ali", "Murphy",
                            "Taylor", "Brown", "Wilson", "Thomas", "Roberts", "Singh", "Clarke", "Wright", "Mensah", "Rossi", "Green",
                            "Osei", "Byrne", "Kelly", "Hussain", "Lewis", "Wood", "Chen"]
    static let domains = ["example.com", "example.org", "example.net"]
    static let lowerFirstNames = firstNames.map { $0.lowercased() }, upperFirstNames = firstNames.map { $0.uppercased() }
    static let lowerLastNames = lastNames.map { $0.lowercased() }, upperLastNames = lastNames.map { $0.uppercased() }
    static let capitalisedDomains = domains.map { $0.prefix(1).uppercased() + $0.dropFirst() }, upperDomains = domains.map { $0.uppercased() }

    var firstName: String { Self.firstNames[first] }
    var lastName: String { Self.lastNames[last] }

    init(index: Int, keys: Keys, hasPhone: Bool, using random: inout ScenarioRandom) {
        number = String(index + 1)
        label = number.count >= 6 ? "c" + number : "c" + String(repeating: "0", count: 6 - number.count) + number
        first = random.below(Self.firstNames.count)
        last = random.below(Self.lastNames.count)
        domain = random.below(Self.domains.count)
        userId = "usr_" + IdToken.base36(IdToken.mix(UInt64(index) ^ keys.user), width: 13)
        email = Self.joined(Self.lowerFirstNames[first], ".", Self.lowerLastNames[last], number, "@", Self.domains[domain])
        if hasPhone {
            let digits = String((UInt64(index) &* 7919 &+ keys.phone) % 1_000_000_000)
            phone = "7" + String(repeating: "0", count: 9 - digits.count) + digits
        } else {
            phone = nil
        }
    }

    /// Adds a device; its ids come from the scenario-wide device counter.
    mutating func addDevice(app: Bool, counter: inout UInt64, keys: Keys) -> Int {
        defer { counter += 1 }
        devices.append(Device(anonymousId: IdToken.uuid(counter, key: keys.anonymous),
                              deviceId: app ? IdToken.uuid(counter, key: keys.device, uppercase: true) : nil))
        return devices.count - 1
    }

    /// Notes which identifiers a planned event carries.
    mutating func markUsed(_ planned: PlannedEvent) {
        switch planned.carrier {
        case .device(let index, let user, _):
            devices[index].used = true
            if user { usedUser = true }
        case .email: usedEmail = true
        case .phone: usedPhone = true
        case .user: usedUser = true
        }
        if case .identify(_, let full) = planned.action {
            usedEmail = true
            if full, phone != nil { usedPhone = true }
        }
    }

    /// The email as typed somewhere: variant 0 is canonical, the others differ in case and spacing.
    func email(variant: Int) -> String {
        switch variant {
        case 1: return Self.joined(firstName, ".", lastName, number, "@", Self.capitalisedDomains[domain])
        case 2: return Self.joined(" ", email, " ")
        case 3: return Self.joined(Self.upperFirstNames[first], ".", Self.upperLastNames[last], number, "@", Self.upperDomains[domain])
        case 4: return Self.joined(" ", firstName, ".", lastName, number, "@", Self.domains[domain], " ")
        default: return email
        }
    }

    /// Concatenation with one allocation.
    static func joined(_ parts: String...) -> String {
        let count = parts.reduce(0) { $0 + $1.utf8.count }
        return String(unsafeUninitializedCapacity: count) { buffer in
            var offset = 0
            for var part in parts {
                part.withUTF8 { bytes in
                    _ = UnsafeMutableBufferPointer(rebasing: buffer[offset...]).initialize(fromContentsOf: bytes)
                    offset += bytes.count
                }
            }
            return offset
        }
    }

    /// The phone number as typed somewhere; every variant normalises to `+44` and the digits.
    func phone(variant: Int) -> String? {
        guard let phone else { return nil }
        let head = phone.prefix(4), tail = phone.dropFirst(4)
        switch variant {
        case 1: return "+44 \(head) \(tail)"
        case 2: return "0044 \(head) \(tail)"
        case 3: return "+44-\(head)-\(tail.prefix(3))-\(tail.dropFirst(3))"
        case 4: return "44 \(head) \(tail)"
        default: return "+44\(phone)"
        }
    }

    /// The normalised identifiers that events carried, sorted.
    ///
    /// Built from the canonical forms, which are already normalised (tests check them against
    /// ``Identifier/all(of:)`` over the events).
    var identifiers: [Identifier] {
        // In the order Identifier sorts by: kind (user, email, phone, device, anonymous), then value.
        var found: [Identifier] = []
        found.reserveCapacity(3 + 2 * devices.count)
        if usedUser { found.append(Identifier(kind: .user, value: userId)) }
        if usedEmail { found.append(Identifier(kind: .email, value: email)) }
        if usedPhone, let phone { found.append(Identifier(kind: .phone, value: "+44" + phone)) }
        let used = devices.filter(\.used)
        found += used.compactMap { $0.deviceId.map { Identifier(kind: .device, value: $0) } }.sorted()
        found += used.map { Identifier(kind: .anonymous, value: $0.anonymousId) }.sorted()
        return found
    }
}
