import Foundation
import Hummingbird
import Workflow

/// `/supervision`: the weekly questions of supervisors (`--supervisor` agents only), across
/// the workflows whose cases they may know. The reports carry ids, states, parties, times,
/// reasons, queues and override notes: no case data, so no role sees another's fields.
struct SupervisionRoutes {
    let services: APIServices

    /// The longest period a report covers (the delay report reads the history of the period).
    static let longestPeriod: TimeInterval = 366 * 86_400
    /// The period when none is given: the last 30 days.
    static let defaultPeriod: TimeInterval = 30 * 86_400

    func add(to group: RouteTable) {
        group.get("supervision/stuck", use: stuck)
        group.get("supervision/escalations", use: escalations)
        group.get("supervision/delays", use: delays)
        group.get("supervision/webhooks", use: webhooks)
        group.get("supervision/clocks", use: clocks)
    }

    /// Legal clocks: those due within `within` (default 30d), and the cases silence decided
    /// since `since` ago (default 30d).
    @Sendable func clocks(_ request: Request, context: APIContext) async throws -> Response {
        let query = try request.query(allowed: ["within", "since", "workflow"])
        let scope = try await scope(context)
        let now = Date()
        let within = try Self.duration(query["within"], "within") ?? .days(30)
        let since = try Self.duration(query["since"], "since") ?? .days(30)
        guard let until = try? within.added(to: now), let from = try? since.subtracted(from: now) else {
            throw Problem.badRequest("'within' or 'since' reaches out of the calendar", parameter: "within")
        }
        var filter = ClockReport.Filter(until: until, from: from)
        filter.workflowID = query["workflow"]
        let result = try await ClockReport(services.database, catalog: services.catalog).run(filter, scope: scope)
        func row(_ row: ClockReport.Row) -> JSONValue {
            .object(["case": JSONResponse.id(row.caseID), "workflow": .string(row.workflowID), "clock": .string(row.clock),
                     "label": .string(row.label), "at": JSONResponse.time(row.at), "state": .string(row.state),
                     "outcome": row.outcome.map(JSONValue.string) ?? .null, "silence": .string(row.silence)])
        }
        return JSONResponse.make(.object([
            "as_of": JSONResponse.time(result.asOf), "until": JSONResponse.time(until), "since": JSONResponse.time(from),
            "expiring": .array(result.expiring.map(row)),
            "expiring_by_workflow": .object(result.expiringByWorkflow.mapValues { .number(JSONNumber($0)) }),
            "decided_by_silence": .array(result.decidedBySilence.map(row)),
        ]))
    }

    /// The webhook endpoints of the agencies of the supervised workflows: which are failing
    /// (since when, why) or disabled, and how much waits for each. No secret, no case data.
    @Sendable func webhooks(_ request: Request, context: APIContext) async throws -> Response {
        _ = try request.query(allowed: [])
        let agencies = Set(try await Self.supervised(by: try context.caller(), services: services)
            .flatMap { $0.definition.agencies.map(\.id.value) })
        let endpoints = try await WebhookStore(services.database).list().filter { agencies.contains($0.agency) }
        return JSONResponse.make(.object(["items": .array(endpoints.map(\.json))]))
    }

    @Sendable func stuck(_ request: Request, context: APIContext) async throws -> Response {
        let query = try request.query(allowed: ["workflow", "state", "agency", "waiting_on", "escalated", "breached",
                                                "min_age", "min_idle", "after", "limit"])
        let scope = try await scope(context)
        var filter = StuckReport.Filter()
        filter.workflowID = query["workflow"]
        filter.state = query["state"]
        if let agency = query["agency"], let party = query["waiting_on"], agency != party {
            throw Problem.badRequest("'agency' and 'waiting_on' both name whose move it is; give one", parameter: "agency")
        }
        filter.waitingOn = query["waiting_on"] ?? query["agency"]
        filter.escalated = try Parameter.bool(query["escalated"], "escalated")
        filter.breached = try Parameter.bool(query["breached"], "breached")
        filter.minAge = try Self.duration(query["min_age"], "min_age")
        filter.minIdle = try Self.duration(query["min_idle"], "min_idle")
        if let after = query["after"] {
            guard let cursor = StuckCursor.decode(after) else {
                throw Problem.badRequest("'after' is not a cursor of this report; pass the 'next' of the previous page", parameter: "after")
            }
            filter.after = cursor
        }
        filter.limit = try Parameter.int(query["limit"], "limit", range: 1...500) ?? 50
        let page = try await StuckReport(services.database).run(filter, scope: scope)
        return JSONResponse.make(SupervisionOutput.json(page, next: page.next.map(StuckCursor.encode)))
    }

