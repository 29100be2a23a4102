import Foundation

/// A length of time as a process designer writes it: `45s`, `30min`, `12h`, `10d`, `2w`,
/// `3mo`, `1y`, `10bd`, or ISO 8601 (`P10D`, `PT45S`, `P1Y2M3DT4H5M6S`, `P2W`).
///
/// Components are kept apart because they do not convert into each other: a month is
/// calendar arithmetic, a day is a calendar day in the deployment's time zone (23 or 25
/// hours across a daylight-saving change), hours, minutes and seconds are exact, and
/// business days depend on the holidays of a `BusinessCalendar`. Durations are never negative.
public struct WorkflowDuration: Sendable, Hashable {
    public let years: Int
    public let months: Int
    public let weeks: Int
    public let days: Int
    public let businessDays: Int
    public let hours: Int
    public let minutes: Int
    public let seconds: Int

    init(years: Int = 0, months: Int = 0, weeks: Int = 0, days: Int = 0, businessDays: Int = 0,
         hours: Int = 0, minutes: Int = 0, seconds: Int = 0) {
        precondition([years, months, weeks, days, businessDays, hours, minutes, seconds].allSatisfy { $0 >= 0 },
                     "a duration is never negative")
        self.years = years
        self.months = months
        self.weeks = weeks
        self.days = days
        self.businessDays = businessDays
        self.hours = hours
        self.minutes = minutes
        self.seconds = seconds
    }

    /// The zero duration.
    public static let zero = WorkflowDuration()

    /// `count` seconds (`45s`); `count` must not be negative.
    public static func seconds(_ count: Int) -> WorkflowDuration { WorkflowDuration(seconds: count) }
    /// `count` minutes (`30min`).
    public static func minutes(_ count: Int) -> WorkflowDuration { WorkflowDuration(minutes: count) }
    /// `count` hours (`12h`).
    public static func hours(_ count: Int) -> WorkflowDuration { WorkflowDuration(hours: count) }
    /// `count` calendar days (`10d`).
    public static func days(_ count: Int) -> WorkflowDuration { WorkflowDuration(days: count) }
    /// `count` weeks of seven calendar days (`2w`).
    public static func weeks(_ count: Int) -> WorkflowDuration { WorkflowDuration(weeks: count) }
    /// `count` calendar months (`3mo`).
    public static func months(_ count: Int) -> WorkflowDuration { WorkflowDuration(months: count) }
    /// `count` calendar years (`1y`).
    public static func years(_ count: Int) -> WorkflowDuration { WorkflowDuration(years: count) }
    /// `count` business days (`10bd`).
    public static func businessDays(_ count: Int) -> WorkflowDuration { WorkflowDuration(businessDays: count) }

    /// Whether every component is zero.
    public var isZero: Bool { self == .zero }

    /// Whether the duration has hours, minutes or seconds, which a `CalendarDate` cannot take.
    public var hasTimeOfDay: Bool { hours != 0 || minutes != 0 || seconds != 0 }
}
