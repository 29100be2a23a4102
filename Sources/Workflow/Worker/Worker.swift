import AsyncHTTPClient
import CoreMetrics
import Foundation
import Logging
import ServiceLifecycle

/// The worker: claims due timers in batches under a lease and applies them through the
/// engine, wakes on LISTEN/NOTIFY with a jittered poll as fallback, sweeps for cases without
/// an owner, delivers webhooks, and beats in the workers table. Run it in a `ServiceGroup`: on SIGTERM or SIGINT
/// it finishes the batch in hand, gives back what it still holds and says it stopped.
public final class Worker: Service, Sendable {
    let database: Database
    let store: CaseStore
    let queue: TimerQueue
    let registry: WorkerRegistry
    let settings: WorkerSettings
    let logger: Logger
    let metrics: WorkerMetrics
    let wakeUps: WakeUps
    let holdings = Holdings()
    let stopping = StopFlag()
    let webhookKey: SecretsKeySource
    let webhookMetrics: WebhookMetrics

    public init(database: Database, catalog: WorkflowCatalog, settings: WorkerSettings,
                calendar: BusinessCalendar = .french, logger: Logger? = nil, metricsFactory: (any MetricsFactory)? = nil) {
        self.database = database
        self.settings = settings
        store = CaseStore(database, catalog: catalog, calendar: calendar, retryPolicy: settings.retry)
        queue = TimerQueue(database)
        registry = WorkerRegistry(database)
        var logger = logger ?? Logger(label: "parcours.worker")
        logger[metadataKey: "worker"] = "\(settings.workerID)"
        self.logger = logger
        metrics = WorkerMetrics(factory: metricsFactory ?? MetricsSystem.factory)
        wakeUps = WakeUps(count: settings.concurrency)
        webhookKey = SecretsKeySource(file: settings.webhooks.secretsKeyFile)
        webhookMetrics = WebhookMetrics(factory: metricsFactory ?? MetricsSystem.factory)
    }

    public func run() async throws {
        try await registry.register(settings.workerID, host: ProcessInfo.processInfo.hostName,
                                    pid: Int(ProcessInfo.processInfo.processIdentifier), settings: settings.recorded)
        logger.info("worker started", metadata: [
            "batch_size": "\(settings.batchSize)", "lease": "\(settings.lease)", "poll": "\(settings.pollInterval)",
            "concurrency": "\(settings.concurrency)",
        ])
        // Redirects are never followed: a receiver must not send a delivery to an address
        // the deployment did not allow.
        let httpClient = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup,
                                    configuration: .init(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5))))
        let webhooks = WebhookDeliverer(database: database, catalog: store.catalog, client: httpClient, settings: settings.webhooks,
                                        key: webhookKey, workerID: settings.workerID, lease: settings.lease, logger: logger,
                                        metrics: webhookMetrics)
        // A cancelled service group (rather than a graceful shutdown) stops the loops too.
        await withTaskCancellationHandler {
          await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.listener.run() }
                group.addTask { await self.beat() }
                group.addTask { await self.sweepPeriodically() }
                group.addTask { await self.deliverWebhooks(webhooks) }
                await withTaskGroup(of: Void.self) { loops in
                    for index in 0..<settings.concurrency {
                        loops.addTask { await self.claimLoop(index) }
                    }
                }
                group.cancelAll()
            }
          } onGracefulShutdown: {
            self.stop()
          }
        } onCancel: {
            self.stop()
        }
        await giveBack()
        try? await httpClient.shutdown()
        logger.info("worker stopped")
    }

    /// Asks the loops to stop after the batch in hand (also what SIGTERM does).
    public func stop() {
        stopping.set()
        wakeUps.signalAll()
    }

    /// Pushes the outbox to the webhook endpoints, looking again after `pollInterval` when
    /// there was nothing to deliver.
    private func deliverWebhooks(_ webhooks: WebhookDeliverer) async {
        while !stopping.isSet && !Task.isCancelled {
            var delivered = 0
            do {
                delivered = try await webhooks.deliverDue()
            } catch {
                metrics.databaseErrors.increment()
                logger.warning("could not look for webhooks to deliver", metadata: ["error": "\(Database.describe(error))"])
            }
            if delivered == 0 {
                try? await Task.sleep(for: settings.webhooks.pollInterval)
            }
        }
    }

    private var listener: DueWorkListener {
        DueWorkListener(url: database.url, wakeUps: wakeUps, metrics: metrics, maxDelay: settings.maxReconnectDelay,
                        logger: logger)
    }

    /// Extends the leases of what this process holds, and beats in the workers table, every
    /// third of a lease.
    private func beat() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: settings.lease / 3)
            guard !Task.isCancelled else { return }
            do {
                try await withDeadline(settings.lease / 3, "the heartbeat") {
                    try await self.queue.extend(self.holdings.current, worker: self.settings.workerID, lease: self.settings.lease)
                    try await self.registry.heartbeat(self.settings.workerID)
                }
            } catch {
                metrics.databaseErrors.increment()
                logger.warning("heartbeat failed", metadata: ["error": "\(Database.describe(error))"])
            }
        }
    }

    /// On the way out: what is still held goes back to the pool at once (rather than after
    /// the lease), and the workers table says this worker stopped.
    private func giveBack() async {
        do {
            try await withDeadline(.seconds(5), "giving back the leases") {
                try await self.queue.release(worker: self.settings.workerID)
                try await WebhookStore(self.database).release(worker: self.settings.workerID)
                try await self.registry.stopped(self.settings.workerID)
            }
        } catch {
            logger.warning("could not give back the leases; they end on their own", metadata: ["error": "\(Database.describe(error))"])
        }
    }
}

/// Set once, read from any task.
final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
