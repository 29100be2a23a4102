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
        group.get("cases/{id}/history", use: history)
        CaseEventRoutes(services: services).add(to: group)
    }

    /// Agents of the workflow's agencies create cases, as at a counter.
    @Sendable func create(_ request: Request, context: APIContext) async throws -> Response {
        _ = try request.query(allowed: [])
        let agent = try context.caller()
        var request = request
        let body = try await BodyReader.object(&request, allowed: ["workflow", "version", "data", "citizen_ref"])
        let workflow = try body.string("workflow", required: true)!
        let version = try body.integer("version")
        let data = try body.object("data") ?? .object([:])
        let citizenRef = try body.string("citizen_ref")
        let definition: WorkflowDefinition
        do {
            definition = try await services.catalog.definition(id: workflow, version: version)
        } catch let error as StoreError where error.code == .notFound {
            throw Problem(.notFound, error.message, pointer: "/workflow")
        }
        let access = CaseAccess(agent: agent, definition: definition)
        guard access.mayCreateCases else {
            throw Problem.forbidden("agents of \(agent.agency) with your roles do not create cases of '\(workflow)'")
        }
        let record = try await EngineCall.run(access: access) {
            try await services.cases.create(workflowID: workflow, version: definition.version.value, data: data,
                                            actor: access.actor, citizenRef: citizenRef)
        }
        var response = JSONResponse.make(CaseView.json(record, access: access), status: .created)
        response.headers[.location] = "/api/v1/cases/\(record.id.uuidString.lowercased())"
        return response
    }

    @Sendable func show(_ request: Request, context: APIContext) async throws -> Response {
        _ = try request.query(allowed: [])
        let (record, access) = try await services.knownCase(try Parameter.pathID(context), for: try context.caller())
        return JSONResponse.make(CaseView.json(record, access: access))
    }

    @Sendable func history(_ request: Request, context: APIContext) async throws -> Response {
        _ = try request.query(allowed: [])
        let (record, access) = try await services.knownCase(try Parameter.pathID(context), for: try context.caller())
        return JSONResponse.make(["items": CaseView.history(access.visibleRecord(record).history)])
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
        filter.openOnly = try Parameter.bool(query["open"], "open") ?? false
        filter.waitingOn = query["waiting_on"] ?? query["agency"]
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
        let visibility = try await services.accessToAll(for: agent).filter(\.mayKnowCases).map { access in
            CaseSearch.Visibility(workflowID: access.definition.id.value, version: access.definition.version.value,
                                  fieldPaths: access.visibleFieldPaths)
        }
        let page = try await services.search.find(filter, visibility: visibility)
        let items: [JSONValue] = page.map { summary in
            .object(["id": JSONResponse.id(summary.id), "workflow": .string(summary.workflowID), "state": .string(summary.state),
                     "status": .string(summary.status), "waiting_on": .string(summary.waitingOn),
                     "escalated": .bool(summary.escalated), "version": .number(JSONNumber(summary.version)),
                     "last_event_at": JSONResponse.time(summary.lastEventAt)])
        }
        let next: JSONValue = page.count == filter.limit ? .string(Cursor.encode(page.last!.id)) : .null
        return JSONResponse.make(["items": .array(items), "next": next])
    }
}

/// The opaque cursor of a case list: the last id of the page, base64url.
enum Cursor {
    static func encode(_ id: UUID) -> String {
        Data(id.uuidString.lowercased().utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: String?) throws -> UUID? {
        guard let text else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let string = String(data: data, encoding: .utf8),
              let id = UUID(uuidString: string) else {
            throw Problem.badRequest("'after' is not a cursor of this API; pass the 'next' of the previous page", parameter: "after")
        }
        return id
    }
}
