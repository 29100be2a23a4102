import Foundation
import Hummingbird
import Workflow

/// `/cases`: create, read, list and search the cases the caller may know.
struct CaseRoutes {
    let services: APIServices

    func add(to group: RouteTable) {
        group.post("cases", use: create)
        group.get("cases", use: list)
        group.get("cases/{id}", use: show)
        group.get("cases/by-ref/{agency}/{ref}", use: show)
        group.put("cases/{id}/external-ref", use: setExternalRef)
        group.get("cases/{id}/history", use: history)
        CaseEventRoutes(services: services).add(to: group)
    }

    /// Agents of the workflow's agencies create cases, as at a counter.
    @Sendable func create(_ request: Request, context: APIContext) async throws -> Response {
        _ = try request.query(allowed: [])
        var request = request
        let body = try await BodyReader.object(&request, allowed: ["workflow", "version", "data", "citizen_ref"])
        let route = "POST \(APIApplication.prefix)/cases"
        let reading = try await services.door.create(workflow: try body.string("workflow", required: true)!, version: try body.integer("version"),
                                                     data: try body.object("data") ?? .object([:]), citizenRef: try body.string("citizen_ref"),
                                                     by: .agent(try context.caller(), via: route))
        var response = services.caseResponse(reading, status: .created)
        response.headers[.location] = "\(APIApplication.prefix)/cases/\(reading.id.lowercasedString)"
        return response
    }

    @Sendable func show(_ request: Request, context: APIContext) async throws -> Response {
        _ = try request.query(allowed: [])
        let caller = CaseCaller.agent(try context.caller(), via: "GET \(APIApplication.prefix)/cases/{id}")
        let reading = try await services.door.read(try await Self.caseID(context, services, caller), by: caller)
        return services.caseResponse(reading)
    }

    /// The case a route names: by its id, or by an agency's own reference
    /// (`cases/by-ref/{agency}/{ref}`), which the door resolves for this caller.
    static func caseID(_ context: APIContext, _ services: APIServices, _ caller: CaseCaller) async throws -> UUID {
        if let agency = context.parameters.get("agency"), let ref = context.parameters.get("ref") {
            return try await services.door.caseID(agency: agency, ref: ref, by: caller)
        }
        return try Parameter.pathID(context)
    }

    /// `{"ref": "2026-000123"}`: the caller's agency's own reference for the case.
    @Sendable func setExternalRef(_ request: Request, context: APIContext) async throws -> Response {
        _ = try request.query(allowed: [])
        var request = request
        let body = try await BodyReader.object(&request, allowed: ["ref"])
        let ref = try body.string("ref", required: true)!
        let reading = try await services.door.setExternalRef(try Parameter.pathID(context), ref: ref,
                                                             by: .agent(try context.caller(), via: "PUT \(APIApplication.prefix)/cases/{id}/external-ref"))
        return services.caseResponse(reading)
    }

    @Sendable func history(_ request: Request, context: APIContext) async throws -> Response {
        _ = try request.query(allowed: [])
        let reading = try await services.door.read(try Parameter.pathID(context),
                                                   by: .agent(try context.caller(), via: "GET \(APIApplication.prefix)/cases/{id}/history"),
                                                   history: true)
        return JSONResponse.make(["items": CaseView.history(reading.record.history)])
    }

    /// A page of cases, by id; `next` is the cursor of the following page.
    @Sendable func list(_ request: Request, context: APIContext) async throws -> Response {
        let query = try request.query(allowed: ["workflow", "state", "queue", "agency", "escalated", "waiting_on", "open",
                                                "created_after", "created_before", "updated_after", "updated_before",
                                                "q", "after", "limit"])
        let agent = try context.caller()
        var filter = CaseSearch.Filter()
        filter.workflowID = query["workflow"]
        filter.state = query["state"]
        filter.queue = query["queue"]
        filter.escalated = try Parameter.bool(query["escalated"], "escalated")
        filter.open = try Parameter.bool(query["open"], "open")
        filter.waitingOn = query["waiting_on"]
        filter.agency = query["agency"]
        filter.createdAfter = try Parameter.time(query["created_after"], "created_after")
        filter.createdBefore = try Parameter.time(query["created_before"], "created_before")
        filter.updatedAfter = try Parameter.time(query["updated_after"], "updated_after")
        filter.updatedBefore = try Parameter.time(query["updated_before"], "updated_before")
        if let text = query["q"] {
            guard (2...200).contains(text.count) else { throw Problem.badRequest("'q' must be 2 to 200 characters", parameter: "q") }
            filter.text = text
        }
        filter.after = try Cursor.decode(query["after"])
        filter.limit = try Parameter.int(query["limit"], "limit", range: 1...500) ?? 50
        let accesses = try await services.door.accessToAll(for: agent)
        let visibility = CaseService.searchVisibility(accesses)
        // One more than asked: a next page exists only when it is there.
        let limit = filter.limit
        filter.limit = limit + 1
        let found = try await services.search.find(filter, visibility: visibility)
        let page = Array(found.prefix(limit))
        // Each item carries who the case is about: a read of those fields, journaled.
        let summaries = try await services.door.listing(page.map(\.id), accesses: accesses,
                                                        by: .agent(agent, via: "GET \(APIApplication.prefix)/cases"))
        let items: [JSONValue] = page.map { summary in
            .object(["id": JSONResponse.id(summary.id), "workflow": .string(summary.workflowID), "state": .string(summary.state),
                     "status": .string(summary.status), "whose_move": .array(summary.whoseMove.map(JSONValue.string)),
                     "escalated": .bool(summary.escalated), "version": .number(JSONNumber(summary.version)),
                     "last_event_at": JSONResponse.time(summary.lastEventAt),
                     "summary": PeoplesWords.summary(summaries[summary.id] ?? [])])
        }
        let next: JSONValue = found.count > limit ? .string(Cursor.encode(page.last!.id)) : .null
        return JSONResponse.make(["items": .array(items), "next": next])
    }
}
