import Foundation

/// Timestamps as PostgreSQL reads them (`2026-11-22T23:09:10.123456Z`), rounded to the
/// microsecond, the database's precision. Every time the store writes goes through here:
/// PostgresNIO's own Date binding truncates, so a time read back and written again could
/// drift by a microsecond per change.
enum DatabaseTime {
    static func text(_ date: Date) -> String {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        let perDay: Int64 = 86_400_000_000
        var days = micros / perDay
        var rest = micros % perDay
        if rest < 0 {
            days -= 1
            rest += perDay
        }
        let day = CalendarDate(daysSinceEpoch: Int(days)) ?? CalendarDate.earliest
        let second = rest / 1_000_000
        let fraction = rest % 1_000_000
        return "\(day)T\(pad(second / 3600, 2)):\(pad(second / 60 % 60, 2)):\(pad(second % 60, 2)).\(pad(fraction, 6))Z"
    }

    static func json(_ date: Date) -> JSONValue { .string(text(date)) }

    static func json(_ date: Date?) -> JSONValue { date.map(json) ?? .null }

    static func parse(_ text: String) -> Date? { RFC3339.parse(text) }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
