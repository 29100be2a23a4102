import Foundation

/// Why a value could not be written at a dotted path.
public struct JSONPathError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The path that was refused.
    public let path: String
    /// What is wrong.
    public let message: String

    public var description: String { message }
}
