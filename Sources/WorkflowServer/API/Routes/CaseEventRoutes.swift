import Foundation
import Hummingbird
import Workflow

/// What an agent does to a case: fire an action or raise an escalation (`/events`), correct
/// its data (`PATCH /data`), write a note (`/notes`). Each parses its body and hands the
/// change to the door, which applies it in one transaction; with `expected_version`, a case
/// changed meanwhile is a 409, never a lost update.
struct CaseEventRoutes {
    let services: APIServices

    func add(to group: RouteTable) {
        group.post("cases/{id}/events", use: event)
        group.post("cases/by-ref/{agency}/{ref}/events", use: event)
        group.patch("cases/{id}/data", use: correct)
        group.post("cases/{id}/notes", use: note)
    }

    @Sendable func event(_ request: Request, context: APIContext) async throws -> Response {
        _ = try request.query(allowed: [])
        let id = try await CaseRoutes.caseID(context, services, .agent(try context.caller(), via: Self.route("events", "POST")))
        var request = request
        let body = try await BodyReader.object(&request, allowed: ["action", "raise", "data", "note", "note_visible_to", "track",
                                                                  "expected_version"])
        let track = try body.string("track")
        let kind: CaseEvent.Kind
        switch (try body.string("action"), try body.string("raise")) {
        case (let action?, nil):
            kind = .action(name: action, data: try body.object("data"), track: track)
        case (nil, let reason?):
            guard body.members["data"] == nil else { throw Problem.badRequest("'raise' takes no 'data'", pointer: "/data") }
            kind = .raise(reason: reason, track: track)
        case (nil, nil):
            throw Problem.badRequest("name an 'action' to fire, or a reason to 'raise' (agent-raised or an exception code)", pointer: "/action")
        case (_?, _?):
            throw Problem.badRequest("give either 'action' or 'raise', not both", pointer: "/raise")
        }
        let change = CaseRequest(kind, note: try body.string("note"), noteVisibleTo: try body.stringList("note_visible_to"),
                                 expectedVersion: try body.integer("expected_version"))
        let reading = try await services.door.change(id, change, by: .agent(try context.caller(), via: Self.route("events", "POST")))
        return services.caseResponse(reading)
    }

    @Sendable func correct(_ request: Request, context: APIContext) async throws -> Response {
        _ = try request.query(allowed: [])
        let id = try Parameter.pathID(context)
        var request = request
        let body = try await BodyReader.object(&request, allowed: ["data", "note", "note_visible_to", "expected_version"])
        let change = CaseRequest(.correctData(try body.object("data", required: true)!), note: try body.string("note"),
                                 noteVisibleTo: try body.stringList("note_visible_to"), expectedVersion: try body.integer("expected_version"))
        let reading = try await services.door.change(id, change, by: .agent(try context.caller(), via: Self.route("data", "PATCH")))
        return services.caseResponse(reading)
    }

    @Sendable func note(_ request: Request, context: APIContext) async throws -> Response {
        _ = try request.query(allowed: [])
        let id = try Parameter.pathID(context)
        var request = request
        let body = try await BodyReader.object(&request, allowed: ["text", "note_visible_to"])
        let text = try body.string("text", required: true)!
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw Problem.badRequest("'text' must not be blank", pointer: "/text")
        }
        guard text.count <= 10_000 else { throw Problem.badRequest("a note is at most 10,000 characters", pointer: "/text") }
        let change = CaseRequest(.addNote, note: text, noteVisibleTo: try body.stringList("note_visible_to"))
        let reading = try await services.door.change(id, change, by: .agent(try context.caller(), via: Self.route("notes", "POST")))
        return services.caseResponse(reading, status: .created)
    }

    static func route(_ tail: String, _ method: String) -> String { "\(method) \(APIApplication.prefix)/cases/{id}/\(tail)" }
}
