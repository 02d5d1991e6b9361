import CZlib
import CustomerData
import Foundation
import JourneyStore

/// An ``IndexState`` on disk: a JSON header (what the state was built for, the store's
/// watermark, the names and counts), the columns as little-endian arrays, and a CRC-32 of all of
/// it at the end.
///
/// A file is never trusted: one that is cut short, has another version, fails its checksum,
/// or holds a column whose values the index could not hold (an offset out of order, a touchpoint
/// or customer out of range, rows out of time order) is refused with the reason, and the caller
/// builds the index from the store instead.
enum IndexFile {
    static let magic = Array("WAYFINDER-INDEX\n".utf8)

    /// Why a file was not used.
    struct Refusal: Error, CustomStringConvertible {
        var description: String
    }

    struct Header: Codable {
        var format: Int
        /// The byte order of the columns: the writing machine's.
        var littleEndian: Bool
        var key: String
        var lastEvent: Int64
        var workspace: Int64?
        var created: Int64?
        var identityGeneration: Int64?
        var personas: String?
        var watermarkEvent: Int64?
        var customers: Int
        var rows: Int
        var hasFlags: Bool
        var events: Int
        var channelNames: [String]
        var keys: [[String]]
        var keyCounts: [[Int]]
        var traitPaths: [String]
        var propertyCounts: [Int]
        var metricNames: [String]
        var answers: Int
    }

    // MARK: Writing

