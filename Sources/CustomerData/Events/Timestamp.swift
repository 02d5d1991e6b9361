/// Parses event timestamps into milliseconds since the Unix epoch (UTC).
///
/// Accepts ISO 8601 / RFC 3339 date-times with or without a fraction and with `Z`,
/// `±hh:mm`, `±hhmm` or no zone (read as UTC), a space instead of `T`, a date alone,
/// and epoch seconds or milliseconds (told apart by magnitude).
public enum Timestamp {
    /// Why text is not a timestamp.
    public struct Invalid: Error, Sendable, CustomStringConvertible {
        /// What was expected.
        public var description: String
    }

    /// Epoch values above this are milliseconds (in seconds it would be after the year 5138).
    static let millisecondThreshold: Int64 = 100_000_000_000

    /// Every time an event can have, in milliseconds: what `parse(_:)` gives
    /// (four-digit years, epoch values of at most 16 digits). A stored time outside it was
    /// written by hand, and the differences of times inside it never overflow.
    public static let range: ClosedRange<Int64> = -9_999_999_999_999_999 ... 9_999_999_999_999_999

    /// Milliseconds since the epoch for `text`.
    public static func parse(_ text: String) throws(Invalid) -> Int64 {
        var utf8 = Array(text.utf8)
        while let last = utf8.last, last == 0x20 || last == 0x09 { utf8.removeLast() }
        while let first = utf8.first, first == 0x20 || first == 0x09 { utf8.removeFirst() }
        return try utf8.withUnsafeBufferPointer { buffer throws(Invalid) in try parse(buffer) }
    }

    /// Milliseconds since the epoch for UTF-8 bytes.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(Invalid) -> Int64 {
        guard !bytes.isEmpty else { throw Invalid(description: "the timestamp is empty") }
        if let epoch = epochValue(bytes) { return epoch }
        var reader = Reader(bytes: bytes)
        guard let year = reader.digits(4), reader.take(0x2D), let month = reader.digits(2), reader.take(0x2D), let day = reader.digits(2) else {
            throw invalid(bytes)
        }
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year) else {
            throw Invalid(description: "the date \(String(decoding: UnsafeBufferPointer(rebasing: bytes[0..<min(10, bytes.count)]), as: UTF8.self)) does not exist")
        }
        var milliseconds = daysFromCivil(year: year, month: month, day: day) * 86_400_000
        if reader.atEnd { return milliseconds }
        guard reader.take(0x54) || reader.take(0x74) || reader.take(0x20) else { throw invalid(bytes) }
        guard let hour = reader.digits(2), reader.take(0x3A), let minute = reader.digits(2) else { throw invalid(bytes) }
        var second: Int64 = 0
        if reader.take(0x3A) {
            guard let value = reader.digits(2) else { throw invalid(bytes) }
            second = value
        }
        guard hour <= 23 || (hour == 24 && minute == 0 && second == 0), minute <= 59, second <= 60 else {
            throw Invalid(description: "the time of day is out of range")
        }
        milliseconds += ((hour * 60 + minute) * 60 + min(second, 59)) * 1000
        if reader.take(0x2E) || reader.take(0x2C) {
            var scale: Int64 = 100
            var digits = 0
            while let digit = reader.digit() {
                milliseconds += digit * scale
                scale /= 10
                digits += 1
            }
            guard digits > 0 else { throw invalid(bytes) }
        }
        if reader.atEnd { return milliseconds }
        if reader.take(0x5A) || reader.take(0x7A) {
            guard reader.atEnd else { throw invalid(bytes) }
            return milliseconds
        }
        let sign: Int64
        if reader.take(0x2B) { sign = 1 } else if reader.take(0x2D) { sign = -1 } else { throw invalid(bytes) }
        guard let offsetHours = reader.digits(2) else { throw invalid(bytes) }
        _ = reader.take(0x3A)
        let offsetMinutes = reader.digits(2) ?? 0
        guard reader.atEnd, offsetHours <= 23, offsetMinutes <= 59 else { throw invalid(bytes) }
        return milliseconds - sign * (offsetHours * 60 + offsetMinutes) * 60_000
    }

    static func invalid(_ bytes: UnsafeBufferPointer<UInt8>) -> Invalid {
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[0..<min(40, bytes.count)]), as: UTF8.self)
        return Invalid(description: "'\(text)' is not a timestamp; expected ISO 8601 such as 2026-03-01T09:30:00Z, or epoch seconds or milliseconds")
    }

    /// Epoch seconds or milliseconds, with an optional fraction of seconds.
    static func epochValue(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        var index = 0
        var negative = false
        if bytes[0] == 0x2D { negative = true; index = 1 }
        var whole: Int64 = 0
        var digits = 0
        while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
            guard digits < 16 else { return nil }
            whole = whole * 10 + Int64(bytes[index] - 0x30)
            index += 1
            digits += 1
        }
        guard digits > 0, digits != 4 || index < bytes.count && bytes[index] == 0x2E else { return nil }
        var fraction: Int64 = 0
        var scale: Int64 = 100
        if index < bytes.count, bytes[index] == 0x2E {
            index += 1
            var fractionDigits = 0
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                fraction += Int64(bytes[index] - 0x30) * scale
                scale /= 10
                index += 1
                fractionDigits += 1
            }
            guard fractionDigits > 0 else { return nil }
        }
        guard index == bytes.count else { return nil }
        let value = whole >= millisecondThreshold ? whole : whole * 1000 + fraction
        return negative ? -value : value
    }

    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
    public static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The proleptic Gregorian date of a day number (days since 1970-01-01), the inverse of
    /// ``daysFromCivil(year:month:day:)``.
    public static func civil(days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// The day number (days since 1970-01-01, rounded down) of a time in milliseconds.
    public static func day(of milliseconds: Int64) -> Int64 {
        milliseconds >= 0 ? milliseconds / 86_400_000 : (milliseconds - 86_399_999) / 86_400_000
    }

    /// ISO 8601 text (`2026-03-01T09:30:00.250Z`) for milliseconds since the epoch.
    public static func iso8601(_ milliseconds: Int64) -> String {
        let days = day(of: milliseconds)
        let remainder = milliseconds - days * 86_400_000
        let (year, month, day) = civil(days: days)
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let hour = remainder / 3_600_000, minute = remainder / 60_000 % 60, second = remainder / 1000 % 60, millis = remainder % 1000
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))" + (millis == 0 ? "Z" : ".\(pad(millis, 3))Z")
    }

    struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        var atEnd: Bool { index == bytes.count }

        mutating func take(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        mutating func digit() -> Int64? {
            guard index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 else { return nil }
            defer { index += 1 }
            return Int64(bytes[index] - 0x30)
        }

        mutating func digits(_ count: Int) -> Int64? {
            var value: Int64 = 0
            for _ in 0..<count {
                guard let digit = digit() else { return nil }
                value = value * 10 + digit
            }
            return value
        }
    }
}
