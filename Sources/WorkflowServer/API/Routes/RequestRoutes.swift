import Foundation
import Hummingbird
import Workflow

/// Requests to other administrations, for the agency asked (its agents and its systems, by
/// their token): `GET /requests` lists those waiting for its answer, `POST
/// /requests/{id}/answer` answers one with `{"value": …}` or `{"refused": "reason"}`. The
/// rules are the door's (`CaseService.answerRequest`); a retry with the same
/// `Idempotency-Key` replays the first answer (the middleware).
struct RequestRoutes {
    let services: APIServices

    func add(to group: RouteTable) {
        group.get("requests", use: list)
        group.post("requests/{id}/answer", use: answer)
    }

    static let answerRoute = "POST \(APIApplication.prefix)/requests/{id}/answer"

    @Sendable func list(_ request: Request, context: APIContext) async throws -> Response {
        let query = try request.query(allowed: ["limit"])
        let limit = try Parameter.int(query["limit"], "limit", range: 1...500) ?? 100
        let found = try await services.door.openRequests(for: try context.caller(), limit: limit)
        return JSONResponse.make(["items": .array(found.map { open in
            .object(["id": JSONResponse.id(open.id), "case": JSONResponse.id(open.caseID), "request": .string(open.request),
                     "label": .string(open.label), "opened_at": JSONResponse.time(open.openedAt),
                     "due_at": JSONResponse.time(open.dueAt)])
        })])
    }

    @Sendable func answer(_ request: Request, context: APIContext) async throws -> Response {
        _ = try request.query(allowed: [])
        let id = try Parameter.pathID(context)
        var request = request
        let body = try await BodyReader.object(&request, allowed: ["value", "refused", "note"])
        let note = try body.string("note")
        if let note, note.count > 10_000 { throw Problem.badRequest("a note is at most 10,000 characters", pointer: "/note") }
        let answer: RequestAnswer
        switch (body.members["value"].flatMap { $0.isNull ? nil : $0 }, try body.string("refused")) {
        case (let value?, nil):
            answer = .value(value)
        case (nil, let reason?):
            guard !reason.trimmingCharacters(in: .whitespaces).isEmpty, reason.count <= 2_000 else {
                throw Problem.badRequest("'refused' gives the reason of the refusal, 1 to 2,000 characters", pointer: "/refused")
            }
            answer = .refused(reason)
        case (.some, .some):
            throw Problem(CaseFailure(.invalid, "an answer is a value or a refusal, not both", problems: [
                .init("send the value the request provides…", pointer: "/value"), .init("…or the reason of a refusal", pointer: "/refused"),
            ]))
        case (nil, nil):
            throw Problem.badRequest("send {\"value\": …} (the field the request provides) or {\"refused\": \"reason\"}", pointer: "/value")
        }
        let (reading, run) = try await services.door.answerRequest(id, answer: answer, note: note,
                                                                   by: .agent(try context.caller(), via: Self.answerRoute))
        return JSONResponse.make(.object([
            "id": JSONResponse.id(run.id), "case": JSONResponse.id(reading.id), "request": .string(run.request),
            "status": .string(run.status.rawValue), "version": .number(JSONNumber(run.versions)),
            "case_version": .number(JSONNumber(reading.record.snapshot.version)),
        ]))
    }
}