    /// Writes `state` to `path` through a temporary file renamed over it, so a reader sees the old
    /// file or the new one whole.
    static func write(_ state: IndexState, to path: String) throws {
        // A name of this writer's own: another thread or process may be saving the same index.
        let temporary = path + ".\(getpid()).\(UInt64.random(in: 0 ... .max)).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else { throw Refusal(description: "cannot create \(temporary): \(String(cString: strerror(errno)))") }
        var writer = Writer(descriptor: descriptor)
        do {
            defer { close(descriptor) }
            try encode(state, into: &writer)
            try writer.finish()
        } catch {
            unlink(temporary)
            throw error
        }
        // No fsync: a file a crash left half written fails its checksum and is built again.
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw Refusal(description: "cannot rename \(temporary): \(reason)")
        }
    }

    private static func encode(_ state: IndexState, into writer: inout Writer) throws {
        let traitPaths = state.traits.keys.sorted()
        let propertyCounts = state.firstValues.map(\.count)
        let header = Header(
            format: IndexState.format, littleEndian: 1.littleEndian == 1, key: state.key, lastEvent: state.lastEvent, workspace: state.watermark?.workspace, created: state.watermark?.created,
            identityGeneration: state.watermark?.identityGeneration, personas: state.watermark?.personas, watermarkEvent: state.watermark?.lastEvent,
            customers: state.roots.count, rows: state.rowCount, hasFlags: !state.flags.isEmpty, events: state.events, channelNames: state.channelNames,
            keys: state.keys.map { [$0.type, $0.name, $0.channel] }, keyCounts: state.keys.map { [$0.events, $0.unclassified] },
            traitPaths: traitPaths, propertyCounts: propertyCounts, metricNames: state.answers.metricNames,
            answers: state.answers.customers.count)
        let json = try JSONEncoder().encode(header)
        try writer.bytes(magic)
        try writer.integer(UInt64(json.count))
        try writer.bytes(Array(json))
        try writer.array(state.roots)
        try writer.array(state.offsets.map { Int64($0) })
        try writer.array(state.sequences)
        try writer.array(state.timestamps)
        try writer.array(state.touchpoints)
        try writer.array(state.channels)
        try writer.array(state.flags)
        try writer.array(state.personas)
        for path in traitPaths {
            let column = state.traits[path]!
            try writer.array(column.codes)
            try writer.strings(column.values)
        }
        for values in state.firstValues {
            let ordered = values.sorted { $0.key < $1.key }
            try writer.array(ordered.map(\.key))
            try writer.array(ordered.map(\.value.timestamp))
            try writer.array(ordered.map(\.value.sequence))
            try writer.strings(ordered.map(\.value.text))
        }
        let answers = state.answers
        try writer.array(answers.customers)
        try writer.array(answers.timestamps)
        try writer.array(answers.metricCodes)
        try writer.array(answers.touchpoints)
        try writer.array(answers.scores)
        try writer.array(answers.flags)
        try writer.array(answers.textEnds.map { Int64($0) })
        try writer.array(answers.text)
    }

    /// Writes bytes to a file in large blocks, keeping the CRC-32 of everything written.
    private struct Writer {
        let descriptor: Int32
        var buffer: [UInt8] = []
        var crc = crc32(0, nil, 0)

        init(descriptor: Int32) {
            self.descriptor = descriptor
            buffer.reserveCapacity(1 << 20)
        }

        mutating func bytes(_ bytes: UnsafeRawBufferPointer) throws {
            guard let base = bytes.baseAddress, bytes.count > 0 else { return }
            crc = Self.update(crc, base, bytes.count)
            if buffer.count + bytes.count > 1 << 20 { try flush() }
            guard bytes.count < 1 << 20 else {
                try Self.write(descriptor, base, bytes.count)
                return
            }
            buffer.append(contentsOf: bytes)
        }

        mutating func bytes(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try self.bytes($0) } }

        mutating func integer(_ value: UInt64) throws { try withUnsafeBytes(of: value.littleEndian) { try bytes($0) } }

        /// A count, then the values' bytes as they lie in memory (what ``Reader/array(_:)`` reads back).
        mutating func array<T: BitwiseCopyable>(_ values: [T]) throws {
            try integer(UInt64(values.count))
            try values.withUnsafeBytes { try bytes($0) }
        }

        mutating func strings(_ values: [String]) throws {
            var ends: [Int64] = [], text: [UInt8] = []
            ends.reserveCapacity(values.count)
            for value in values {
                text.append(contentsOf: value.utf8)
                ends.append(Int64(text.count))
            }
            try array(ends)
            try array(text)
        }

        mutating func finish() throws {
            let sum = UInt32(truncatingIfNeeded: crc).littleEndian
            try flush()
            try withUnsafeBytes(of: sum) { try Self.write(descriptor, $0.baseAddress!, 4) }
        }

        private mutating func flush() throws {
            try buffer.withUnsafeBytes { if let base = $0.baseAddress { try Self.write(descriptor, base, $0.count) } }
            buffer.removeAll(keepingCapacity: true)
        }

        static func update(_ crc: uLong, _ base: UnsafeRawPointer, _ count: Int) -> uLong {
            var crc = crc, offset = 0
            while offset < count {
                let length = min(count - offset, 1 << 30)
                crc = crc32(crc, base.advanced(by: offset).assumingMemoryBound(to: Bytef.self), uInt(length))
                offset += length
            }
            return crc
        }

        static func write(_ descriptor: Int32, _ base: UnsafeRawPointer, _ count: Int) throws {
            var offset = 0
            while offset < count {
                let written = Foundation.write(descriptor, base.advanced(by: offset), count - offset)
                if written < 0, errno == EINTR { continue }
                guard written > 0 else { throw Refusal(description: "cannot write the index file: \(String(cString: strerror(errno)))") }
                offset += written
            }
        }
    }

    // MARK: Reading

    /// The largest file read: far beyond what a billion events take.
    static let largest = 1 << 40

    /// The state in the file at `path`, checked whole; a refusal says why it cannot be used.
    /// Only a regular file is read (never through a link, never a pipe or a device).
    static func read(_ path: String, touchpoints: Int, personas: Int) throws -> IndexState {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { throw Refusal(description: "cannot be opened (\(String(cString: strerror(errno))))") }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { throw Refusal(description: "it is not a regular file") }
        guard status.st_size >= 0, status.st_size <= largest else { throw Refusal(description: "it is larger than any index") }
        let size = Int(status.st_size)
        var bytes = [UInt8](repeating: 0, count: size)
        var filled = 0
        try bytes.withUnsafeMutableBytes { buffer in
            while filled < size {
                let count = Foundation.read(descriptor, buffer.baseAddress! + filled, size - filled)
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { throw Refusal(description: "it is cut short") }
                filled += count
            }
        }
        return try bytes.withUnsafeBytes { try decode($0, touchpoints: touchpoints, personas: personas) }
    }

    /// The CRC-32 a file ends with, of the bytes before it.
    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard let base = bytes.baseAddress else { return 0 }
        return UInt32(truncatingIfNeeded: Writer.update(crc32(0, nil, 0), base, bytes.count))
    }

    static func decode(_ bytes: UnsafeRawBufferPointer, touchpoints touchpointCount: Int, personas personaCount: Int) throws -> IndexState {
        guard bytes.count >= magic.count + 12, bytes.prefix(magic.count).elementsEqual(magic) else {
            throw Refusal(description: "not an index file")
        }
        let body = bytes.count - 4
        var stored: UInt32 = 0
        withUnsafeMutableBytes(of: &stored) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[body...])) }
        guard UInt32(littleEndian: stored) == checksum(UnsafeRawBufferPointer(rebasing: bytes[..<body])) else { throw Refusal(description: "its checksum does not match its contents") }
        var reader = Reader(bytes: UnsafeRawBufferPointer(rebasing: bytes[magic.count ..< body]))
        let headerLength = try reader.count(of: 1)
        let header: Header
        do { header = try JSONDecoder().decode(Header.self, from: Data(try reader.raw(headerLength))) } catch let refusal as Refusal {
            throw refusal
        } catch {
            throw Refusal(description: "its header is not readable")
        }
        guard header.format == IndexState.format else { throw Refusal(description: "it has format \(header.format), not \(IndexState.format)") }
        guard header.littleEndian == (1.littleEndian == 1) else { throw Refusal(description: "it was written on a machine of another byte order") }
        // Counts are added to as events arrive: each must leave room, as real counts do.
        let most = 1 << 53
        guard header.keys.count == header.keyCounts.count, header.keys.allSatisfy({ $0.count == 3 }),
              header.keyCounts.allSatisfy({ $0.count == 2 && $0[0] >= 0 && $0[1] >= 0 && $0[1] <= $0[0] && $0[0] <= most }),
              header.events <= most, header.keyCounts.reduce(0, { min(most + 1, $0 + $1[0]) }) <= most,
              header.customers >= 0, header.rows >= 0, header.events >= 0, header.answers >= 0, header.channelNames.count <= 255,
              header.metricNames.count <= 256, header.propertyCounts.allSatisfy({ $0 >= 0 && $0 <= header.customers }) else {
            throw Refusal(description: "its header holds impossible counts")
        }
        let customers = header.customers, rows = header.rows
        let roots: [Int64] = try reader.array(customers)
        let offsets: [Int64] = try reader.array(customers + 1)
        let sequences: [Int64] = try reader.array(rows)
        let timestamps: [Int64] = try reader.array(rows)
        let touchpoints: [UInt16] = try reader.array(rows)
        let channels: [UInt8] = try reader.array(rows)
        let flags: [UInt8] = try reader.array(header.hasFlags ? rows : 0)
        let personas: [UInt8] = try reader.array(customers)
        var traits: [String: ValueColumn] = [:]
        for path in header.traitPaths {
            var column = ValueColumn(codes: try reader.array(customers))
            column.values = try reader.strings()
            guard column.values.first == "", column.codes.allSatisfy({ Int($0) < column.values.count }) else {
                throw Refusal(description: "its values of trait '\(path)' are out of range")
            }
            traits[path] = column
        }
        var firstValues: [[Int32: IndexBuilder.FirstValue]] = []
        for count in header.propertyCounts {
            let positions: [Int32] = try reader.array(count), times: [Int64] = try reader.array(count), numbers: [Int64] = try reader.array(count)
            let texts = try reader.strings()
            guard texts.count == count, positions.allSatisfy({ $0 >= 0 && Int($0) < customers }) else {
                throw Refusal(description: "its property values are out of range")
            }
            var values: [Int32: IndexBuilder.FirstValue] = [:]
            for index in 0..<count { values[positions[index]] = IndexBuilder.FirstValue(timestamp: times[index], sequence: numbers[index], text: texts[index]) }
            firstValues.append(values)
        }
        var answers = FeedbackAnswers.Arrivals()
        answers.metricNames = header.metricNames
        answers.customers = try reader.array(header.answers)
        answers.timestamps = try reader.array(header.answers)
        answers.metricCodes = try reader.array(header.answers)
        answers.touchpoints = try reader.array(header.answers)
        answers.scores = try reader.array(header.answers)
        answers.flags = try reader.array(header.answers)
        let textEnds: [Int64] = try reader.array(header.answers)
        answers.text = try reader.array(try reader.peekCount(of: 1))
        guard reader.isAtEnd else { throw Refusal(description: "it holds more than its header says") }

        // Every time must be one an event can have: differences of times are taken unchecked.
        guard timestamps.allSatisfy(Timestamp.range.contains), answers.timestamps.allSatisfy(Timestamp.range.contains),
              firstValues.allSatisfy({ $0.values.allSatisfy { Timestamp.range.contains($0.timestamp) } }) else {
            throw Refusal(description: "it holds a time no event can have")
        }
        // Every value the index reads as a position or a count must be in range.
        guard offsets.first == 0, offsets.last == Int64(rows), zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 }) else {
            throw Refusal(description: "its customer offsets are out of order")
        }
        guard zip(roots, roots.dropFirst()).allSatisfy({ $0 < $1 }), roots.first.map({ $0 >= 0 }) ?? true else {
            throw Refusal(description: "its customers are out of order")
        }
        for customer in 0..<customers {
            let range = Int(offsets[customer]) ..< Int(offsets[customer + 1])
            for row in range.dropFirst() where (timestamps[row], sequences[row]) <= (timestamps[row - 1], sequences[row - 1]) {
                throw Refusal(description: "the events of a customer are out of time order")
            }
        }
        guard sequences.allSatisfy({ $0 <= header.lastEvent }) else { throw Refusal(description: "it holds events after its last one") }
        guard touchpoints.allSatisfy({ Int($0) < touchpointCount || $0 == IndexBuilder.offMap }) else {
            throw Refusal(description: "it names touchpoints the map does not have")
        }
        let names = header.channelNames.count
        guard channels.allSatisfy({ Int($0) < names || ($0 == 255 && names == 255) }) else { throw Refusal(description: "it names channels it does not list") }
        guard personas.allSatisfy({ Int($0) < personaCount || $0 == JourneyIndex.noPersona }) else {
            throw Refusal(description: "it names personas the workspace does not have")
        }
        guard answers.customers.allSatisfy({ $0 >= 0 && Int($0) < customers }), answers.metricCodes.allSatisfy({ Int($0) < header.metricNames.count }),
              answers.touchpoints.allSatisfy({ Int($0) < touchpointCount || $0 == FeedbackAnswers.noTouchpoint }),
              textEnds.allSatisfy({ $0 >= 0 && $0 <= Int64(answers.text.count) }), zip(textEnds, textEnds.dropFirst()).allSatisfy({ $0 <= $1 }) else {
            throw Refusal(description: "its survey answers are out of range")
        }
        answers.textEnds = textEnds.map { Int($0) }
        var watermark: IndexWatermark?
        if let workspace = header.workspace, let created = header.created, let generation = header.identityGeneration, let personas = header.personas,
           let last = header.watermarkEvent {
            watermark = IndexWatermark(lastEvent: last, identityGeneration: generation, personas: personas, workspace: workspace, created: created)
        }
        let keys = zip(header.keys, header.keyCounts).map {
            IndexBuilder.KeyCount(type: $0[0], name: $0[1], channel: $0[2], events: $1[0], unclassified: $1[1])
        }
        return IndexState(key: header.key, lastEvent: header.lastEvent, watermark: watermark, roots: roots, offsets: offsets.map { Int($0) },
                          sequences: sequences, timestamps: timestamps, touchpoints: touchpoints, channels: channels, flags: flags,
                          channelNames: header.channelNames, firstValues: firstValues, keys: keys, events: header.events, personas: personas,
                          traits: traits, answers: answers)
    }

    /// Reads counts and arrays from a file's bytes, refusing any that run past its end.
    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var offset = 0

        var isAtEnd: Bool { offset == bytes.count }

        /// A stored count, refused when that many elements of `size` bytes cannot fit in what is left.
        mutating func count(of size: Int) throws -> Int {
            let raw = try raw(8)
            var value: UInt64 = 0
            withUnsafeMutableBytes(of: &value) { target in raw.withUnsafeBytes { target.copyMemory(from: $0) } }
            let count = UInt64(littleEndian: value)
            guard count <= UInt64(bytes.count - offset) / UInt64(size) else { throw Refusal(description: "it is cut short") }
            return Int(count)
        }

        mutating func raw(_ count: Int) throws -> [UInt8] {
            guard count >= 0, count <= bytes.count - offset else { throw Refusal(description: "it is cut short") }
            defer { offset += count }
            return Array(UnsafeRawBufferPointer(rebasing: bytes[offset ..< offset + count]))
        }

        mutating func array<T: BitwiseCopyable>(_ expected: Int) throws -> [T] {
            let count = try self.count(of: MemoryLayout<T>.stride)
            guard count == expected else { throw Refusal(description: "a column holds \(count) values where \(expected) were expected") }
            let length = count * MemoryLayout<T>.stride
            defer { offset += length }
            let source = UnsafeRawBufferPointer(rebasing: bytes[offset ..< offset + length])
            return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: source)
                initialized = count
            }
        }

        mutating func strings() throws -> [String] {
            let ends: [Int64] = try array(try peekCount(of: 8))
            let text: [UInt8] = try array(try peekCount(of: 1))
            var start = 0
            return try ends.map { end in
                guard end >= Int64(start), end <= Int64(text.count) else { throw Refusal(description: "its texts are out of range") }
                defer { start = Int(end) }
                return String(decoding: text[start ..< Int(end)], as: UTF8.self)
            }
        }

        /// The count the next array holds, without reading past it.
        func peekCount(of size: Int) throws -> Int {
            var copy = self
            return try copy.count(of: size)
        }
    }
}
