import Foundation
import Testing
@testable import Workflow

private func day(_ text: String) -> CalendarDate {
    guard let value = CalendarDate(text) else { fatalError("bad test date \(text)") }
    return value
}

@Suite("BusinessCalendar")
struct CalendarBusinessDayTests {
    let french = BusinessCalendar.french

    @Test("computes Easter Sunday by the anonymous Gregorian algorithm", arguments: [
        (2000, "2000-04-23"), (2019, "2019-04-21"), (2024, "2024-03-31"), (2025, "2025-04-20"),
        (2026, "2026-04-05"), (2038, "2038-04-25"), (1818, "1818-03-22"),
    ])
    func easter(_ year: Int, _ expected: String) {
        #expect(BusinessCalendar.easterSunday(year: year) == day(expected))
    }

    @Test("lists the eleven French public holidays of 2026")
    func holidays2026() {
        let expected: Set<CalendarDate> = Set([
            "2026-01-01", "2026-04-06", "2026-05-01", "2026-05-08", "2026-05-14", "2026-05-25",
            "2026-07-14", "2026-08-15", "2026-11-01", "2026-11-11", "2026-12-25",
        ].map(day))
        #expect(BusinessCalendar.frenchHolidays(in: 2026) == expected)
        #expect(!french.isBusinessDay(day("2026-04-06")))
        #expect(!french.isBusinessDay(day("2026-05-14")))
        #expect(!french.isBusinessDay(day("2026-05-25")))
        #expect(!french.isBusinessDay(day("2026-07-14")))
        #expect(!french.isBusinessDay(day("2026-04-04")))  // Saturday
        #expect(!french.isBusinessDay(day("2026-04-05")))  // Sunday
        #expect(french.isBusinessDay(day("2026-04-07")))
        #expect(french.isBusinessDay(day("2026-05-26")))
    }

    @Test("counts business days over holidays and weekends", arguments: [
        ("2026-04-03", 1, "2026-04-07"),  // Friday, weekend, Easter Monday
        ("2026-05-13", 1, "2026-05-15"),  // Ascension Thursday
        ("2026-05-22", 1, "2026-05-26"),  // weekend, Whit Monday
        ("2026-07-13", 1, "2026-07-15"),  // 14 July
        ("2026-04-30", 1, "2026-05-04"),  // 1 May is a Friday
        ("2026-01-09", 1, "2026-01-12"),  // plain weekend
        ("2026-04-04", 1, "2026-04-07"),  // from a Saturday
        ("2026-04-04", 0, "2026-04-04"),  // zero leaves the day
        ("2026-04-01", 10, "2026-04-16"),
        ("2026-04-07", -1, "2026-04-03"),
        ("2026-05-26", -2, "2026-05-21"),
    ])
    func businessDays(_ start: String, _ count: Int, _ expected: String) {
        #expect(french.adding(businessDays: count, to: day(start)) == day(expected))
    }

    @Test("10bd as a duration uses the calendar")
    func durationBusinessDays() throws {
        #expect(try WorkflowDuration.businessDays(10).added(to: day("2026-04-01"), in: french) == day("2026-04-16"))
        #expect(try WorkflowDuration.businessDays(1).subtracted(from: day("2026-05-15"), in: french)
            == day("2026-05-13"))
    }

    @Test("a deployment's own list replaces the French rule")
    func customList() {
        let custom = BusinessCalendar(timeZone: BusinessCalendar.paris, holidays: .dates([day("2026-05-13")]))
        #expect(!custom.isBusinessDay(day("2026-05-13")))
        #expect(custom.isBusinessDay(day("2026-05-14")))  // Ascension is not in the list
        #expect(custom.isBusinessDay(day("2026-04-06")))
        #expect(!custom.isBusinessDay(day("2026-05-16")))  // still a Saturday
        #expect(custom.adding(businessDays: 1, to: day("2026-05-12")) == day("2026-05-14"))
    }

    @Test("defaults to Europe/Paris")
    func defaults() {
        #expect(BusinessCalendar.french.timeZone.identifier == "Europe/Paris")
        #expect(BusinessCalendar().holidays == .french)
    }
}

@Suite("The deployment's calendar from its environment")
struct DeploymentCalendarTests {
    @Test("PARCOURS_TIME_ZONE and PARCOURS_HOLIDAYS_FILE replace Paris and the French holidays; mistakes are told")
    func fromEnvironment() throws {
        #expect(try BusinessCalendar.deployment(environment: [:]) == .french)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("holidays-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: file) }
        try "# Alsace-Moselle 2026\n2026-04-03  # Vendredi saint\n\n2026-12-26\n".write(to: file, atomically: true, encoding: .utf8)
        let calendar = try BusinessCalendar.deployment(environment: ["PARCOURS_TIME_ZONE": "America/Cayenne", "PARCOURS_HOLIDAYS_FILE": file.path])
        #expect(calendar.timeZone.identifier == "America/Cayenne")
        #expect(calendar.isHoliday(CalendarDate("2026-04-03")!) && !calendar.isHoliday(CalendarDate("2026-07-14")!), "exactly the listed days")
        #expect(throws: DeploymentCalendarError.self) { try BusinessCalendar.deployment(environment: ["PARCOURS_TIME_ZONE": "Europe/Parsi"]) }
        try "2026-13-01\n".write(to: file, atomically: true, encoding: .utf8)
        #expect(throws: DeploymentCalendarError.self) { try BusinessCalendar.deployment(environment: ["PARCOURS_HOLIDAYS_FILE": file.path]) }
    }
}
