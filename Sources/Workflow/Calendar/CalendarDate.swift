import Foundation

/// A day of the proleptic Gregorian calendar, without time or time zone (`2026-01-31`).
///
/// Years are limited to 1...9999 so that every day prints as `YYYY-MM-DD` and
/// day arithmetic never leaves the range the case data can hold.
public struct CalendarDate: Sendable, Hashable, Comparable {
    public let year: Int
    public let month: Int
    public let day: Int

    /// The earliest representable day, 0001-01-01.
    public static let earliest = CalendarDate(uncheckedYear: 1, month: 1, day: 1)
    /// The latest representable day, 9999-12-31.
    public static let latest = CalendarDate(uncheckedYear: 9999, month: 12, day: 31)

    /// Creates a day, or nil when the month or day does not exist or the year is outside 1...9999.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= CalendarDate.daysInMonth(year: year, month: month) else { return nil }
        self.init(uncheckedYear: year, month: month, day: day)
    }

    init(uncheckedYear year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Whether `year` is a Gregorian leap year.
    public static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// The number of days of `month` (1...12) in `year`.
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }
}
