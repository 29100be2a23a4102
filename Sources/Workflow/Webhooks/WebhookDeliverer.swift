import AsyncHTTPClient
import CoreMetrics
import Crypto
import Foundation
import Logging
import NIOCore
import NIOPosix

/// Pushes the outbox to the endpoints, for a worker: claims due endpoints under a lease,
/// and to each delivers the events after its position, one at a time and in outbox order
/// (so in order per case), each as the endpoint's agency may see it, signed by Standard
/// Webhooks. An event counts as delivered on a 2xx answer; then its read is journaled and
/// the position moves past it. Anything else stops that endpoint until its next try, with
/// backoff; a worker that dies leaves the lease to run out and the unacknowledged event is
/// sent again, with the same `webhook-id`, by whoever takes it next.
struct WebhookDeliverer: Sendable {
    let database: Database
    let catalog: WorkflowCatalog
    let client: HTTPClient
    let settings: WebhookSettings
    let key: SecretsKeySource
    let workerID: String
    let lease: Duration
    let logger: Logger
    let metrics: WebhookMetrics

    var store: WebhookStore { WebhookStore(database) }

    /// One round: the due endpoints, each served at once. Returns the events delivered.
    func deliverDue() async throws -> Int {
        let claimed = try await store.claim(worker: workerID, lease: lease, limit: settings.endpointsAtOnce)
        let delivered = await withTaskGroup(of: Int.self) { group in
            for endpoint in claimed {
                group.addTask { await self.deliver(to: endpoint) }
            }
            return await group.reduce(0, +)
        }
        if !claimed.isEmpty || delivered > 0 {
            metrics.record(try await store.counts())
        }
        return delivered
    }

    /// What an outcome of one attempt is.
    enum Attempt {
        case delivered
        case failed(String)
    }

    /// Delivers what waits for one endpoint (at most ten pages, then others get their turn).
    func deliver(to endpoint: WebhookStore.Claimed) async -> Int {
        var delivered = 0
        var position = endpoint.after
        var rules: [String: CaseAccess] = [:]
        do {
            let keys: [SymmetricKey]
            do {
                keys = try signingKeys(endpoint)
                // Once per round, on a thread of its own: a slow DNS must not hold the
                // worker's other loops (the lease's heartbeat among them).
                let policy = settings.addressPolicy, url = endpoint.url
                try await NIOThreadPool.singleton.runIfActive { try policy.check(url) }
            } catch {
                try await fail(endpoint, skippedTo: nil, "\(error)")
                return 0
            }
            for _ in 0..<10 {
                let page = try await EventStore(database).page(after: position, types: nil, scope: .everything, limit: settings.pageSize)
                var skippedTo: EventStore.Cursor?
                for event in page {
                    let key = CaseAccess.versionKey(event.workflowID, event.workflowVersion)
                    if rules[key] == nil {
                        rules[key] = CaseAccess(agencySystem: endpoint.agency, roles: Set(endpoint.roles),
                                                definition: try await catalog.definition(id: event.workflowID, version: event.workflowVersion),
                                                name: "webhook:\(endpoint.id)")
                    }
                    guard let access = rules[key], CloudEvent.isShown(event, to: access), endpoint.types?.contains(event.type) ?? true else {
                        skippedTo = event.cursor
                        continue
                    }
                    switch await attempt(event, for: access, to: endpoint, keys: keys) {
                    case .delivered:
                        metrics.delivered.increment()
                        let reader = AccessJournal.Access(actor: "webhook:\(endpoint.id)", agency: endpoint.agency, via: "webhook \(endpoint.url)")
                        try await AccessJournal(database).write([.read(event.caseID, by: reader, fields: CloudEvent.fieldsShown(event, to: access),
                                                                       sources: CloudEvent.sourcesShown(event, to: access))])
                        guard try await store.advance(endpoint.id, worker: workerID, to: event.cursor, delivered: 1, lease: lease) else {
                            return delivered + 1 // the lease was lost, or the endpoint disabled meanwhile
                        }
                        delivered += 1
                        position = event.cursor
                        skippedTo = nil
                    case .failed(let reason):
                        if Task.isCancelled { return delivered } // shutting down: not the receiver's failure
                        metrics.failed.increment()
                        try await fail(endpoint, skippedTo: skippedTo, reason)
                        return delivered
                    }
                }
                if let skippedTo {
                    guard try await store.advance(endpoint.id, worker: workerID, to: skippedTo, delivered: 0, lease: lease) else { return delivered }
                    position = skippedTo
                }
                if page.count < settings.pageSize { break }
            }
            try await store.release(endpoint.id, worker: workerID)
        } catch {
            // Not the receiver's failure (the database, the workflow, the journal): counted as
            // one all the same, so that it backs off, shows as failing and ends disabled
            // rather than being retried every lease unseen.
            logger.warning("webhook delivery stopped; the endpoint is tried again later",
                           metadata: ["endpoint": "\(endpoint.id)", "error": "\(Database.describe(error))"])
            if !Task.isCancelled {
                try? await fail(endpoint, skippedTo: nil, "delivery stopped: \(Database.describe(error))")
            }
        }
        return delivered
    }

