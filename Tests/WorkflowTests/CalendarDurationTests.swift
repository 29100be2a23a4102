import Foundation
import Testing
@testable import Workflow

private func day(_ text: String) -> CalendarDate {
    guard let value = CalendarDate(text) else { fatalError("bad test date \(text)") }
    return value
}

private func instant(_ text: String) -> Date {
    guard let value = RFC3339.parse(text) else { fatalError("bad test instant \(text)") }
    return value
}

private let paris = BusinessCalendar.french.timeZone

@Suite("WorkflowDuration")
struct CalendarDurationTests {
    @Test("parses the short forms", arguments: [
        ("45s", WorkflowDuration.seconds(45)), ("30min", .minutes(30)), ("12h", .hours(12)), ("10d", .days(10)),
        ("2w", .weeks(2)), ("3mo", .months(3)), ("1y", .years(1)), ("10bd", .businessDays(10)), ("0d", .zero),
    ])
    func shortForms(_ text: String, _ expected: WorkflowDuration) throws {
        #expect(try WorkflowDuration.parse(text) == expected)
    }

    @Test("prints single components back in the short form", arguments: [
        "45s", "30min", "12h", "10d", "2w", "3mo", "1y", "10bd",
    ])
    func shortRoundTrip(_ text: String) throws {
        #expect(try WorkflowDuration.parse(text).description == text)
    }

    @Test("parses ISO 8601")
    func iso() throws {
        #expect(try WorkflowDuration.parse("P10D") == .days(10))
        #expect(try WorkflowDuration.parse("PT45S") == .seconds(45))
        #expect(try WorkflowDuration.parse("P2W") == .weeks(2))
        #expect(try WorkflowDuration.parse("PT30M") == .minutes(30))
        #expect(try WorkflowDuration.parse("P3M") == .months(3))
        let full = try WorkflowDuration.parse("P1Y2M3DT4H5M6S")
        let components: [Int] = [full.years, full.months, full.days, full.hours, full.minutes, full.seconds]
        #expect(components == [1, 2, 3, 4, 5, 6])
        #expect(full.description == "P1Y2M3DT4H5M6S")
        #expect(try WorkflowDuration.parse("P10D").description == "10d")
        #expect(try WorkflowDuration.parse("PT0S").description == "0s")
    }

    @Test("refuses malformed ISO 8601", arguments: ["P", "PT", "P1H", "PT1D", "P1M2Y", "P1.5D", "P1DT", "P-1D", "PD"])
    func badISO(_ text: String) {
        #expect(throws: DurationParseError.self) { try WorkflowDuration.parse(text) }
    }