    @Sendable func escalations(_ request: Request, context: APIContext) async throws -> Response {
        let query = try request.query(allowed: ["from", "to", "workflow", "overrides_limit"])
        let scope = try await scope(context)
        let (from, to) = try Self.period(query)
        var filter = EscalationReport.Filter(from: from, to: to)
        filter.workflowID = query["workflow"]
        filter.overrideLimit = try Parameter.int(query["overrides_limit"], "overrides_limit", range: 1...500) ?? 100
        return JSONResponse.make(SupervisionOutput.json(try await EscalationReport(services.database).run(filter, scope: scope)))
    }

    @Sendable func delays(_ request: Request, context: APIContext) async throws -> Response {
        let query = try request.query(allowed: ["from", "to", "workflow"])
        let scope = try await scope(context)
        let (from, to) = try Self.period(query)
        var filter = DelayReport.Filter(from: from, to: to)
        filter.workflowID = query["workflow"]
        return JSONResponse.make(SupervisionOutput.json(try await DelayReport(services.database).run(filter, scope: scope)))
    }

    /// Supervisors only; the workflow versions whose cases they may know.
    func scope(_ context: APIContext) async throws -> SupervisionScope {
        .of(try await Self.supervised(by: try context.caller(), services: services))
    }

    /// The rules of the workflow versions whose cases a supervisor may know; 403 for anyone
    /// else. Shared with the supervision page (`SupervisionPage`), which applies the same rule.
    static func supervised(by agent: Agent, services: APIServices) async throws -> [CaseAccess] {
        guard agent.supervisor else { throw Problem.forbidden("supervision reports are for supervisors; \(agent.id) is not one") }
        return try await services.door.accessToAll(for: agent).filter(\.mayListCases)
    }

    /// `from` and `to` (RFC 3339 or a day); by default the 30 days up to now. At most a year.
    static func period(_ query: [String: String]) throws -> (Date, Date) {
        let to = try Parameter.time(query["to"], "to") ?? Date()
        let from = try Parameter.time(query["from"], "from") ?? to.addingTimeInterval(-defaultPeriod)
        guard from < to else { throw Problem.badRequest("'from' must be before 'to'", parameter: "from") }
        guard to.timeIntervalSince(from) <= longestPeriod else {
            throw Problem.badRequest("a period covers at most 366 days; narrow 'from'", parameter: "from")
        }
        return (from, to)
    }

    /// A duration as workflows write them (`3d`, `12h`, `2w`, `P10D`).
    static func duration(_ text: String?, _ name: String) throws -> WorkflowDuration? {
        guard let text else { return nil }
        guard let duration = WorkflowDuration(text), isReasonable(duration) else {
            throw Problem.badRequest("'\(name)' must be a duration such as 3d, 12h, 2w or P10D, reaching no further back than 1900",
                                     parameter: name)
        }
        return duration
    }

    /// A duration that, counted back from now, stays a date the database stores (after 1900):
    /// a larger one is a mistake to say, not a server error.
    static func isReasonable(_ duration: WorkflowDuration) -> Bool {
        guard let start = try? duration.subtracted(from: Date()) else { return false }
        return start > Date(timeIntervalSince1970: -2_208_988_800)
    }
}
