import Foundation
import Hummingbird
import Workflow

/// `/tasks`: the caller's inbox (the open tasks of the queues they work), and what they do
/// with a task: claim it, release it, assign it, resolve it. Only agents of the task's queue
/// (or supervisors) may touch a task; a task on a case the caller may not know is not found.
struct TaskRoutes {
    let services: APIServices

    func add(to group: RouteTable) {
        group.get("tasks", use: list)
        group.get("waiting", use: waiting)
        group.post("tasks/{id}/claim", use: claim)
        group.post("tasks/{id}/release", use: release)
        group.post("tasks/{id}/assign", use: assign)
        group.post("tasks/{id}/resolve", use: resolve)
    }

    @Sendable func list(_ request: Request, context: APIContext) async throws -> Response {
        let query = try request.query(allowed: ["queue", "kind", "assignee", "limit"])
        let agent = try context.caller()
        let limit = try Parameter.int(query["limit"], "limit", range: 1...500) ?? 100
        if let kind = query["kind"], CaseTask.Kind(rawValue: kind) == nil {
            throw Problem.badRequest("'kind' is work, escalation or request", parameter: "kind")
        }
        let wanted = query["assignee"].map { $0 == "me" ? "agent:\(agent.id)" : ($0 == "none" ? "" : "agent:\($0)") }
        let entries = try await services.door.inbox(for: agent, queue: query["queue"], kind: query["kind"], assignee: wanted, limit: limit,
                                               route: "GET \(APIApplication.prefix)/tasks")
        let items: [JSONValue] = entries.map { found in
            let (entry, access) = (found.entry, found.access)
            guard case .object(var task) = CaseView.task(access.visibleTask(entry.task)) else { return .null }
            task["case"] = JSONResponse.id(entry.caseID)
            task["workflow"] = .string(entry.workflowID)
            task["case_state"] = .string(entry.caseState)
            task["waiting_on"] = .string(entry.waitingOn)
            task["summary"] = PeoplesWords.summary(found.summary)
            return .object(task)
        }
        return JSONResponse.make(["items": .array(items)])
    }

    /// The parts of cases whose move is the caller's agency (wait states and tracks included),
    /// longest waiting first: the work an agency does outside queues.
    @Sendable func waiting(_ request: Request, context: APIContext) async throws -> Response {
        let query = try request.query(allowed: ["limit"])
        let limit = try Parameter.int(query["limit"], "limit", range: 1...500) ?? 100
        let parts = try await services.door.waitingOnAgency(of: try context.caller(), limit: limit,
                                                            route: "GET \(APIApplication.prefix)/waiting")
        let items: [JSONValue] = parts.map { part in
            .object([
                "case": JSONResponse.id(part.caseID), "workflow": .string(part.workflowID),
                "workflow_version": .number(JSONNumber(part.workflowVersion)), "state": .string(part.state),
                "track": part.track.map(JSONValue.string) ?? .null, "since": JSONResponse.time(part.since),
                "deadline": JSONResponse.time(part.deadline),
                "actions": .array(part.actions.map { .string($0.action) }),
                "summary": PeoplesWords.summary(part.summary),
            ])
        }
        return JSONResponse.make(["items": .array(items)])
    }

    @Sendable func claim(_ request: Request, context: APIContext) async throws -> Response {
        _ = try request.query(allowed: [])
        let task = try await services.door.claim(try Parameter.pathID(context), by: try caller(context, "claim"))
        return Self.response(task)
    }

    @Sendable func release(_ request: Request, context: APIContext) async throws -> Response {
        _ = try request.query(allowed: [])
        let task = try await services.door.release(try Parameter.pathID(context), by: try caller(context, "release"))
        return Self.response(task)
    }

    /// Hands the task to an active agent of its queue: a supervisor any task, a queue mate a
    /// free task or one they hold.
    @Sendable func assign(_ request: Request, context: APIContext) async throws -> Response {
        _ = try request.query(allowed: [])
        var request = request
        let body = try await BodyReader.object(&request, allowed: ["agent"])
        let task = try await services.door.assign(try Parameter.pathID(context), to: try body.string("agent", required: true)!,
                                                  by: try caller(context, "assign"))
        return Self.response(task)
    }

    /// Resolves the task's case with exactly one of: an action, evaluating again, an override
    /// with its justification, or handing the task to another queue.
    @Sendable func resolve(_ request: Request, context: APIContext) async throws -> Response {
        _ = try request.query(allowed: [])
        let taskID = try Parameter.pathID(context)
        var request = request
        let body = try await BodyReader.object(&request, allowed: ["action", "data", "track", "evaluate", "override",
                                                                  "hand_over", "note", "note_visible_to", "expected_version"])
        let change = CaseRequest(try Self.resolution(body, taskID: taskID), note: try body.string("note"),
                                 noteVisibleTo: try body.stringList("note_visible_to"), expectedVersion: try body.integer("expected_version"))
        let reading = try await services.door.resolve(taskID, change, by: .agent(try context.caller(),
                                                                                  via: "POST \(APIApplication.prefix)/tasks/{id}/resolve"))
        return services.caseResponse(reading)
    }

    /// The event a resolve body asks for; exactly one way, and no member that way ignores.
    static func resolution(_ body: BodyReader, taskID: UUID) throws -> CaseEvent.Kind {
        let chosen = ["action", "evaluate", "override", "hand_over"].filter { body.members[$0] != nil }
        guard chosen.count == 1 else {
            throw Problem.badRequest("give exactly one of 'action', 'evaluate', 'override' or 'hand_over'", pointer: "")
        }
        if chosen[0] != "action", let stray = ["data", "track"].first(where: { body.members[$0] != nil }) {
            throw Problem.badRequest("'\(stray)' goes with 'action' only", pointer: "/\(stray)")
        }
        switch chosen[0] {
        case "action":
            return .action(name: try body.string("action", required: true)!, data: try body.object("data"), track: try body.string("track"))
        case "evaluate":
            guard body.members["evaluate"] == .bool(true) else { throw Problem.badRequest("'evaluate' must be true", pointer: "/evaluate") }
            return .evaluateAgain
        case "override":
            let target = try body.object("override", required: true)!
            guard let state = target.value(at: "state")?.stringValue else {
                throw Problem.badRequest("'override' needs a 'state' (a string)", pointer: "/override/state")
            }
            if let key = Set(target.objectValue!.keys).subtracting(["state", "track"]).sorted().first {
                throw Problem.badRequest("unknown member '\(key)'; 'override' takes 'state' and 'track'", pointer: "/override/\(key)")
            }
            var track: String?
            if let value = target.objectValue!["track"], !value.isNull {
                guard let text = value.stringValue else { throw Problem.badRequest("'track' must be a string", pointer: "/override/track") }
                track = text
            }
            return .override(state: state, track: track)
        default:
            return .handOver(taskID: taskID, queue: try body.string("hand_over", required: true)!)
        }
    }

    private func caller(_ context: APIContext, _ verb: String) throws -> CaseCaller {
        .agent(try context.caller(), via: "POST \(APIApplication.prefix)/tasks/{id}/\(verb)")
    }

    /// A task's answer: as the caller may see it, with its case.
    private static func response(_ found: (task: CaseTask, caseID: UUID)) -> Response {
        guard case .object(var json) = CaseView.task(found.task) else { return JSONResponse.make(.null) }
        json["case"] = JSONResponse.id(found.caseID)
        return JSONResponse.make(.object(json))
    }
}