    @Test("says what is accepted")
    func messages() {
        #expect(throws: DurationParseError(
            text: "10x",
            message: "'10x' is not a duration; write a number and a unit: 45s, 30min, 12h, 10d, 2w, 3mo, 1y, 10bd, "
                + "or ISO 8601 like P10D")) { try WorkflowDuration.parse("10x") }
        #expect(WorkflowDuration("10x") == nil)
        do {
            _ = try WorkflowDuration.parse("10m")
            Issue.record("10m was accepted")
        } catch {
            #expect(error.message == "'10m' is ambiguous; write 10min for minutes or 10mo for months")
        }
        do {
            _ = try WorkflowDuration.parse("-5d")
            Issue.record("-5d was accepted")
        } catch {
            #expect(error.message.contains("negative"))
        }
        #expect(WorkflowDuration("10") == nil)
        #expect(WorkflowDuration("d") == nil)
        #expect(WorkflowDuration("99999999999999999999d") == nil)
        #expect(WorkflowDuration("10 d") == nil)
    }

    @Test("moves a day by calendar months and years, clamped")
    func calendarArithmetic() throws {
        #expect(try WorkflowDuration.months(1).added(to: day("2026-01-31")) == day("2026-02-28"))
        #expect(try WorkflowDuration.months(1).added(to: day("2024-01-31")) == day("2024-02-29"))
        #expect(try WorkflowDuration.years(62).added(to: day("1964-02-29")) == day("2026-02-28"))
        #expect(try WorkflowDuration.years(4).added(to: day("2024-02-29")) == day("2028-02-29"))
        #expect(try WorkflowDuration.years(1).subtracted(from: day("2024-02-29")) == day("2023-02-28"))
        #expect(try WorkflowDuration.months(6).subtracted(from: day("2026-08-31")) == day("2026-02-28"))
        #expect(try WorkflowDuration.weeks(2).added(to: day("2026-01-31")) == day("2026-02-14"))
        #expect(try WorkflowDuration.days(1).added(to: day("2024-12-31")) == day("2025-01-01"))
        #expect(try WorkflowDuration.parse("P1M1D").added(to: day("2026-01-31")) == day("2026-03-01"))
    }

    @Test("refuses hours on a day and dates out of range")
    func dayErrors() {
        #expect(throws: DurationArithmeticError.self) { try WorkflowDuration.hours(12).added(to: day("2026-01-31")) }
        #expect(throws: DurationArithmeticError.outOfRange) {
            try WorkflowDuration.years(1).added(to: day("9999-06-01"))
        }
        #expect(throws: DurationArithmeticError.outOfRange) {
            try WorkflowDuration.days(1).subtracted(from: day("0001-01-01"))
        }
        #expect(throws: DurationArithmeticError.outOfRange) {
            try WorkflowDuration.years(Int.max).added(to: day("2026-01-01"))
        }
    }

    @Test("1d keeps the wall-clock time across the spring DST change in Paris")
    func springForward() throws {
        let before = instant("2026-03-28T12:00:00+01:00")
        let after = try WorkflowDuration.days(1).added(to: before)
        #expect(RFC3339.format(after, in: paris) == "2026-03-29T12:00:00+02:00")
        #expect(after.timeIntervalSince(before) == 23 * 3600)
        let exact = try WorkflowDuration.hours(24).added(to: before)
        #expect(RFC3339.format(exact, in: paris) == "2026-03-29T13:00:00+02:00")
    }

    @Test("1d keeps the wall-clock time across the autumn DST change in Paris")
    func fallBack() throws {
        let before = instant("2026-10-24T12:00:00+02:00")
        let after = try WorkflowDuration.days(1).added(to: before)
        #expect(RFC3339.format(after, in: paris) == "2026-10-25T12:00:00+01:00")
        #expect(after.timeIntervalSince(before) == 25 * 3600)
        #expect(try WorkflowDuration.days(1).subtracted(from: after) == before)
    }

    @Test("moves an instant by months, then days, then exact time")
    func instantArithmetic() throws {
        let start = instant("2026-01-31T10:00:00+01:00")
        #expect(RFC3339.format(try WorkflowDuration.months(1).added(to: start), in: paris)
            == "2026-02-28T10:00:00+01:00")
        #expect(RFC3339.format(try WorkflowDuration.parse("P1M1DT1H").added(to: start), in: paris)
            == "2026-03-01T11:00:00+01:00")
        #expect(try WorkflowDuration.minutes(30).added(to: start) == start.addingTimeInterval(1800))
        #expect(try WorkflowDuration.seconds(45).subtracted(from: start) == start.addingTimeInterval(-45))
    }

    @Test("moves an instant by business days at the same time of day")
    func instantBusinessDays() throws {
        let friday = instant("2026-04-03T16:00:00+02:00")
        #expect(RFC3339.format(try WorkflowDuration.businessDays(1).added(to: friday), in: paris)
            == "2026-04-07T16:00:00+02:00")
    }

    @Test("round-trips through Codable as text")
    func codable() throws {
        let data = try JSONEncoder().encode([WorkflowDuration.businessDays(10)])
        #expect(String(decoding: data, as: UTF8.self) == "[\"10bd\"]")
        #expect(try JSONDecoder().decode([WorkflowDuration].self, from: Data("[\"P2W\"]".utf8)) == [.weeks(2)])
    }
}
