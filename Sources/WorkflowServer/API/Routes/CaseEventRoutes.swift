import Foundation
import Hummingbird
import Workflow

/// What an agent does to a case: fire an action or raise an escalation (`/events`), correct
/// its data (`PATCH /data`), write a note (`/notes`). Each is one transaction; with
/// `expected_version`, a case changed meanwhile is a 409, never a lost update.
struct CaseEventRoutes {
    let services: APIServices

    func add(to group: RouteTable) {
        group.post("cases/{id}/events", use: event)
        group.patch("cases/{id}/data", use: correct)
        group.post("cases/{id}/notes", use: note)
    }

    @Sendable func event(_ request: Request, context: APIContext) async throws -> Response {
        _ = try request.query(allowed: [])
        let (_, access) = try await services.knownCase(try Parameter.pathID(context), for: try context.caller())
        var request = request
        let body = try await BodyReader.object(&request, allowed: ["action", "raise", "data", "note", "track", "expected_version"])
        let track = try body.string("track")
        let kind: CaseEvent.Kind
        switch (try body.string("action"), try body.string("raise")) {
        case (let action?, nil):
            let data = try body.object("data")
            try EditCheck.ensure(access, mayWrite: data)
            kind = .action(name: action, data: data, track: track)
        case (nil, let reason?):
            guard body.members["data"] == nil else { throw Problem.badRequest("'raise' takes no 'data'", pointer: "/data") }
            kind = .raise(reason: reason, track: track)
        case (nil, nil):
            throw Problem.badRequest("name an 'action' to fire, or a reason to 'raise' (agent-raised or an exception code)", pointer: "/action")
        case (_?, _?):
            throw Problem.badRequest("give either 'action' or 'raise', not both", pointer: "/raise")
        }
        return try await apply(kind, note: try body.string("note"), expected: try body.integer("expected_version"), access: access,
                               context: context, route: "POST \(APIApplication.prefix)/cases/{id}/events")
    }

    @Sendable func correct(_ request: Request, context: APIContext) async throws -> Response {
        _ = try request.query(allowed: [])
        let (_, access) = try await services.knownCase(try Parameter.pathID(context), for: try context.caller())
        var request = request
        let body = try await BodyReader.object(&request, allowed: ["data", "note", "expected_version"])
        let data = try body.object("data", required: true)!
        try EditCheck.ensure(access, mayWrite: data)
        return try await apply(.correctData(data), note: try body.string("note"), expected: try body.integer("expected_version"),
                               access: access, context: context, route: "PATCH \(APIApplication.prefix)/cases/{id}/data")
    }

    @Sendable func note(_ request: Request, context: APIContext) async throws -> Response {
        _ = try request.query(allowed: [])
        let (_, access) = try await services.knownCase(try Parameter.pathID(context), for: try context.caller())
        var request = request
        let body = try await BodyReader.object(&request, allowed: ["text"])
        let text = try body.string("text", required: true)!
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw Problem.badRequest("'text' must not be blank", pointer: "/text")
        }
        guard text.count <= 10_000 else { throw Problem.badRequest("a note is at most 10,000 characters", pointer: "/text") }
        let id = try Parameter.pathID(context)
        let route = "POST \(APIApplication.prefix)/cases/{id}/notes"
        let record = try await EngineCall.run(access: access) {
            try await services.cases.apply(CaseEvent(.addNote, actor: access.actor, note: text), toCase: id, via: route)
        }
        return try await services.caseResponse(record, access: access, route: route, status: .created)
    }

    private func apply(_ kind: CaseEvent.Kind, note: String?, expected: Int?, access: CaseAccess,
                       context: APIContext, route: String) async throws -> Response {
        let id = try Parameter.pathID(context)
        let record = try await EngineCall.run(access: access) {
            try await services.cases.apply(CaseEvent(kind, actor: access.actor, note: note), toCase: id, expectedVersion: expected,
                                           via: route)
        }
        return try await services.caseResponse(record, access: access, route: route)
    }
}
