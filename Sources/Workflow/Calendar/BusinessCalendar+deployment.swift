import Foundation

extension BusinessCalendar {
    /// The deployment's calendar, from its environment: `PARCOURS_TIME_ZONE` (an IANA name,
    /// default Europe/Paris) and `PARCOURS_HOLIDAYS_FILE` (one `YYYY-MM-DD` a line, `#`
    /// comments allowed; when given, exactly those days are public holidays instead of the
    /// French rule, as for Alsace-Moselle or an overseas department). Every process of a
    /// deployment (server, workers, command line) reads the same, so that deadlines, legal
    /// clocks and `today()` agree.
    public static func deployment(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> BusinessCalendar {
        var calendar = BusinessCalendar.french
        if let name = environment["PARCOURS_TIME_ZONE"], !name.isEmpty {
            guard let zone = TimeZone(identifier: name) else {
                throw DeploymentCalendarError(message: "PARCOURS_TIME_ZONE is '\(name)', which is not a time zone name such as Europe/Paris or America/Cayenne")
            }
            calendar.timeZone = zone
        }
        if let path = environment["PARCOURS_HOLIDAYS_FILE"], !path.isEmpty {
            let text: String
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw DeploymentCalendarError(message: "PARCOURS_HOLIDAYS_FILE: cannot read \(path): \(error.localizedDescription)")
            }
            var days: Set<CalendarDate> = []
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)?
                    .trimmingCharacters(in: .whitespaces) ?? ""
                guard !content.isEmpty else { continue }
                guard let day = CalendarDate(content) else {
                    throw DeploymentCalendarError(message: "\(path):\(number + 1): '\(content)' is not a date such as 2026-12-26")
                }
                days.insert(day)
            }
            calendar.holidays = .dates(days)
        }
        return calendar
    }
}

public struct DeploymentCalendarError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
