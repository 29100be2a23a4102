import Foundation
import Logging
import Synchronization

/// Counts the statements a `Database` runs, by the `BindComplete` message PostgreSQL answers
/// each execution with (PostgresNIO logs every backend message at trace level on the client's
/// background logger). Preparing a statement on a connection binds nothing, so the one-time
/// preparation of a prepared statement is not counted; nothing else is logged.
final class StatementCounter: Sendable {
    private let count = Mutex(0)

    var statements: Int { count.withLock { $0 } }

    /// A logger for `Database.connect` that feeds this counter.
    var logger: Logger {
        var logger = Logger(label: "parcours.tests.statements") { _ in Handler(counter: self) }
        logger.logLevel = .trace
        return logger
    }

    /// The statements `body` sends.
    func statements(of body: () async throws -> Void) async rethrows -> Int {
        let before = statements
        try await body()
        return statements - before
    }

    private struct Handler: LogHandler {
        let counter: StatementCounter
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            guard event.message.description == "Backend message received",
                  let value = event.metadata?.first(where: { $0.key.hasSuffix("message") })?.value,
                  "\(value)".lowercased().contains("bindcomplete") else { return }
            counter.count.withLock { $0 += 1 }
        }
    }
}
