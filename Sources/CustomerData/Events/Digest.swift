/// MurmurHash3 x64 128-bit, for deduplication keys and identifier digests.
public enum Digest {
    /// The 128-bit digest of text's UTF-8 bytes.
    public static func hash128(_ text: String, seed: UInt32 = 0x5741_5946) -> (UInt64, UInt64) {
        var text = text
        return text.withUTF8 { hash128($0, seed: seed) }
    }

    /// The 128-bit digest of bytes.
    public static func hash128(_ bytes: UnsafeBufferPointer<UInt8>, seed: UInt32 = 0x5741_5946) -> (UInt64, UInt64) {
        let c1: UInt64 = 0x87C3_7B91_1142_53D5, c2: UInt64 = 0x4CF5_AD43_2745_937F
        var h1 = UInt64(seed), h2 = UInt64(seed)
        let count = bytes.count
        let blocks = count / 16
        func load(_ offset: Int) -> UInt64 {
            var value: UInt64 = 0
            for index in 0..<8 { value |= UInt64(bytes[offset + index]) << (8 * UInt64(index)) }
            return value
        }
        func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { (x << r) | (x >> (64 - r)) }
        for block in 0..<blocks {
            var k1 = load(block * 16), k2 = load(block * 16 + 8)
            k1 = rotl(k1 &* c1, 31) &* c2; h1 ^= k1
            h1 = rotl(h1, 27) &+ h2; h1 = h1 &* 5 &+ 0x52DC_E729
            k2 = rotl(k2 &* c2, 33) &* c1; h2 ^= k2
            h2 = rotl(h2, 31) &+ h1; h2 = h2 &* 5 &+ 0x3849_5AB5
        }
        var k1: UInt64 = 0, k2: UInt64 = 0
        let tail = blocks * 16
        let rest = count & 15
        if rest > 8 {
            for index in stride(from: rest - 1, through: 8, by: -1) { k2 ^= UInt64(bytes[tail + index]) << (8 * UInt64(index - 8)) }
            k2 = rotl(k2 &* c2, 33) &* c1; h2 ^= k2
        }
        if rest > 0 {
            for index in stride(from: min(rest, 8) - 1, through: 0, by: -1) { k1 ^= UInt64(bytes[tail + index]) << (8 * UInt64(index)) }
            k1 = rotl(k1 &* c1, 31) &* c2; h1 ^= k1
        }
        h1 ^= UInt64(count); h2 ^= UInt64(count)
        h1 = h1 &+ h2; h2 = h2 &+ h1
        h1 = fmix(h1); h2 = fmix(h2)
        h1 = h1 &+ h2; h2 = h2 &+ h1
        return (h1, h2)
    }

    static func fmix(_ value: UInt64) -> UInt64 {
        var k = value
        k ^= k >> 33; k = k &* 0xFF51_AFD7_ED55_8CCD
        k ^= k >> 33; k = k &* 0xC4CE_B9FE_1A85_EC53
        k ^= k >> 33
        return k
    }
}
