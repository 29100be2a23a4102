import Foundation

/// The deployment's calendar: the time zone for `today()`, `now()` and calendar-day arithmetic,
/// and the public holidays that business days (`10bd`) skip besides Saturdays and Sundays.
public struct BusinessCalendar: Sendable, Hashable {
    /// Which days are public holidays.
    public enum HolidayRule: Sendable, Hashable {
        /// The French public holidays (see `BusinessCalendar.frenchHolidays(in:)`).
        case french
        /// Exactly these days, as a deployment configures them; no rule is applied besides.
        case dates(Set<CalendarDate>)
    }

    /// Europe/Paris, the default deployment time zone.
    public static let paris: TimeZone = TimeZone(identifier: "Europe/Paris") ?? TimeZone(secondsFromGMT: 3600)!

    /// Europe/Paris with the French public holidays: the default of a deployment.
    public static let french = BusinessCalendar()

    public var timeZone: TimeZone
    public var holidays: HolidayRule

    /// Creates a calendar; by default Europe/Paris with the French public holidays.
    public init(timeZone: TimeZone = BusinessCalendar.paris, holidays: HolidayRule = .french) {
        self.timeZone = timeZone
        self.holidays = holidays
    }

    /// Whether `day` is a public holiday under this calendar's rule.
    public func isHoliday(_ day: CalendarDate) -> Bool {
        switch holidays {
        case .french: return BusinessCalendar.frenchHolidays(in: day.year).contains(day)
        case .dates(let days): return days.contains(day)
        }
    }

    /// Whether `day` is a business day: Monday to Friday and not a public holiday.
    public func isBusinessDay(_ day: CalendarDate) -> Bool {
        !day.isWeekend && !isHoliday(day)
    }

    /// The day `count` business days after `day` (before it when negative), or nil out of range.
    ///
    /// Each step moves to the next business day, so Saturday + 1bd is Monday and
    /// Friday + 1bd is Monday (or Tuesday after an Easter Monday); `0` leaves the day as it is.
    public func adding(businessDays count: Int, to day: CalendarDate) -> CalendarDate? {
        let step = count < 0 ? -1 : 1
        var remaining = count.magnitude
        var current = day
        while remaining > 0 {
            guard let next = current.adding(days: step) else { return nil }
            current = next
            if isBusinessDay(current) { remaining -= 1 }
        }
        return current
    }
}
