import Foundation

extension WorkflowDuration {
    /// `date` moved forward by this duration: years and months by the calendar (clamped to the
    /// month's end), weeks and days as calendar days at the same wall-clock time in the calendar's
    /// time zone, business days skipping weekends and holidays, then hours, minutes and seconds exactly.
    public func added(to date: Date, in calendar: BusinessCalendar = .french) throws(DurationArithmeticError) -> Date {
        try apply(direction: 1, to: date, in: calendar)
    }

    /// `date` moved back by this duration, component by component as in `added(to:in:)`.
    public func subtracted(from date: Date, in calendar: BusinessCalendar = .french) throws(DurationArithmeticError)
        -> Date
    {
        try apply(direction: -1, to: date, in: calendar)
    }

    /// `day` moved forward by this duration; hours, minutes and seconds are refused, a day has no time.
    public func added(to day: CalendarDate, in calendar: BusinessCalendar = .french)
        throws(DurationArithmeticError) -> CalendarDate
    {
        try apply(direction: 1, to: day, in: calendar)
    }

    /// `day` moved back by this duration; hours, minutes and seconds are refused, a day has no time.
    public func subtracted(from day: CalendarDate, in calendar: BusinessCalendar = .french)
        throws(DurationArithmeticError) -> CalendarDate
    {
        try apply(direction: -1, to: day, in: calendar)
    }

    private func apply(direction: Int, to day: CalendarDate, in calendar: BusinessCalendar)
        throws(DurationArithmeticError) -> CalendarDate
    {
        guard !hasTimeOfDay else {
            throw DurationArithmeticError(
                message: "a date has no time of day, so '\(self)' cannot move it; use days (d, w, bd), months or years")
        }
        return try moveDay(day, direction: direction, in: calendar)
    }

    private func moveDay(_ day: CalendarDate, direction: Int, in calendar: BusinessCalendar)
        throws(DurationArithmeticError) -> CalendarDate
    {
        let (yearMonths, overflowYears) = years.multipliedReportingOverflow(by: 12)
        let (weekDays, overflowWeeks) = weeks.multipliedReportingOverflow(by: 7)
        guard !overflowYears, !overflowWeeks, yearMonths <= Int.max - months, weekDays <= Int.max - days,
              let monthsMoved = day.adding(months: direction * (yearMonths + months)),
              let daysMoved = monthsMoved.adding(days: direction * (weekDays + days)),
              businessDays <= 4_000_000,
              let result = calendar.adding(businessDays: direction * businessDays, to: daysMoved)
        else { throw .outOfRange }
        return result
    }

    private func apply(direction: Int, to date: Date, in calendar: BusinessCalendar)
        throws(DurationArithmeticError) -> Date
    {
        var moved = date
        if years != 0 || months != 0 || weeks != 0 || days != 0 || businessDays != 0 {
            var gregorian = Calendar(identifier: .gregorian)
            gregorian.timeZone = calendar.timeZone
            guard let day = CalendarDate(date, in: calendar.timeZone) else { throw .outOfRange }
            let target = try moveDay(day, direction: direction, in: calendar)
            var components = gregorian.dateComponents([.hour, .minute, .second, .nanosecond], from: date)
            components.year = target.year
            components.month = target.month
            components.day = target.day
            guard let rebuilt = gregorian.date(from: components) else { throw .outOfRange }
            moved = rebuilt
        }
        let (hourSeconds, overflowHours) = hours.multipliedReportingOverflow(by: 3600)
        let (minuteSeconds, overflowMinutes) = minutes.multipliedReportingOverflow(by: 60)
        guard !overflowHours, !overflowMinutes else { throw .outOfRange }
        let exact = Double(hourSeconds) + Double(minuteSeconds) + Double(seconds)
        moved = moved.addingTimeInterval(Double(direction) * exact)
        guard CalendarDate(moved, in: calendar.timeZone) != nil else { throw .outOfRange }
        return moved
    }
}
