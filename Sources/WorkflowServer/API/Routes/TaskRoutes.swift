import Foundation
import Hummingbird
import Logging
import Workflow

/// `/tasks`: the caller's inbox (the open tasks of the queues they work), and what they do
/// with a task: claim it, release it, assign it, resolve it. Only agents of the task's queue
/// (or supervisors) may touch a task; a task on a case the caller may not know is not found.
struct TaskRoutes {
    let services: APIServices

    func add(to group: RouteTable) {
        group.get("tasks", use: list)
        group.post("tasks/{id}/claim", use: claim)
        group.post("tasks/{id}/release", use: release)
        group.post("tasks/{id}/assign", use: assign)
        group.post("tasks/{id}/resolve", use: resolve)
    }

    @Sendable func list(_ request: Request, context: APIContext) async throws -> Response {
        let query = try request.query(allowed: ["queue", "kind", "assignee", "limit"])
        let agent = try context.caller()
        let limit = try Parameter.int(query["limit"], "limit", range: 1...500) ?? 100
        if let kind = query["kind"], !["work", "escalation"].contains(kind) {
            throw Problem.badRequest("'kind' is work or escalation", parameter: "kind")
        }
        let wanted = query["assignee"].map { $0 == "me" ? "agent:\(agent.id)" : ($0 == "none" ? "" : "agent:\($0)") }
        let entries = try await services.inbox(for: agent, queue: query["queue"], kind: query["kind"], assignee: wanted, limit: limit,
                                               route: "GET \(APIApplication.prefix)/tasks")
        let items: [JSONValue] = entries.map { found in
            let (entry, access) = (found.entry, found.access)
            guard case .object(var task) = CaseView.task(access.visibleTask(entry.task)) else { return .null }
            task["case"] = JSONResponse.id(entry.caseID)
            task["workflow"] = .string(entry.workflowID)
            task["case_state"] = .string(entry.caseState)
            task["waiting_on"] = .string(entry.waitingOn)
            return .object(task)
        }
        return JSONResponse.make(["items": .array(items)])
    }

    @Sendable func claim(_ request: Request, context: APIContext) async throws -> Response {
        let task = try await task(request, context)
        try await services.tasks.claim(task.id, by: task.access.actor.recorded)
        return try await taskResponse(task.id, access: task.access)
    }

    @Sendable func release(_ request: Request, context: APIContext) async throws -> Response {
        let task = try await task(request, context)
        try await services.tasks.release(task.id, by: task.access.actor.recorded)
        return try await taskResponse(task.id, access: task.access)
    }

    /// Hands the task to an active agent of its queue: a supervisor any task, a queue mate a
    /// free task or one they hold.
    @Sendable func assign(_ request: Request, context: APIContext) async throws -> Response {
        let task = try await task(request, context)
        var request = request
        let body = try await BodyReader.object(&request, allowed: ["agent"])
        let target = try body.string("agent", required: true)!
        guard let assignee = try await services.agents.agent(id: target), assignee.status(at: Date()) == .active,
              CaseAccess(agent: assignee, definition: task.access.definition).mayWorkOn(queue: task.queue) else {
            throw Problem(.unprocessableContent, "'\(target)' is not an active agent of queue '\(task.queue)'", pointer: "/agent")
        }
        let caller = try context.caller()
        try await services.tasks.assign(task.id, to: "agent:\(assignee.id)", by: task.access.actor.recorded,
                                        overriding: caller.supervisor)
        return try await taskResponse(task.id, access: task.access)
    }

    /// Resolves the task's case with exactly one of: an action, evaluating again, an override
    /// with its justification, or handing the task to another queue.
    @Sendable func resolve(_ request: Request, context: APIContext) async throws -> Response {
        let task = try await task(request, context)
        let caller = try context.caller()
        if let holder = task.assignee, holder != task.access.actor.recorded, !caller.supervisor {
            throw Problem(.conflict, "the task is held by \(holder); ask them to release it, or a supervisor")
        }
        var request = request
        let body = try await BodyReader.object(&request, allowed: ["action", "data", "track", "evaluate", "override",
                                                                  "hand_over", "note", "expected_version"])
        let kind = try Self.resolution(body, taskID: task.id, access: task.access)
        let record = try await EngineCall.run(access: task.access) {
            try await services.cases.apply(CaseEvent(kind, actor: task.access.actor, note: try body.string("note")), toCase: task.caseID,
                                           expectedVersion: try body.integer("expected_version"),
                                           via: "POST \(APIApplication.prefix)/tasks/{id}/resolve")
        }
        return try await services.caseResponse(record, access: task.access, route: "POST \(APIApplication.prefix)/tasks/{id}/resolve")
    }

    /// The event a resolve body asks for; exactly one way, and no member that way ignores.
    static func resolution(_ body: BodyReader, taskID: UUID, access: CaseAccess) throws -> CaseEvent.Kind {
        let chosen = ["action", "evaluate", "override", "hand_over"].filter { body.members[$0] != nil }
        guard chosen.count == 1 else {
            throw Problem.badRequest("give exactly one of 'action', 'evaluate', 'override' or 'hand_over'", pointer: "")
        }
        if chosen[0] != "action", let stray = ["data", "track"].first(where: { body.members[$0] != nil }) {
            throw Problem.badRequest("'\(stray)' goes with 'action' only", pointer: "/\(stray)")
        }
        switch chosen[0] {
        case "action":
            let data = try body.object("data")
            try EditCheck.ensure(access, mayWrite: data)
            return .action(name: try body.string("action", required: true)!, data: data, track: try body.string("track"))
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

    /// The open task of the path (see `APIServices.openTask`).
    private func task(_ request: Request, _ context: APIContext) async throws -> OpenTask {
        _ = try request.query(allowed: [])
        return try await services.openTask(try Parameter.pathID(context), for: try context.caller())
    }

    private func taskResponse(_ taskID: UUID, access: CaseAccess) async throws -> Response {
        guard let (caseID, _, _) = try await services.tasks.locate(taskID) else { throw Problem.notFound("no open task") }
        let record = try await services.cases.read(caseID)
        guard let task = record.snapshot.tasks.first(where: { $0.id == taskID }) else { throw Problem.notFound("no open task") }
        // Best-effort: the claim or assignment is committed (and journaled) already.
        do {
            try await services.journal.read(cases: [caseID], by: AccessJournal.Access(actor: access.actor.recorded, agency: access.agent.agency,
                                                                                      via: "\(APIApplication.prefix)/tasks/{id}"))
        } catch {
            Logger(label: "parcours.journal").error("could not journal a task's read", metadata: ["case": "\(caseID)", "error": "\(error)"])
        }
        guard case .object(var json) = CaseView.task(access.visibleTask(task)) else { return JSONResponse.make(.null) }
        json["case"] = JSONResponse.id(caseID)
        return JSONResponse.make(.object(json))
    }
}

/// An open task the caller may work on, with its case's rules for them.
struct OpenTask {
    let id: UUID
    let caseID: UUID
    let queue: String
    let assignee: String?
    let access: CaseAccess
}
