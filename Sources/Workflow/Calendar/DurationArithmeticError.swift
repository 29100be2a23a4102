import Foundation

/// Why a duration could not be added to or subtracted from a date.
public struct DurationArithmeticError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, for the person who reads the escalation.
    public let message: String

    public var description: String { message }

    static let outOfRange = DurationArithmeticError(
        message: "the resulting date is outside the calendar (years 1 to 9999)")
}
