import Foundation

/// Runs `operation`, or gives up on it after `limit` with an `unavailable` error.
///
/// A query on a connection the server dropped may never return, and does not end when its
/// task is cancelled; so the operation runs in a task of its own and is raced against the
/// clock. When the clock wins the operation is left to finish or fail on its own: what it
/// holds in the database is protected by its lease and the case's row lock, never by it.
public func withDeadline<T: Sendable>(_ limit: Duration, _ what: String,
                               _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    let first = FirstResult<T>()
    return try await withCheckedThrowingContinuation { continuation in
        first.set(continuation)
        let work = WorkHandle()
        let clock = Task {
            try await Task.sleep(for: limit)
            // Given up: cancel the work too, so that a transaction still open rolls back
            // (Database.transaction checks for cancellation before committing).
            if first.resume(with: .failure(StoreError(.unavailable, "\(what) got no answer within \(limit)"))) {
                work.cancel()
            }
        }
        work.task = Task {
            let result: Result<T, any Error>
            do {
                result = .success(try await operation())
            } catch {
                result = .failure(error)
            }
            clock.cancel()
            first.resume(with: result)
        }
    }
}

/// The operation's task, cancelled when the clock wins.
private final class WorkHandle: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Task<Void, Never>?
    private var cancelled = false

    var task: Task<Void, Never>? {
        get { lock.withLock { stored } }
        set {
            let cancelNow = lock.withLock { () -> Bool in
                stored = newValue
                return cancelled
            }
            if cancelNow { newValue?.cancel() }
        }
    }

    func cancel() {
        let task = lock.withLock { () -> Task<Void, Never>? in
            cancelled = true
            return stored
        }
        task?.cancel()
    }
}

/// Resumes a continuation once, with whichever result comes first.
private final class FirstResult<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, any Error>?

    func set(_ continuation: CheckedContinuation<T, any Error>) {
        lock.withLock { self.continuation = continuation }
    }

    @discardableResult
    func resume(with result: Result<T, any Error>) -> Bool {
        let pending = lock.withLock { () -> CheckedContinuation<T, any Error>? in
            defer { continuation = nil }
            return continuation
        }
        pending?.resume(with: result)
        return pending != nil
    }
}
