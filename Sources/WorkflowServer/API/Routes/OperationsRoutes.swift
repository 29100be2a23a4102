import CoreMetrics
import Foundation
import Hummingbird
import Prometheus
import Workflow

/// `GET /health` and `GET /metrics`, outside `/api/v1` and without a token, for load
/// balancers and Prometheus (serve them on a private address in production).
struct OperationsRoutes {
    let services: APIServices
    /// The registry `serve` bootstrapped swift-metrics with; nil when metrics are off.
    let registry: PrometheusCollectorRegistry?
    /// A worker counts as alive when it beat within this: three default leases, nine beats.
    static let liveness: Double = 90

    func add(to router: Router<APIContext>) {
        // With a deadline, as the API's routes: a dropped database connection must not hang them.
        router.get("/health") { request, context in
            try await withDeadline(RouteTable.deadline, "the health check") { try await health(request, context: context) }
        }
        router.get("/metrics") { request, context in
            try await withDeadline(RouteTable.deadline, "the metrics") { try await metrics(request, context: context) }
        }
    }

    /// 200 when the database answers, its schema is this program's, and a worker is alive;
    /// 503 otherwise, saying which.
    @Sendable func health(_ request: Request, context: APIContext) async throws -> Response {
        var problems: [String] = []
        var body: [String: JSONValue] = [:]
        do {
            let applied = try await Migrator(services.database).appliedVersions()
            let expected = Migration.all.map(\.version)
            body["database"] = "reachable"
            body["migrations"] = .object(["applied": .array(applied.map { .number(JSONNumber($0)) }),
                                          "expected": .array(expected.map { .number(JSONNumber($0)) })])
            if applied != expected { problems.append("the schema is not this program's: run 'workflow migrate'") }
            let workers = try await WorkerRegistry(services.database).running()
            body["workers"] = .array(workers.map { worker in
                .object(["id": .string(worker.id), "host": .string(worker.host), "pid": .number(JSONNumber(worker.pid)),
                         "heartbeat_age_seconds": .string(String(format: "%.1f", worker.heartbeatAge)),
                         "alive": .bool(worker.heartbeatAge < Self.liveness)])
            })
            if !workers.contains(where: { $0.heartbeatAge < Self.liveness }) {
                problems.append("no worker has beaten in the last \(Int(Self.liveness)) s: timers and deadlines are not applied")
            }
            // A disabled endpoint is told, not failed: the server itself serves well.
            let webhooks = try await WebhookStore(services.database).counts()
            body["webhooks"] = .object(["enabled": .number(JSONNumber(webhooks.enabled)), "failing": .number(JSONNumber(webhooks.failing)),
                                        "disabled": .number(JSONNumber(webhooks.disabled))])
            if webhooks.disabled > 0 {
                body["warnings"] = .array([.string("\(webhooks.disabled) webhook endpoint(s) disabled after failing: their agencies' systems are not told; see 'workflow webhooks list'")])
            }
        } catch {
            body["database"] = "unreachable"
            problems.append("the database does not answer")
        }
        body["status"] = .string(problems.isEmpty ? "ok" : "failing")
        body["problems"] = .array(problems.map(JSONValue.string))
        return JSONResponse.make(.object(body), status: problems.isEmpty ? .ok : .serviceUnavailable)
    }

    /// Prometheus text: the worker's and the HTTP metrics, and counts refreshed at each scrape.
    @Sendable func metrics(_ request: Request, context: APIContext) async throws -> Response {
        guard let registry else { return Response(status: .notFound) }
        let statistics = CaseStatistics(services.database)
        // Into this registry whatever the process bootstrapped (tests bootstrap nothing).
        let factory = PrometheusMetricsFactory(registry: registry)
        for row in try await statistics.casesByState() {
            Gauge(label: "parcours_cases", dimensions: [("workflow", row.workflow), ("state", row.state), ("status", row.status)],
                  factory: factory).record(row.count)
        }
        for row in try await statistics.openEscalationsByReason() {
            Gauge(label: "parcours_open_escalations", dimensions: [("reason", row.reason)], factory: factory).record(row.count)
        }
        let webhooks = try await WebhookStore(services.database).counts()
        for (status, count) in [("enabled", webhooks.enabled), ("failing", webhooks.failing), ("disabled", webhooks.disabled)] {
            Gauge(label: "parcours_webhook_endpoints", dimensions: [("status", status)], factory: factory).record(count)
        }
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                        body: .init(byteBuffer: ByteBuffer(string: registry.emitToString())))
    }
}
