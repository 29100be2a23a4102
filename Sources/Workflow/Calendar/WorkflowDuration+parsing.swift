import Foundation

extension WorkflowDuration: LosslessStringConvertible {
    static let accepted = "write a number and a unit: 45s, 30min, 12h, 10d, 2w, 3mo, 1y, 10bd, or ISO 8601 like P10D"

    /// Parses a short form (`10d`) or an ISO 8601 duration (`P10D`); nil when the text is not a duration.
    public init?(_ text: String) {
        guard let duration = try? WorkflowDuration.parse(text) else { return nil }
        self = duration
    }

    /// Parses a short form (`10d`) or an ISO 8601 duration (`P10D`), with a message when it is not one.
    public static func parse(_ text: String) throws(DurationParseError) -> WorkflowDuration {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        func failure(_ message: String) -> DurationParseError { DurationParseError(text: text, message: message) }
        guard !trimmed.isEmpty else { throw failure("the duration is empty; \(accepted)") }
        if trimmed.hasPrefix("-") {
            throw failure("'\(text)' is negative; a duration counts forward, \(accepted)")
        }
        if trimmed.hasPrefix("P") {
            if let duration = parseISO(trimmed) { return duration }
            throw failure("'\(text)' is not an ISO 8601 duration; write P, then numbers with Y, M, W, D, "
                + "then T and numbers with H, M, S, like P10D, PT45S or P1Y2M3DT4H5M6S")
        }
        let digits = trimmed.prefix { $0.isASCII && $0.isNumber }
        let unit = String(trimmed.dropFirst(digits.count))
        guard !digits.isEmpty else { throw failure("'\(text)' is not a duration; \(accepted)") }
        guard let count = Int(digits) else { throw failure("'\(text)' is too large to be a duration") }
        switch unit {
        case "s": return .seconds(count)
        case "min": return .minutes(count)
        case "h": return .hours(count)
        case "d": return .days(count)
        case "w": return .weeks(count)
        case "mo": return .months(count)
        case "y": return .years(count)
        case "bd": return .businessDays(count)
        case "m":
            throw failure("'\(text)' is ambiguous; write \(digits)min for minutes or \(digits)mo for months")
        case "":
            throw failure("'\(text)' has no unit; \(accepted)")
        default:
            throw failure("'\(text)' is not a duration; \(accepted)")
        }
    }

    /// Parses `PnYnMnWnDTnHnMnS` with at least one component, each a whole number.
    private static func parseISO(_ text: String) -> WorkflowDuration? {
        let characters = Array(text.dropFirst())  // the "P"
        var index = 0
        var values: [Character: Int] = [:]
        var inTime = false
        var order = 0
        var sawTimeComponent = false
        while index < characters.count {
            if characters[index] == "T" {
                guard !inTime else { return nil }
                inTime = true
                order = 0
                index += 1
                continue
            }
            let start = index
            while index < characters.count, characters[index].isASCII, characters[index].isNumber { index += 1 }
            guard index > start, index < characters.count,
                  let count = Int(String(characters[start..<index])) else { return nil }
            let designator = characters[index]
            index += 1
            let sequence: [Character] = inTime ? ["H", "M", "S"] : ["Y", "M", "W", "D"]
            guard let position = sequence.firstIndex(of: designator), position >= order else { return nil }
            order = position + 1
            values[inTime && designator == "M" ? "m" : designator] = count
            if inTime { sawTimeComponent = true }
        }
        guard !values.isEmpty, !inTime || sawTimeComponent else { return nil }
        return WorkflowDuration(
            years: values["Y"] ?? 0, months: values["M"] ?? 0, weeks: values["W"] ?? 0, days: values["D"] ?? 0,
            hours: values["H"] ?? 0, minutes: values["m"] ?? 0, seconds: values["S"] ?? 0)
    }
}
