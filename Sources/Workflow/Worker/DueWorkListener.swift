import Foundation
import Logging
import PostgresNIO

/// Listens on `parcours_due` on a connection of its own and wakes the claim loops whenever
/// work becomes due soon. Losing it costs only latency (the loops also poll), so it never
/// fails the worker: a dropped connection is logged, counted and opened again with backoff,
/// and every reconnection wakes the loops, since notifications may have been missed meanwhile.
struct DueWorkListener: Sendable {
    static let channel = "parcours_due"

    let url: DatabaseURL
    let wakeUps: WakeUps
    let metrics: WorkerMetrics
    let maxDelay: Duration
    let logger: Logger

    /// Runs until the task is cancelled.
    func run() async {
        var failures = 0
        while !Task.isCancelled {
            do {
                let connection = try await PostgresConnection.connect(
                    configuration: try url.connectionConfiguration(), id: 1, logger: logger)
                failures = 0
                await withTaskCancellationHandler {
                    do {
                        try await connection.listen(on: Self.channel) { notifications in
                            logger.debug("listening for due work", metadata: ["channel": "\(Self.channel)"])
                            wakeUps.signalAll()
                            for try await _ in notifications {
                                metrics.notifications.increment()
                                wakeUps.signalAll()
                            }
                        }
                    } catch {
                        if !Task.isCancelled {
                            logger.warning("the notification connection dropped; polling until it is back",
                                           metadata: ["error": "\(Database.describe(error))"])
                        }
                    }
                } onCancel: {
                    connection.close().whenComplete { _ in }
                }
                try? await connection.close().get()
            } catch {
                failures += 1
                metrics.databaseErrors.increment()
                logger.warning("cannot open the notification connection; polling meanwhile",
                               metadata: ["error": "\(Database.describe(error))", "tries": "\(failures)"])
            }
            guard !Task.isCancelled else { return }
            try? await Task.sleep(for: Backoff.delay(after: max(failures, 1), max: maxDelay))
        }
    }
}

/// Exponential backoff with jitter for reconnecting: 0.5 s, 1 s, 2 s… up to `max`.
enum Backoff {
    static func delay(after failures: Int, max limit: Duration) -> Duration {
        let base = min(0.5 * pow(2, Double(min(failures - 1, 20))), limit.seconds)
        return .milliseconds(Int64(base * Double.random(in: 0.8...1.2) * 1000))
    }
}
