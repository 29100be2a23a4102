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
        let clock = Task {
            try await Task.sleep(for: limit)
            first.resume(with: .failure(StoreError(.unavailable, "\(what) got no answer within \(limit)")))
        }
        Task {
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
