import Foundation
import Hummingbird
import Workflow

/// One referent person for each case: `PUT /cases/{id}/referent` names, changes or removes
/// it (`{"agent": "ID"}`, `null` to remove), `GET /referred` lists the cases the caller
/// answers for (their inbox section), `GET /supervision/referents` says which cases have none
/// and each referent's load. The rules are the door's (`CaseService.setReferent`).
struct ReferentRoutes {
    let services: APIServices

    func add(to group: RouteTable) {
        group.put("cases/{id}/referent", use: put)
        group.get("referred", use: referred)
        group.get("supervision/referents", use: report)
    }

    static let route = "PUT \(APIApplication.prefix)/cases/{id}/referent"

    @Sendable func put(_ request: Request, context: APIContext) async throws -> Response {
        _ = try request.query(allowed: [])
        let id = try Parameter.pathID(context)
        var request = request
        let body = try await BodyReader.object(&request, allowed: ["agent", "note", "expected_version"])
        guard body.members["agent"] != nil else {
            throw Problem.badRequest("name the referent: {\"agent\": \"ID\"}, or {\"agent\": null} to remove it", pointer: "/agent")
        }
        let agent = try body.string("agent")
        if let agent, agent.isEmpty { throw Problem.badRequest("'agent' is an agent's id, or null to remove the referent", pointer: "/agent") }
        let note = try body.string("note")
        if let note, note.count > 10_000 { throw Problem.badRequest("a note is at most 10,000 characters", pointer: "/note") }
        let reading = try await services.door.setReferent(id, agent: agent, note: note, expectedVersion: try body.integer("expected_version"),
                                                          by: .agent(try context.caller(), via: Self.route))
        return services.caseResponse(reading)
    }

    /// The open cases the caller is referent of, with whose move it is in each agency and
    /// their open escalations.
    @Sendable func referred(_ request: Request, context: APIContext) async throws -> Response {
        let query = try request.query(allowed: ["limit"])
        let limit = try Parameter.int(query["limit"], "limit", range: 1...500) ?? 100
        let cases = try await services.door.referredCases(of: try context.caller(), limit: limit,
                                                         route: "GET \(APIApplication.prefix)/referred")
        return JSONResponse.make(["items": .array(cases.map(Self.json))])
    }

    static func json(_ found: CaseService.ReferredCase) -> JSONValue {
        let definition = found.access.definition
        return .object([
            "case": JSONResponse.id(found.caseID), "workflow": .string(found.workflowID),
            "workflow_version": .number(JSONNumber(found.workflowVersion)), "state": .string(found.state),
            "version": .number(JSONNumber(found.version)), "created_at": JSONResponse.time(found.createdAt),
            "whose_move": .array(found.whoseMove.map(JSONValue.string)),
            "parts": .array(found.parts.map { part in
                .object(["state": .string(part.state), "track": part.track.map(JSONValue.string) ?? .null,
                         "waiting_on": .string(part.waitingOn),
                         "agency_name": definition.agency(part.waitingOn).map { .string($0.name) } ?? .null,
                         "since": JSONResponse.time(part.since)])
            }),
            "escalations": .array(found.escalations.map { escalation in
                .object(["reason": .string(escalation.reason), "queue": .string(escalation.queue),
                         "agency": escalation.agency.map(JSONValue.string) ?? .null, "state": .string(escalation.state),
                         "track": escalation.track.map(JSONValue.string) ?? .null, "opened_at": JSONResponse.time(escalation.openedAt)])
            }),
            "actions": .array(found.actions.map { .string($0.action) }),
            "summary": PeoplesWords.summary(found.summary),
        ])
    }

    /// Supervisors: open cases without a referent by workflow and age, and referents' load.
    @Sendable func report(_ request: Request, context: APIContext) async throws -> Response {
        _ = try request.query(allowed: [])
        let agent = try context.caller()
        guard agent.supervisor else { throw Problem.forbidden("supervision reports are for supervisors; \(agent.id) is not one") }
        let report = try await services.door.referentReport(by: .agent(agent, via: "GET \(APIApplication.prefix)/supervision/referents"))
        return JSONResponse.make(SupervisionOutput.json(report))
    }
}
