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
        // Every problem of the body at once.
        var problems: [CaseFailure.Problem] = []
        let noteValue = body.members["note"].flatMap { $0.isNull ? nil : $0 }
        let note = noteValue?.stringValue
        if noteValue != nil && note == nil { problems.append(.init("'note' must be a string", pointer: "/note")) }
        if let note, note.count > 10_000 { problems.append(.init("a note is at most 10,000 characters", pointer: "/note")) }
        let value = body.members["value"].flatMap { $0.isNull ? nil : $0 }
        let refusedValue = body.members["refused"].flatMap { $0.isNull ? nil : $0 }
        let reason = refusedValue?.stringValue
        if refusedValue != nil, reason.map({ $0.trimmingCharacters(in: .whitespaces).isEmpty || $0.count > 2_000 }) ?? true {
            problems.append(.init("'refused' gives the reason of the refusal, 1 to 2,000 characters", pointer: "/refused"))
        }
        switch (value, refusedValue) {
        case (.some, .some):
            problems += [.init("an answer is a value or a refusal, not both: send the value the request provides…", pointer: "/value"),
                         .init("…or the reason of a refusal", pointer: "/refused")]
        case (nil, nil):
            problems.append(.init("send {\"value\": …} (the field the request provides) or {\"refused\": \"reason\"}", pointer: "/value"))
        default:
            break
        }
        guard problems.isEmpty else {
            throw Problem(CaseFailure(.invalid, problems.count == 1 ? problems[0].detail
                                          : "\(problems.count) problems: " + problems.map(\.detail).joined(separator: "; "),
                                      problems: problems))
        }
        let answer: RequestAnswer = value.map(RequestAnswer.value) ?? .refused(reason ?? "")
        let (reading, run) = try await services.door.answerRequest(id, answer: answer, note: note,
                                                                   by: .agent(try context.caller(), via: Self.answerRoute))
        return JSONResponse.make(.object([
            "id": JSONResponse.id(run.id), "case": JSONResponse.id(reading.id), "request": .string(run.request),
            "status": .string(run.status.rawValue), "version": .number(JSONNumber(run.versions)),
            "case_version": .number(JSONNumber(reading.record.snapshot.version)),
        ]))
    }
}
