import Foundation

extension WorkflowDuration: CustomStringConvertible {
    /// The short form (`10d`, `3mo`, `10bd`) when the duration has one component, `0s` when it is
    /// zero, and ISO 8601 (`P1Y2M3DT4H5M6S`) when it combines several; each parses back to `self`.
    public var description: String {
        let short: [(Int, String)] = [
            (years, "y"), (months, "mo"), (weeks, "w"), (days, "d"), (businessDays, "bd"),
            (hours, "h"), (minutes, "min"), (seconds, "s"),
        ].filter { $0.0 != 0 }
        if short.isEmpty { return "0s" }
        if short.count == 1 { return "\(short[0].0)\(short[0].1)" }
        var text = "P"
        for (value, designator) in [(years, "Y"), (months, "M"), (weeks, "W"), (days, "D")] where value != 0 {
            text += "\(value)\(designator)"
        }
        if hasTimeOfDay {
            text += "T"
            for (value, designator) in [(hours, "H"), (minutes, "M"), (seconds, "S")] where value != 0 {
                text += "\(value)\(designator)"
            }
        }
        return text
    }
}

extension WorkflowDuration: Codable {
    /// Decodes from its text form (`"10d"`, `"P10D"`).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try WorkflowDuration.parse(text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
        }
    }

    /// Encodes as its text form.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
