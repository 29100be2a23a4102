import Foundation

/// Why a text is not JSON, and where: `offset` counts UTF-8 bytes from the start.
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public let message: String
    /// The UTF-8 byte offset of the problem.
    public let offset: Int

    public var description: String { "\(message) (at byte \(offset))" }
}
