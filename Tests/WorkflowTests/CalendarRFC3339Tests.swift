import Foundation
import Testing
@testable import Workflow

@Suite("RFC3339")
struct CalendarRFC3339Tests {
    @Test("parses offsets, Z and fractions")
    func parse() throws {
        let utc = try #require(RFC3339.parse("2026-01-31T09:30:00Z"))
        #expect(utc.timeIntervalSince1970 == 1_769_851_800)
        #expect(RFC3339.parse("2026-01-31T10:30:00+01:00") == utc)
        #expect(RFC3339.parse("2026-01-31t09:30:00z") == utc)
        #expect(RFC3339.parse("2026-01-31 04:30:00-05:00") == utc)
        #expect(RFC3339.parse("2026-01-31T09:30:00.250Z") == utc.addingTimeInterval(0.25))
    }

    @Test("refuses what is not RFC 3339", arguments: [
        "2026-01-31", "2026-01-31T09:30Z", "2026-01-31T25:00:00Z", "2026-02-30T00:00:00Z",
        "2026-01-31T09:30:00", "2026-01-31T09:30:00+0100", "2026-01-31T09:30:00.Z", "2026-01-31T09:30:00Zx",
    ])
    func refuses(_ text: String) {
        #expect(RFC3339.parse(text) == nil)
    }

    @Test("formats with the zone's offset, milliseconds only when present")
    func format() throws {
        let instant = try #require(RFC3339.parse("2026-07-14T08:00:00Z"))
        #expect(RFC3339.format(instant, in: BusinessCalendar.paris) == "2026-07-14T10:00:00+02:00")
        #expect(RFC3339.format(instant, in: TimeZone(identifier: "UTC")!) == "2026-07-14T08:00:00Z")
        #expect(RFC3339.format(instant.addingTimeInterval(0.5), in: TimeZone(identifier: "America/New_York")!)
            == "2026-07-14T04:00:00.500-04:00")
    }
}
