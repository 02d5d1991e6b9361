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
    let firstName: String
    let lastName: String
    let userId: String
    /// Canonical (normalised) email.
    let email: String
    /// The national part of a UK mobile number: 7 and nine digits.
    let phone: String?
    var devices: [Device] = []
    var usedEmail = false
    private var emailVariants: [String] = []
    var usedPhone = false
    var usedUser = false

    static let firstNames = ["Maya", "Dev", "Helen", "Priya", "Tom", "Fiona", "Sam", "Aisha", "Oliver", "Grace", "Mohammed", "Chloe", "Liam",
                             "Zara", "Noah", "Isla", "Arjun", "Ruby", "Ethan", "Leah", "Kwame", "Sofia", "Jack", "Amara", "Finn", "Niamh",
                             "Hassan", "Evie", "Oscar", "Mei"]
    static let lastNames = ["Okafor", "Patel", "Marsh", "Shah", "Walker", "Campbell", "Jones", "Khan", "Evans", "Hughes", "Ali", "Murphy",
                            "Taylor", "Brown", "Wilson", "Thomas", "Roberts", "Singh", "Clarke", "Wright", "Mensah", "Rossi", "Green",
                            "Osei", "Byrne", "Kelly", "Hussain", "Lewis", "Wood", "Chen"]
    static let domains = ["example.com", "example.org", "example.net"]

    init(index: Int, keys: Keys, hasPhone: Bool, using random: inout ScenarioRandom) {
        label = "c" + String(repeating: "0", count: max(0, 6 - String(index + 1).count)) + String(index + 1)
        firstName = random.pick(Self.firstNames)
        lastName = random.pick(Self.lastNames)
        userId = "usr_" + IdToken.base36(IdToken.mix(UInt64(index) ^ keys.user), width: 13)
        email = "\(firstName).\(lastName)\(index + 1)@\(random.pick(Self.domains))".lowercased()
        if hasPhone {
            let number = (UInt64(index) &* 7919 &+ keys.phone) % 1_000_000_000
            let digits = String(number)
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
        variant == 0 ? email : Self.emailVariant(email, firstName: firstName, lastName: lastName, variant: variant)
    }

    /// ``email(variant:)``, computed once per customer.
    mutating func cachedEmail(variant: Int) -> String {
        if emailVariants.isEmpty { emailVariants = (0..<5).map { email(variant: $0) } }
        return emailVariants[variant]
    }

    static func emailVariant(_ email: String, firstName: String, lastName: String, variant: Int) -> String {
        let (local, domain) = (email.prefix { $0 != "@" }, email.drop { $0 != "@" }.dropFirst())
        let capitalised = "\(firstName).\(lastName)" + local.drop { !$0.isNumber }
        switch variant {
        case 1: return "\(capitalised)@\(domain.prefix(1).uppercased())\(domain.dropFirst())"
        case 2: return " \(email) "
        case 3: return email.uppercased()
        case 4: return " \(capitalised)@\(domain) "
        default: return email
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
        var found: [Identifier] = []
        if usedUser { found.append(Identifier(kind: .user, value: userId)) }
        if usedEmail { found.append(Identifier(kind: .email, value: email)) }
        if usedPhone, let phone { found.append(Identifier(kind: .phone, value: "+44" + phone)) }
        for device in devices where device.used {
            if let id = device.deviceId { found.append(Identifier(kind: .device, value: id)) }
        }
        for device in devices where device.used { found.append(Identifier(kind: .anonymous, value: device.anonymousId)) }
        return found.sorted()
    }
}
