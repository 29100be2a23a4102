import Foundation

/// A signal a claim loop sleeps on: a notification, a release or a shutdown wakes it before
/// its timeout. A signal sent while nobody waits is kept for the next wait, never lost.
final class WakeUp: @unchecked Sendable {
    private let lock = NSLock()
    private var pending = false
    private var waiter: (id: UInt64, continuation: CheckedContinuation<Void, Never>)?
    private var nextID: UInt64 = 0

    /// Wakes the waiter, or the next one to wait.
    func signal() {
        let continuation = lock.withLock { () -> CheckedContinuation<Void, Never>? in
            guard let waiter else {
                pending = true
                return nil
            }
            self.waiter = nil
            return waiter.continuation
        }
        continuation?.resume()
    }

    /// Sleeps until a signal or until `timeout` has passed, whichever comes first.
    func wait(atMost timeout: Duration) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let id = lock.withLock { () -> UInt64? in
                if pending {
                    pending = false
                    return nil
                }
                nextID += 1
                waiter = (nextID, continuation)
                return nextID
            }
            guard let id else {
                continuation.resume()
                return
            }
            Task {
                try? await Task.sleep(for: timeout)
                self.timeOut(id)
            }
        }
    }

    private func timeOut(_ id: UInt64) {
        let continuation = lock.withLock { () -> CheckedContinuation<Void, Never>? in
            guard let waiter, waiter.id == id else { return nil }
            self.waiter = nil
            return waiter.continuation
        }
        continuation?.resume()
    }
}

/// Wakes every claim loop of a process at once.
final class WakeUps: Sendable {
    let loops: [WakeUp]

    init(count: Int) {
        loops = (0..<max(1, count)).map { _ in WakeUp() }
    }

    func signalAll() {
        for loop in loops { loop.signal() }
    }
}
