/// Stitches identifiers into customers: a union-find over customers keyed by identifier.
///
/// Customers are numbered from 1 in order of creation. When an event links identifiers of
/// several customers, they merge into the oldest, which keeps its number, so a customer's id is
/// stable. Junk identifiers never reach the graph (``Identifier/make(_:_:junk:)`` drops them),
/// and a customer that holds ``maximumClusterSize`` identifiers takes no more and merges no more:
/// such refusals are counted and reported instead of silently gluing unrelated people together.
public struct IdentityGraph: Sendable {
    /// What resolving one event's identifiers did.
    public struct Resolution: Sendable, Equatable {
        /// The customer the event belongs to.
        public var customer: Int64
        /// Whether that customer was created for this event.
        public var created: Bool
        /// Identifiers seen for the first time, now linked to `customer`.
        public var linked: [Identifier]
        /// Customers merged into `customer`.
        public var merged: [Int64]
        /// Customers that should have merged but were refused because a cluster is too large.
        public var refused: [Int64]
    }

    /// The most identifiers one customer may hold before it stops growing.
    public var maximumClusterSize: Int
    private var customerOf: [IdentifierKey: Int64] = [:]
    private var parent: [Int64: Int64] = [:]
    private var sizes: [Int64: Int] = [:]
    /// The next customer number.
    public private(set) var nextCustomer: Int64 = 1
    /// Customers that reached the size limit.
    public private(set) var oversized: Set<Int64> = []

    /// Creates an empty graph.
    public init(maximumClusterSize: Int = 100) {
        self.maximumClusterSize = maximumClusterSize
    }

    /// Restores a known link (when loading a store).
    public mutating func restore(_ identifier: Identifier, customer: Int64) {
        customerOf[IdentifierKey(identifier)] = customer
        sizes[customer, default: 0] += 1
        nextCustomer = max(nextCustomer, customer + 1)
        if sizes[customer]! >= maximumClusterSize { oversized.insert(customer) }
    }

    /// Restores a known merge (when loading a store).
    public mutating func restoreMerge(_ customer: Int64, into survivor: Int64) {
        parent[customer] = survivor
        nextCustomer = max(nextCustomer, customer + 1, survivor + 1)
    }

    /// Replays a merge another writer made since this graph was loaded: the customer's
    /// identifiers count towards the survivor's size from then on, as after ``resolve(_:)``.
    public mutating func replayMerge(_ customer: Int64, into survivor: Int64) {
        parent[customer] = survivor
        sizes[survivor, default: 0] += sizes[customer, default: 0]
        sizes[customer] = nil
        nextCustomer = max(nextCustomer, customer + 1, survivor + 1)
    }

    /// Restores a customer that holds no identifier (all were erased) so its number is not reused.
    public mutating func reserve(_ customer: Int64) {
        nextCustomer = max(nextCustomer, customer + 1)
    }

    /// The surviving customer of a customer number.
    public func root(of customer: Int64) -> Int64 {
        var current = customer
        while let next = parent[current] { current = next }
        return current
    }

    /// The customer an identifier belongs to, if it is known.
    public func customer(of identifier: Identifier) -> Int64? {
        customerOf[IdentifierKey(identifier)].map(root(of:))
    }

    /// Number of distinct identifiers known.
    public var identifierCount: Int { customerOf.count }

    /// Links the identifiers of one event, creating or merging customers as needed.
    ///
    /// `identifiers` must be non-empty; stronger kinds (user, email, phone, device, anonymous)
    /// decide which customer the event goes to when a merge is refused.
    public mutating func resolve(_ identifiers: [Identifier]) -> Resolution {
        precondition(!identifiers.isEmpty, "an event without identifiers cannot be resolved")
        let ordered = identifiers.sorted()
        var known: [Int64] = []
        var unknown: [Identifier] = []
        for identifier in ordered {
            if let customer = customerOf[IdentifierKey(identifier)] {
                let root = root(of: customer)
                if !known.contains(root) { known.append(root) }
            } else {
                unknown.append(identifier)
            }
        }
        guard let strongest = known.first else {
            let customer = nextCustomer
            nextCustomer += 1
            for identifier in unknown { link(identifier, to: customer) }
            return Resolution(customer: customer, created: true, linked: unknown, merged: [], refused: [])
        }
        var survivor = known.min()!
        var merged: [Int64] = [], refused: [Int64] = []
        if known.count > 1 {
            let total = known.reduce(0) { $0 + sizes[$1, default: 0] }
            if total + unknown.count <= maximumClusterSize {
                for customer in known where customer != survivor {
                    parent[customer] = survivor
                    sizes[survivor, default: 0] += sizes[customer, default: 0]
                    sizes[customer] = nil
                    merged.append(customer)
                }
            } else {
                survivor = strongest
                refused = known.filter { $0 != strongest }
                oversized.formUnion(known)
            }
        }
        var linked: [Identifier] = []
        for identifier in unknown {
            guard sizes[survivor, default: 0] < maximumClusterSize else {
                oversized.insert(survivor)
                break
            }
            link(identifier, to: survivor)
            linked.append(identifier)
        }
        return Resolution(customer: survivor, created: false, linked: linked, merged: merged, refused: refused)
    }

    /// Forgets every identifier of a customer (for erasure).
    public mutating func remove(_ identifiers: [Identifier]) {
        for identifier in identifiers {
            if let customer = customerOf.removeValue(forKey: IdentifierKey(identifier)) {
                sizes[customer, default: 1] -= 1
            }
        }
    }

    private mutating func link(_ identifier: Identifier, to customer: Int64) {
        customerOf[IdentifierKey(identifier)] = customer
        sizes[customer, default: 0] += 1
    }
}

/// A 128-bit digest of an identifier: compact in memory, and collisions are out of reach.
struct IdentifierKey: Hashable, Sendable {
    let high: UInt64
    let low: UInt64

    init(_ identifier: Identifier) {
        (high, low) = Digest.hash128(identifier.description)
    }
}
