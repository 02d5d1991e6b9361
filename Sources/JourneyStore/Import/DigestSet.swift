/// A set of 128-bit digests in one flat open-addressing table (linear probing), 16 bytes a slot.
///
/// It stands in for the store's unique deduplication index while a first bulk load builds that
/// index only at the end. Digests are uniformly distributed, so the slot is the digest scaled to
/// the table's size, which may be any size: ``reserve(_:)`` sizes it once for a whole file.
struct DigestSet {
    private var slots: [(UInt64, UInt64)]
    private var containsZero = false
    private(set) var count = 0

    init(capacity: Int = 1 << 16) {
        slots = Array(repeating: (0, 0), count: Self.size(for: capacity))
    }

    /// Room for `capacity` digests without growing again.
    mutating func reserve(_ capacity: Int) {
        let size = Self.size(for: capacity)
        if size > slots.count { rehash(size) }
    }

    /// Adds a digest; false when it was already there.
    mutating func insert(_ digest: (UInt64, UInt64)) -> Bool {
        if digest == (0, 0) {
            defer { containsZero = true }
            return !containsZero
        }
        if (count + 1) * 5 > slots.count * 4 { rehash(slots.count * 2) }
        let inserted = Self.place(digest, in: &slots)
        if inserted { count += 1 }
        return inserted
    }

    /// Slots for `capacity` digests at a load of at most 80%.
    private static func size(for capacity: Int) -> Int { max(16, capacity * 5 / 4 + 1) }

    private static func place(_ digest: (UInt64, UInt64), in slots: inout [(UInt64, UInt64)]) -> Bool {
        let size = slots.count
        var index = Int(truncatingIfNeeded: digest.1.multipliedFullWidth(by: UInt64(size)).high)
        while true {
            let slot = slots[index]
            if slot == (0, 0) {
                slots[index] = digest
                return true
            }
            if slot == digest { return false }
            index += 1
            if index == size { index = 0 }
        }
    }

    private mutating func rehash(_ size: Int) {
        let old = slots
        slots = []
        var fresh = Array(repeating: (UInt64(0), UInt64(0)), count: size)
        for slot in old where slot != (0, 0) { _ = Self.place(slot, in: &fresh) }
        slots = fresh
    }
}
