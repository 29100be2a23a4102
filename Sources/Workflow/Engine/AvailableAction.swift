import Foundation

/// An action a given actor may fire now, and the track it must name (nil: none needed).
public struct AvailableAction: Sendable, Hashable {
    public var action: String
    public var track: String?
}
