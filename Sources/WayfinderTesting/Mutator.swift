/// Deterministic random damage to text, for fuzz tests of parsers and validators.
///
/// Each ``mutate(_:)`` call applies one ``Operation`` chosen by a seeded
/// ``SplitMix64`` generator, so a failing case is reproduced from its seed alone.
public struct Mutator: Sendable {
    /// One kind of damage.
    public enum Operation: String, CaseIterable, Sendable {
        /// Removes a run of bytes.
        case deleteRange
        /// Repeats one line right after itself.
        case duplicateLine
        /// Exchanges two lines.
        case swapLines
        /// Inserts random bytes, including NUL, control characters and invalid UTF-8.
        case insertBytes
        /// Adds or removes leading spaces on a line, or indents it with a tab.
        case changeIndentation
        /// Cuts the text off at a random point.
        case truncate
        /// Replaces a word or punctuation mark with a YAML or JSON metacharacter.
        case replaceToken
    }

    /// The replacements ``Operation/replaceToken`` picks from.
    public static let tokens = ["[", "{", ":", "- ", "&a", "*a", "!!binary", "\"", "'", "\t"]

    /// The generator; its state advances with every mutation.
    public var generator: SplitMix64

    /// Creates a mutator whose choices are fixed by `seed`.
    public init(seed: UInt64) {
        generator = SplitMix64(seed: seed)
    }

    /// Applies one random operation to `text`; returns the operation and the damaged bytes.
    public mutating func mutate(_ text: String) -> (operation: Operation, bytes: [UInt8]) {
        mutate(Array(text.utf8))
    }

    /// Applies one random operation to `bytes`; returns the operation and the damaged bytes.
    public mutating func mutate(_ bytes: [UInt8]) -> (operation: Operation, bytes: [UInt8]) {
        let operation = Operation.allCases[generator.below(Operation.allCases.count)]
        return (operation, apply(operation, to: bytes))
    }

    /// Applies `count` random operations in a row.
    public mutating func mutate(_ bytes: [UInt8], times count: Int) -> [UInt8] {
        var result = bytes
        for _ in 0..<max(0, count) { result = mutate(result).bytes }
        return result
    }

    /// Applies a chosen operation to `bytes`, with random positions and lengths.
    public mutating func apply(_ operation: Operation, to bytes: [UInt8]) -> [UInt8] {
        var bytes = bytes
        switch operation {
        case .deleteRange:
            guard !bytes.isEmpty else { return bytes }
            let start = generator.below(bytes.count)
            let length = 1 + generator.below(min(64, bytes.count - start))
            bytes.removeSubrange(start..<(start + length))
        case .duplicateLine:
            var lines = Self.lines(bytes)
            guard !lines.isEmpty else { return bytes }
            let index = generator.below(lines.count)
            lines.insert(lines[index], at: index)
            bytes = Self.join(lines)
        case .swapLines:
            var lines = Self.lines(bytes)
            guard lines.count > 1 else { return bytes }
            let first = generator.below(lines.count)
            // Mostly nearby lines, so the damage stays plausible; sometimes anywhere.
            let second = generator.below(4) == 0
                ? generator.below(lines.count)
                : min(lines.count - 1, first + 1 + generator.below(3))
            lines.swapAt(first, second)
            bytes = Self.join(lines)
        case .insertBytes:
            let position = generator.below(bytes.count + 1)
            bytes.insert(contentsOf: randomBytes(), at: position)
        case .changeIndentation:
            var lines = Self.lines(bytes)
            guard !lines.isEmpty else { return bytes }
            let index = generator.below(lines.count)
            var line = lines[index]
            switch generator.below(4) {
            case 0: line.insert(contentsOf: [UInt8](repeating: 0x20, count: 1 + generator.below(4)), at: 0)
            case 1:
                let spaces = line.prefix { $0 == 0x20 }.count
                line.removeFirst(min(spaces, 1 + generator.below(4)))
            case 2: line.insert(0x09, at: 0)
            default:
                let spaces = line.prefix { $0 == 0x20 }.count
                line.replaceSubrange(0..<spaces, with: [0x09])
            }
            lines[index] = line
            bytes = Self.join(lines)
        case .truncate:
            bytes = Array(bytes.prefix(generator.below(bytes.count + 1)))
        case .replaceToken:
            let replacement = Array(Self.tokens[generator.below(Self.tokens.count)].utf8)
            guard !bytes.isEmpty else { return replacement }
            let start = generator.below(bytes.count)
            var end = start
            if Self.isWordByte(bytes[start]) {
                while end < bytes.count, Self.isWordByte(bytes[end]) { end += 1 }
            } else {
                end += 1
            }
            bytes.replaceSubrange(start..<end, with: replacement)
        }
        return bytes
    }

    /// One to eight bytes drawn from NUL, control characters, lone continuation and
    /// lead bytes, overlong forms, surrogates, ASCII and YAML indicators.
    mutating func randomBytes() -> [UInt8] {
        let pieces: [[UInt8]] = [
            [0x00], [0x01], [0x1B], [0x7F], [0x0D], [0x0A], [0x09],
            [0x80], [0xBF], [0xC0, 0x80], [0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
            [0xFE], [0xFF], [0xEF, 0xBB, 0xBF], [0xC3, 0xA9], [0xF0, 0x9F, 0x98, 0x80],
            Array("#".utf8), Array("|".utf8), Array(">".utf8), Array("%".utf8), Array("@".utf8), Array("?".utf8),
            Array(" ".utf8), Array("x".utf8), Array("9".utf8),
        ]
        return (0..<(1 + generator.below(4))).flatMap { _ in pieces[generator.below(pieces.count)] }
    }

    static func isWordByte(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x5F || byte == 0x2D || byte >= 0x80
    }

    static func lines(_ bytes: [UInt8]) -> [[UInt8]] {
        bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
    }

    static func join(_ lines: [[UInt8]]) -> [UInt8] {
        Array(lines.joined(separator: [0x0A]))
    }
}
