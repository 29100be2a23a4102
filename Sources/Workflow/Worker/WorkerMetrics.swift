import CoreMetrics
import Foundation

/// The worker's counters and timers (swift-metrics): whatever backend the process bootstraps
/// (Prometheus in `serve`) exports them; tests pass a factory of their own.
final class WorkerMetrics: Sendable {
    let factory: any MetricsFactory
    let claimed: Counter
    let skipped: Counter
    let retries: Counter
    let batchFailures: Counter
    let databaseErrors: Counter
    let orphans: Counter
    let notifications: Counter
    /// From a timer's due time to its application, by the database's clock.
    let lag: CoreMetrics.Timer
    let batchDuration: CoreMetrics.Timer

    init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
        claimed = Counter(label: "parcours_worker_timers_claimed_total", factory: factory)
        skipped = Counter(label: "parcours_worker_timers_skipped_total", factory: factory)
        retries = Counter(label: "parcours_worker_retries_total", factory: factory)
        batchFailures = Counter(label: "parcours_worker_batch_failures_total", factory: factory)
        databaseErrors = Counter(label: "parcours_worker_database_errors_total", factory: factory)
        orphans = Counter(label: "parcours_worker_orphans_total", factory: factory)
        notifications = Counter(label: "parcours_worker_notifications_total", factory: factory)
        lag = CoreMetrics.Timer(label: "parcours_worker_lag_seconds", preferredDisplayUnit: .seconds, factory: factory)
        batchDuration = CoreMetrics.Timer(label: "parcours_worker_batch_duration_seconds", preferredDisplayUnit: .seconds,
                                          factory: factory)
    }

    /// A timer applied, by kind.
    func applied(_ kind: TimerKind) {
        Counter(label: "parcours_worker_timers_applied_total", dimensions: [("kind", kind.rawValue)], factory: factory)
            .increment()
    }

    /// An escalation the worker caused, by reason.
    func escalated(_ reason: String) {
        Counter(label: "parcours_worker_escalations_total", dimensions: [("reason", reason)], factory: factory).increment()
    }
}
