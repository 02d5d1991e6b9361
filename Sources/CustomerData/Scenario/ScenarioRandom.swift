import Foundation

/// xoshiro256** seeded through SplitMix64: fast, small, and the same sequence on every platform.
///
/// The scenario generator never uses the system generator, so one seed always gives the same bytes.
/// Each customer draws from a stream of its own (``init(seed:stream:)``), which makes customer *i*
/// the same whatever the number of customers generated. Analyses that draw (seeding a clustering)
/// use it too, so their results repeat.
public struct ScenarioRandom: RandomNumberGenerator {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// A generator for `seed`; different `stream` values give independent sequences.
    public init(seed: UInt64, stream: UInt64 = 0) {
        var state = seed ^ IdToken.mix(stream &+ 0x5851_F42D_4C95_7F2D)
        func splitMix() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            return IdToken.mix(state)
        }
        s0 = splitMix()
        s1 = splitMix()
        s2 = splitMix()
        s3 = splitMix()
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// A number in `0..<bound` (0 when `bound` is not positive).
    public mutating func below(_ bound: Int) -> Int {
        guard bound > 0 else { return 0 }
        return Int(next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// A number in `range`.
    mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    /// A number in `0 ..< 1` with 53 random bits.
    public mutating func unit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// True with probability `probability`.
    mutating func chance(_ probability: Double) -> Bool {
        unit() < probability
    }

    /// A number between `low` and `high`, uniform on a logarithmic scale (for waiting times).
    mutating func logUniform(_ low: Double, _ high: Double) -> Double {
        low * exp(log(high / low) * unit())
    }

    /// An element of a non-empty array.
    mutating func pick<T>(_ items: [T]) -> T {
        items[below(items.count)]
    }

    /// An index chosen with probability proportional to its weight (0 when all weights are 0).
    mutating func weighted(_ weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        guard total > 0 else { return 0 }
        var point = unit() * total
        for (index, weight) in weights.enumerated() {
            point -= weight
            if point < 0 { return index }
        }
        return weights.count - 1
    }
}

/// Deterministic identifier text: bijective mixes of counters, so distinct counters never collide.
enum IdToken {
    /// The SplitMix64 finaliser, a bijection on 64-bit values.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A bijection on 40-bit values (for short order numbers).
    static func mix40(_ value: UInt64) -> UInt64 {
        let mask: UInt64 = (1 << 40) - 1
        var z = value & mask
        z ^= z >> 19
        z = (z &* 0x9E37_79B9_7F) & mask
        z ^= z >> 21
        z = (z &* 0xBF58_476D_1D) & mask
        z ^= z >> 17
        return z
    }

    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
    static let upperHexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)
    static let base36Digits: [UInt8] = Array("0123456789abcdefghijklmnopqrstuvwxyz".utf8)

    /// A UUID-shaped text (8-4-4-4-12 hex digits) whose first 64 bits are `mix(counter ^ key)`.
    static func uuid(_ counter: UInt64, key: UInt64, uppercase: Bool = false) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(36)
        appendUUID(counter, key: key, uppercase: uppercase, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Two hex digits per byte value, lower and upper case.
    static let hexPairs: [UInt16] = (0..<256).map { UInt16(hexDigits[$0 >> 4]) | UInt16(hexDigits[$0 & 15]) << 8 }
    static let upperHexPairs: [UInt16] = (0..<256).map { UInt16(upperHexDigits[$0 >> 4]) | UInt16(upperHexDigits[$0 & 15]) << 8 }

    /// Appends the text of ``uuid(_:key:uppercase:)``.
    static func appendUUID(_ counter: UInt64, key: UInt64, uppercase: Bool = false, to out: inout [UInt8]) {
        let high = mix(counter ^ key)
        let low = mix(high ^ 0x2545_F491_4F6C_DD1D)
        (uppercase ? upperHexPairs : hexPairs).withUnsafeBufferPointer { pairs in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 36) { text in
                var position = 0
                for index in 0..<16 {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        text[position] = 0x2D
                        position += 1
                    }
                    let word = index < 8 ? high : low
                    let pair = pairs[Int(truncatingIfNeeded: word >> UInt64(56 - (index & 7) * 8)) & 0xFF]
                    text[position] = UInt8(truncatingIfNeeded: pair)
                    text[position + 1] = UInt8(truncatingIfNeeded: pair >> 8)
                    position += 2
                }
                out.append(contentsOf: UnsafeBufferPointer(text))
            }
        }
    }

    /// `value` in base 36, left-padded with zeros to `width` digits.
    static func base36(_ value: UInt64, width: Int, uppercase: Bool = false) -> String {
        var bytes: [UInt8] = []
        appendBase36(value, width: width, uppercase: uppercase, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the text of ``base36(_:width:uppercase:)``.
    static func appendBase36(_ value: UInt64, width: Int, uppercase: Bool = false, to out: inout [UInt8]) {
        let start = out.count
        out.append(contentsOf: repeatElement(0x30, count: width))
        var rest = value
        var index = start + width - 1
        while rest > 0, index >= start {
            var digit = base36Digits[Int(rest % 36)]
            if uppercase, digit >= 0x61 { digit -= 0x20 }
            out[index] = digit
            rest /= 36
            index -= 1
        }
    }
}
