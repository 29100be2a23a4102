import Foundation
import Hummingbird
import Workflow

/// `/tasks`: the caller's inbox (the open tasks of the queues they work), and what they do
/// with a task: claim it, release it, assign it, resolve it.
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
        var worked: [String: CaseAccess] = [:]
        var queues = Set<String>()
        for access in try await services.accessToAll(for: agent) where access.mayKnowCases {
            for queue in access.queues { queues.insert(queue) }
            worked[access.definition.id.value] = access
        }
        if let queue = query["queue"] {
            guard queues.contains(queue) else { throw Problem.forbidden("you do not work in queue '\(queue)'") }
            queues = [queue]
        }
        let entries = try await services.tasks.open(queues: queues.sorted(), limit: 500).filter { entry in
            guard let access = worked[entry.workflowID], access.mayWorkOn(queue: entry.task.queue) else { return false }
            if let kind = query["kind"], (entry.task.escalation == nil ? "work" : "escalation") != kind { return false }
            if let assignee = query["assignee"] {
                let wanted = assignee == "me" ? agent.id : assignee
                if assignee == "none" ? entry.task.assignee != nil : entry.task.assignee != wanted { return false }
            }
            return true
        }.prefix(limit)
        let items: [JSONValue] = entries.map { entry in
            let access = worked[entry.workflowID]!
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
        let (taskID, _, access) = try await task(request, context, toWork: true)
        try await services.tasks.claim(taskID, by: access.actor.recorded)
        return try await taskResponse(taskID, access: access)
    }

    @Sendable func release(_ request: Request, context: APIContext) async throws -> Response {
        let (taskID, _, access) = try await task(request, context, toWork: true)
        try await services.tasks.release(taskID, by: access.actor.recorded)
        return try await taskResponse(taskID, access: access)
    }

    /// A supervisor or a mate of the queue hands the task to a named agent of that queue.
    @Sendable func assign(_ request: Request, context: APIContext) async throws -> Response {
        let (taskID, queue, access) = try await task(request, context, toWork: true)
        var request = request
        let body = try await BodyReader.object(&request, allowed: ["agent"])
        let target = try body.string("agent", required: true)!
        guard let assignee = try await services.agents.agent(id: target),
              CaseAccess(agent: assignee, definition: access.definition).mayWorkOn(queue: queue) else {
            throw Problem(.unprocessableContent, "'\(target)' is not an agent of queue '\(queue)'", pointer: "/agent")
        }
        try await services.tasks.assign(taskID, to: assignee.actor.recorded, by: access.actor.recorded)
        return try await taskResponse(taskID, access: access)
    }

    /// Resolves the task's case: an action, evaluating again, an override with its
    /// justification, or handing the task to another queue.
    @Sendable func resolve(_ request: Request, context: APIContext) async throws -> Response {
        let (taskID, _, access) = try await task(request, context, toWork: false)
        var request = request
        let body = try await BodyReader.object(&request, allowed: ["action", "data", "track", "evaluate", "override",
                                                                    "hand_over", "note", "expected_version"])
        let chosen = ["action", "evaluate", "override", "hand_over"].filter { body.members[$0] != nil }
        guard chosen.count == 1 else {
            throw Problem.badRequest("give exactly one of 'action', 'evaluate', 'override' or 'hand_over'", pointer: "/")
        }
        let kind: CaseEvent.Kind
        switch chosen[0] {
        case "action":
            kind = .action(name: try body.string("action", required: true)!, data: try body.object("data"), track: try body.string("track"))
        case "evaluate":
            guard body.members["evaluate"] == .bool(true) else { throw Problem.badRequest("'evaluate' must be true", pointer: "/evaluate") }
            kind = .evaluateAgain
        case "override":
            let target = try body.object("override", required: true)!
            guard let state = target.value(at: "state")?.stringValue else {
                throw Problem.badRequest("'override' needs a 'state'", pointer: "/override/state")
            }
            let unknown = Set(target.objectValue!.keys).subtracting(["state", "track"])
            if let key = unknown.sorted().first { throw Problem.badRequest("unknown member '\(key)'", pointer: "/override/\(key)") }
            kind = .override(state: state, track: target.value(at: "track")?.stringValue)
        default:
            kind = .handOver(taskID: taskID, queue: try body.string("hand_over", required: true)!)
        }
        let (caseID, _) = try await located(taskID)
        let record = try await EngineCall.run(access: access) {
            try await services.cases.apply(CaseEvent(kind, actor: access.actor, note: try body.string("note")), toCase: caseID,
                                           expectedVersion: try body.integer("expected_version"))
        }
        return JSONResponse.make(CaseView.json(record, access: access))
    }

    /// The task of the path, on a case the caller may know; `toWork`: and in a queue they work
    /// (or they supervise).
    private func task(_ request: Request, _ context: APIContext, toWork: Bool) async throws -> (UUID, String, CaseAccess) {
        _ = try request.query(allowed: [])
        let agent = try context.caller()
        let taskID = try Parameter.pathID(context)
        let (caseID, queue) = try await located(taskID)
        let (_, access) = try await services.knownCase(caseID, for: agent)
        if toWork, !access.mayWorkOn(queue: queue), !agent.supervisor {
            throw Problem.forbidden("you do not work in queue '\(queue)'")
        }
        return (taskID, queue, access)
    }

    private func located(_ taskID: UUID) async throws -> (UUID, String) {
        guard let found = try await services.tasks.locate(taskID) else {
            throw Problem.notFound("no open task \(taskID.uuidString.lowercased())")
        }
        return found
    }

    private func taskResponse(_ taskID: UUID, access: CaseAccess) async throws -> Response {
        guard let (caseID, _) = try await services.tasks.locate(taskID) else { throw Problem.notFound("no open task") }
        let record = try await services.cases.read(caseID)
        guard let task = record.snapshot.tasks.first(where: { $0.id == taskID }) else { throw Problem.notFound("no open task") }
        guard case .object(var json) = CaseView.task(access.visibleTask(task)) else { return JSONResponse.make(.null) }
        json["case"] = JSONResponse.id(caseID)
        return JSONResponse.make(.object(json))
    }
}
