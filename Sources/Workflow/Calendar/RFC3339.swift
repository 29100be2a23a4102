import Foundation

/// Reads and writes RFC 3339 timestamps (`2026-01-31T09:30:00+01:00`), the JSON form of `datetime`.
public enum RFC3339 {
    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; `t`, `z` and a space separator are accepted.
    public static func parse(_ text: String) -> Date? {
        let s = Array(text.utf8)
        guard s.count >= 20 else { return nil }
        var index = 0
        func digits(_ count: Int) -> Int? {
            guard index + count <= s.count else { return nil }
            var value = 0
            for _ in 0..<count {
                guard (48...57).contains(s[index]) else { return nil }
                value = value * 10 + Int(s[index] - 48)
                index += 1
            }
            return value
        }
        func expect(_ byte: UInt8) -> Bool {
            guard index < s.count, s[index] == byte else { return false }
            index += 1
            return true
        }
        guard let year = digits(4), expect(UInt8(ascii: "-")), let month = digits(2), expect(UInt8(ascii: "-")),
              let day = digits(2), let date = CalendarDate(year: year, month: month, day: day) else { return nil }
        guard index < s.count, [UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")].contains(s[index]) else {
            return nil
        }
        index += 1
        guard let hour = digits(2), expect(UInt8(ascii: ":")), let minute = digits(2), expect(UInt8(ascii: ":")),
              let second = digits(2), hour < 24, minute < 60, second < 60 else { return nil }
        var fraction = 0.0
        if index < s.count, s[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            let start = index
            while index < s.count, (48...57).contains(s[index]) {
                fraction += Double(s[index] - 48) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        guard index < s.count else { return nil }
        var offset = 0
        switch s[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let sign = s[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            guard let offsetHours = digits(2), expect(UInt8(ascii: ":")), let offsetMinutes = digits(2),
                  offsetHours < 24, offsetMinutes < 60 else { return nil }
            offset = sign * (offsetHours * 3600 + offsetMinutes * 60)
        default:
            return nil
        }
        guard index == s.count else { return nil }
        let seconds = date.daysSinceEpoch * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    /// Formats `date` with the UTC offset it has in `timeZone`; milliseconds are written only when not zero.
    public static func format(_ date: Date, in timeZone: TimeZone) -> String {
        let offset = timeZone.secondsFromGMT(for: date)
        // Clamp instants no case can hold (beyond ±30,000 years) so the conversion to Int cannot trap.
        let seconds = date.timeIntervalSince1970
        guard seconds.isFinite, abs(seconds) < 1e12 else {
            return seconds < 0 ? "0001-01-01T00:00:00Z" : "9999-12-31T23:59:59Z"
        }
        let totalMilliseconds = Int((date.timeIntervalSince1970 * 1000).rounded()) + offset * 1000
        let millisecondsPerDay = 86_400_000
        let days = totalMilliseconds >= 0
            ? totalMilliseconds / millisecondsPerDay
            : (totalMilliseconds - millisecondsPerDay + 1) / millisecondsPerDay
        let inDay = totalMilliseconds - days * millisecondsPerDay
        let day = CalendarDate(daysSinceEpoch: days) ?? (days < 0 ? .earliest : .latest)
        func pad(_ value: Int, _ width: Int = 2) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let secondOfDay = inDay / 1000
        var text = "\(day)T\(pad(secondOfDay / 3600)):\(pad(secondOfDay / 60 % 60)):\(pad(secondOfDay % 60))"
        if inDay % 1000 != 0 {
            text += "." + pad(inDay % 1000, 3)
        }
        if offset == 0 {
            text += "Z"
        } else {
            let magnitude = abs(offset)
            text += (offset < 0 ? "-" : "+") + pad(magnitude / 3600) + ":" + pad(magnitude / 60 % 60)
        }
        return text
    }
}
