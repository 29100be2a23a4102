import Foundation
import Workflow

/// A case as the API shows it to one caller: only what their agency and role may see.
enum CaseView {
    static func json(_ reading: CaseReading) -> JSONValue {
        let record = reading.record
        let snapshot = record.snapshot
        return .object([
            "id": JSONResponse.id(snapshot.id),
            "workflow": .string(snapshot.workflowID),
            "workflow_version": .number(JSONNumber(snapshot.workflowVersion)),
            "version": .number(JSONNumber(snapshot.version)),
            "status": .string(snapshot.status.isClosed ? "closed" : "open"),
            "outcome": snapshot.status.outcome.map(JSONValue.string) ?? .null,
            "state": .string(snapshot.state),
            "public_label": reading.definition.state(snapshot.state)?.publicLabel.map(JSONValue.string) ?? .null,
            "waiting_on": .string(snapshot.waitingOn),
            "whose_move": .array(snapshot.whoseMove(in: reading.definition).map(JSONValue.string)),
            "external_refs": .object(record.externalRefs.mapValues(JSONValue.string)),
            "referent": snapshot.referent.map { .object(["agent": .string($0), "agency": record.referentAgency.map(JSONValue.string) ?? .null]) } ?? .null,
            "escalated": .bool(snapshot.isEscalated),
            "tracks": .array(snapshot.tracks.map { position in
                .object(["track": .string(position.track), "state": .string(position.state), "finished": .bool(position.finished),
                         "waiting_on": .string(position.waitingOn), "entered_state_at": JSONResponse.time(position.enteredStateAt)])
            }),
            "data": snapshot.data,
            "tasks": .array(snapshot.tasks.map(task)),
            "deadlines": .array(snapshot.timers.filter { $0.kind != .step && !$0.kind.isClock }.map { timer in
                .object(["kind": .string(timer.kind.rawValue), "state": .string(timer.state),
                         "track": timer.track.map(JSONValue.string) ?? .null, "due_at": JSONResponse.time(timer.dueAt)])
            }),
            // Legal clocks, with how each due date was computed (explained in French, the
            // language of the procedures; the pages explain in theirs).
            "clocks": .array(reading.clocks.map { $0.json(.french, at: Date()) }),
            "requests": .array(snapshot.requests.map { run in
                .object(["id": JSONResponse.id(run.id), "request": .string(run.request), "to": .string(run.agency),
                         "status": .string(run.status.rawValue),
                         "consent": .string(RequestWords.consent(run.request, snapshot, reading.definition)),
                         "due_at": JSONResponse.time(run.dueAt), "version": .number(JSONNumber(run.versions))])
            }),
            "actions": .array(reading.actions.map { offer in
                .object(["action": .string(offer.action), "track": offer.track.map(JSONValue.string) ?? .null,
                         "label": .string(offer.label)])
            }),
            "created_at": JSONResponse.time(snapshot.createdAt),
            "entered_state_at": JSONResponse.time(snapshot.enteredStateAt),
            "last_event_at": JSONResponse.time(snapshot.lastEventAt),
            "closed_at": JSONResponse.time(record.closedAt),
        ])
    }

    static func task(_ task: CaseTask) -> JSONValue {
        .object([
            "id": JSONResponse.id(task.id), "queue": .string(task.queue), "state": .string(task.state),
            "track": task.track.map(JSONValue.string) ?? .null,
            "kind": .string(task.kind.rawValue),
            "request": task.request.map(JSONResponse.id) ?? .null,
            "reason": task.escalation.map { .string($0.reason) } ?? .null,
            "context": task.escalation?.context ?? .null,
            "assignee": task.assignee.map(JSONValue.string) ?? .null,
            "sla_due_at": JSONResponse.time(task.slaDueAt), "opened_at": JSONResponse.time(task.openedAt),
        ])
    }

    static func history(_ records: [HistoryRecord]) -> JSONValue {
        .array(records.map { record in
            var object = record.entry.jsonMembers { RFC3339.format($0, in: TimeZone(identifier: "UTC")!) }
            object["sequence"] = .number(JSONNumber(Int(record.sequence)))
            object["case_version"] = .number(JSONNumber(record.caseVersion))
            return .object(object)
        })
    }
}
