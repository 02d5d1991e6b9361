import CustomerData
import Testing
import WayfinderTesting

@Suite("Inflate")
struct InflateTests {
    static let text = Array(String(repeating: #"{"type":"track","event":"Product Viewed","userId":"u1"}"#, count: 200).utf8)

    @Test("gzip and zlib bodies decompress to the original bytes", arguments: [TestCompression.Format.gzip, .zlib])
    func roundTrip(_ format: TestCompression.Format) throws {
        let compressed = TestCompression.compress(Self.text, format: format)
        #expect(compressed.count < Self.text.count / 4)
        let result = compressed.withUnsafeBytes { Inflate.decompress($0, limit: Self.text.count) }
        #expect(try result.get() == Self.text)
    }

    @Test("two gzip members one after the other decompress to both")
    func concatenated() throws {
        let first = Array("first part,".utf8), second = Array("second part".utf8)
        let both = TestCompression.compress(first) + TestCompression.compress(second)
        #expect(try both.withUnsafeBytes { Inflate.decompress($0, limit: 100) }.get() == first + second)
    }

    @Test("a body that grows past the limit is refused, at any size past it", arguments: [1, 1_000, 4 << 20])
    func bomb(_ excess: Int) {
        let limit = 500 * 1024
        let zeros = [UInt8](repeating: 0x30, count: limit + excess)
        let compressed = TestCompression.compress(zeros)
        #expect(compressed.withUnsafeBytes { Inflate.decompress($0, limit: limit) } == .failure(.tooLarge(limit: limit)))
        // Exactly at the limit is accepted.
        let exact = TestCompression.compress([UInt8](repeating: 0x30, count: limit))
        #expect((try? exact.withUnsafeBytes { Inflate.decompress($0, limit: limit) }.get())?.count == limit)
    }

    @Test("cut, garbled or empty data is corrupt", arguments: [0, 1, 2])
    func corrupt(_ kind: Int) {
        let compressed = TestCompression.compress(Self.text)
        let broken: [UInt8] = switch kind {
        case 0: Array(compressed.prefix(compressed.count / 2))
        case 1: Array("not gzip at all".utf8)
        default: []
        }
        #expect(broken.withUnsafeBytes { Inflate.decompress($0, limit: 1 << 20) } == .failure(.corrupt))
    }
}
