import Foundation

/// Why a text is not a duration, in words a process designer can act on.
public struct DurationParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The text that was refused.
    public let text: String
    /// What is wrong and what to write instead.
    public let message: String

    public var description: String { message }
}
