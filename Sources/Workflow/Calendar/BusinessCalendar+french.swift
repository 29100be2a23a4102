import Foundation

extension BusinessCalendar {
    /// Easter Sunday of `year` by the anonymous Gregorian algorithm (Meeus/Jones/Butcher).
    public static func easterSunday(year: Int) -> CalendarDate {
        let a = year % 19
        let b = year / 100
        let c = year % 100
        let d = b / 4
        let e = b % 4
        let f = (b + 8) / 25
        let g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4
        let k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = (h + l - 7 * m + 114) % 31 + 1
        return CalendarDate(uncheckedYear: year, month: month, day: day)
    }

    /// The eleven French public holidays of `year`: 1 Jan, Easter Monday, 1 May, 8 May,
    /// Ascension Thursday, Whit Monday, 14 Jul, 15 Aug, 1 Nov, 11 Nov and 25 Dec.
    public static func frenchHolidays(in year: Int) -> Set<CalendarDate> {
        guard (1...9999).contains(year) else { return [] }
        let easter = easterSunday(year: year)
        let fixed = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)]
        var days = Set(fixed.map { CalendarDate(uncheckedYear: year, month: $0.0, day: $0.1) })
        for offset in [1, 39, 50] {  // Easter Monday, Ascension Thursday, Whit Monday
            if let day = easter.adding(days: offset) { days.insert(day) }
        }
        return days
    }
}