    /// The current secret's key, then the previous one's while in grace.
    private func signingKeys(_ endpoint: WebhookStore.Claimed) throws -> [SymmetricKey] {
        let box = try key.key()
        return try endpoint.sealedSecrets.map { sealed in
            // PostgreSQL's base64 breaks lines every 76 characters.
            let secret = try box.open(Array(Data(base64Encoded: sealed, options: .ignoreUnknownCharacters) ?? Data()))
            guard let key = StandardWebhooks.key(of: secret) else { throw SecretsKey.Failure(description: "a stored secret is not a whsec_ secret") }
            return key
        }
    }

    private func fail(_ endpoint: WebhookStore.Claimed, skippedTo: EventStore.Cursor?, _ reason: String) async throws {
        let disabled = try await store.failed(endpoint.id, worker: workerID, skippedTo: skippedTo, error: String(reason.prefix(500)),
                                              delay: settings.delay(afterAttempt: endpoint.attempts + 1), window: settings.retryWindow)
        if disabled == true {
            metrics.disabled.increment()
            logger.error("webhook endpoint disabled: it failed for longer than its retry window",
                         metadata: ["endpoint": "\(endpoint.id)", "agency": "\(endpoint.agency)", "url": "\(endpoint.url)", "error": "\(reason)"])
        } else {
            logger.notice("webhook delivery failed; tried again later",
                          metadata: ["endpoint": "\(endpoint.id)", "attempt": "\(endpoint.attempts + 1)", "error": "\(reason)"])
        }
    }

    /// One POST of one event.
    private func attempt(_ event: EventStore.Stored, for access: CaseAccess, to endpoint: WebhookStore.Claimed,
                         keys: [SymmetricKey]) async -> Attempt {
        let body = Data(CloudEvent.envelope(event, for: access).serialized().utf8)
        var request = HTTPClientRequest(url: endpoint.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/cloudevents+json")
        request.headers.add(name: "User-Agent", value: "Parcours-Webhooks/1")
        let id = event.id.lowercasedString
        for header in StandardWebhooks.headers(id: id, timestamp: Int(Date().timeIntervalSince1970), body: body, keys: keys) {
            request.headers.add(name: header.name, value: header.value)
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(Int64(settings.timeout.seconds * 1e9)), logger: logger)
            for try await _ in response.body {} // read and drop the answer, so the connection is reused
            guard (200..<300).contains(Int(response.status.code)) else { return .failed("HTTP \(response.status.code)") }
            return .delivered
        } catch {
            return .failed("\(error)")
        }
    }
}

/// The webhooks' counters, and gauges of the endpoints by condition (swift-metrics).
final class WebhookMetrics: Sendable {
    let delivered: Counter
    let failed: Counter
    let disabled: Counter
    let enabledEndpoints: Gauge
    let failingEndpoints: Gauge
    let disabledEndpoints: Gauge

    init(factory: any MetricsFactory) {
        delivered = Counter(label: "parcours_webhook_deliveries_total", dimensions: [("outcome", "delivered")], factory: factory)
        failed = Counter(label: "parcours_webhook_deliveries_total", dimensions: [("outcome", "failed")], factory: factory)
        disabled = Counter(label: "parcours_webhook_endpoints_disabled_total", factory: factory)
        enabledEndpoints = Gauge(label: "parcours_webhook_endpoints", dimensions: [("status", "enabled")], factory: factory)
        failingEndpoints = Gauge(label: "parcours_webhook_endpoints", dimensions: [("status", "failing")], factory: factory)
        disabledEndpoints = Gauge(label: "parcours_webhook_endpoints", dimensions: [("status", "disabled")], factory: factory)
    }

    func record(_ counts: WebhookCounts) {
        enabledEndpoints.record(counts.enabled)
        failingEndpoints.record(counts.failing)
        disabledEndpoints.record(counts.disabled)
    }
}
