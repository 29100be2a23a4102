import Foundation
import Testing
@testable import Workflow

private func day(_ text: String) -> CalendarDate {
    guard let value = CalendarDate(text) else { fatalError("bad test date \(text)") }
    return value
}

@Suite("CalendarDate")
struct CalendarDateTests {
    @Test("parses and prints YYYY-MM-DD")
    func parseAndFormat() {
        #expect(CalendarDate("2026-01-31") == CalendarDate(year: 2026, month: 1, day: 31))
        #expect(CalendarDate("0001-01-01")?.description == "0001-01-01")
        #expect(day("2026-01-31").description == "2026-01-31")
    }

    @Test("refuses what is not a day", arguments: [
        "2026-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "26-01-31", "2026-1-31", "2026/01/31",
        "2026-01-31T00:00", "0000-01-01", "", "2026-01-3a",
    ])
    func refusesInvalid(_ text: String) {
        #expect(CalendarDate(text) == nil)
    }

    @Test("accepts 29 February only in leap years")
    func leapDays() {
        #expect(CalendarDate("2024-02-29") != nil)
        #expect(CalendarDate("2000-02-29") != nil)
        #expect(CalendarDate("1900-02-29") == nil)
        #expect(CalendarDate("2100-02-29") == nil)
    }

    @Test("orders by year, month, day")
    func comparable() {
        #expect(day("2025-12-31") < day("2026-01-01"))
        #expect(day("2026-01-09") < day("2026-01-10"))
        #expect(!(day("2026-02-01") < day("2026-01-31")))
    }

    @Test("counts days since 1970 both ways")
    func epochDays() {
        #expect(day("1970-01-01").daysSinceEpoch == 0)
        #expect(day("2000-03-01").daysSinceEpoch == 11017)
        #expect(day("1969-12-31").daysSinceEpoch == -1)
        for offset in stride(from: -719_162, through: 2_932_896, by: 997) {
            #expect(CalendarDate(daysSinceEpoch: offset)?.daysSinceEpoch == offset)
        }
        #expect(CalendarDate(daysSinceEpoch: CalendarDate.latest.daysSinceEpoch + 1) == nil)
        #expect(CalendarDate(daysSinceEpoch: CalendarDate.earliest.daysSinceEpoch - 1) == nil)
    }

    @Test("knows the weekday")
    func weekday() {
        #expect(day("2026-04-06").weekday == 1)  // Easter Monday
        #expect(day("2026-07-14").weekday == 2)
        #expect(day("2026-04-04").weekday == 6)
        #expect(day("2026-04-05").weekday == 7)
        #expect(day("1970-01-01").weekday == 4)
    }

    @Test("adds months clamped to the end of the month")
    func months() {
        #expect(day("2026-01-31").adding(months: 1) == day("2026-02-28"))
        #expect(day("2024-01-31").adding(months: 1) == day("2024-02-29"))
        #expect(day("2026-03-31").adding(months: -1) == day("2026-02-28"))
        #expect(day("2026-11-15").adding(months: 3) == day("2027-02-15"))
        #expect(day("2026-01-15").adding(months: -13) == day("2024-12-15"))
        #expect(day("9999-12-01").adding(months: 1) == nil)
    }

    @Test("converts to and from an instant in a time zone")
    func instants() throws {
        let paris = BusinessCalendar.paris
        let midnight = day("2026-07-14").startOfDay(in: paris)
        #expect(RFC3339.format(midnight, in: paris) == "2026-07-14T00:00:00+02:00")
        #expect(CalendarDate(midnight, in: paris) == day("2026-07-14"))
        // 23:30 UTC on 13 July is already 14 July in Paris.
        let late = try #require(RFC3339.parse("2026-07-13T23:30:00Z"))
        #expect(CalendarDate(late, in: paris) == day("2026-07-14"))
        #expect(CalendarDate(late, in: TimeZone(identifier: "UTC")!) == day("2026-07-13"))
    }

    @Test("round-trips through Codable as a string")
    func codable() throws {
        let data = try JSONEncoder().encode([day("2026-01-31")])
        #expect(String(decoding: data, as: UTF8.self) == "[\"2026-01-31\"]")
        #expect(try JSONDecoder().decode([CalendarDate].self, from: data) == [day("2026-01-31")])
    }
}
