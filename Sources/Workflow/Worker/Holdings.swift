import Foundation

/// The timers this process is working on: the heartbeat extends their leases, and a
/// graceful shutdown gives back whatever is still held.
final class Holdings: @unchecked Sendable {
    private let lock = NSLock()
    private var ids: Set<UUID> = []

    func add(_ timers: [ClaimedTimer]) {
        lock.withLock { ids.formUnion(timers.map(\.id)) }
    }

    func remove(_ timers: [ClaimedTimer]) {
        lock.withLock { ids.subtract(timers.map(\.id)) }
    }

    var current: [UUID] {
        lock.withLock { Array(ids) }
    }
}
