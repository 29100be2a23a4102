import Foundation

/// One event of the outbox: what a change meant for the systems outside (language brief,
/// "Events to and from other systems"), with the case as the change left it.
public struct OutboxEvent: Sendable, Hashable {
    public enum Kind: String, Sendable, CaseIterable {
        case created = "parcours.case.created"
        /// The state, a track or whose move it is changed.
        case changed = "parcours.case.changed"
        case escalated = "parcours.case.escalated"
        case closed = "parcours.case.closed"
        /// A request was sent to the agency asked (`data.request` says which).
        case requestOpened = "parcours.request.opened"
        /// A request was answered (a first answer or a newer version).
        case requestAnswered = "parcours.request.answered"
        /// A request sent ended without the agency's answer (`data.request.status`: `expired`,
        /// `stopped` by a revocation, `cancelled` with its state), so that its systems stop
        /// working on it.
        case requestClosed = "parcours.request.closed"
    }

    public var id: UUID
    public var kind: Kind
    public var caseID: UUID
    /// The case's version once the change is written (set by the writer): a case's events
    /// in order.
    public var caseVersion: Int
    /// The case after the change and, for an escalation, what was escalated.
    public var payload: JSONValue

    /// The events a change means, in the order a receiver should read them; `before` is the
    /// case as the change read it (nil for a new case) and `whoseMoveBefore` its list then.
    /// The engine calls it as it builds the change.
    static func of(_ change: CaseChange, before: CaseSnapshot?, whoseMoveBefore: [String]) -> [OutboxEvent] {
        let after = change.after
        var kinds: [(Kind, JSONValue?)] = []
        if let before {
            let moved = before.state != after.state || before.tracks.map(\.state) != after.tracks.map(\.state)
                || before.tracks.map(\.finished) != after.tracks.map(\.finished)
                || whoseMoveBefore != change.whoseMove
            if moved && !after.status.isClosed { kinds.append((.changed, nil)) }
        } else {
            kinds.append((.created, nil))
        }
        for task in change.openedTasks {
            guard let escalation = task.escalation else { continue }
            kinds.append((.escalated, .object([
                "reason": .string(escalation.reason), "queue": .string(task.queue), "state": .string(task.state),
                "track": task.track.map(JSONValue.string) ?? .null,
            ])))
        }
        for run in after.requests {
            let earlier = before?.requests.first { $0.id == run.id }
            if run.status == .sent, earlier?.status != .sent {
                kinds.append((.requestOpened, run.eventValue))
            } else if run.versions > (earlier?.versions ?? 0) {
                kinds.append((.requestAnswered, run.eventValue))
            } else if earlier?.status == .sent, [.expired, .stopped, .cancelled].contains(run.status) {
                kinds.append((.requestClosed, run.eventValue))
            }
        }
        if after.status.isClosed && before?.status.isClosed != true { kinds.append((.closed, nil)) }
        return kinds.map { kind, detail in
            var payload: [String: JSONValue] = [
                "status": .string(after.status.isClosed ? "closed" : "open"),
                "outcome": after.status.outcome.map(JSONValue.string) ?? .null,
                "state": .string(after.state),
                "tracks": .array(after.tracks.map { track in
                    .object(["track": .string(track.track), "state": .string(track.state), "finished": .bool(track.finished),
                             "waiting_on": .string(track.waitingOn)])
                }),
                "whose_move": .array(change.whoseMove.map(JSONValue.string)),
                "data": after.data,
            ]
            if let detail { payload[kind == .escalated ? "escalation" : "request"] = detail }
            // Which values other administrations provided, so that each read of the event
            // can be journaled with its request and legal basis.
            let provided = after.requests.filter { run in
                run.versions > 0 && AccessJournal.Source.stillHeld(run.answerDigest, at: run.field, in: after.data)
            }
            if !provided.isEmpty {
                payload["provided"] = .array(provided.map { .object(["field": .string($0.field), "request": .string($0.request)]) })
            }
            return OutboxEvent(id: UUID(), kind: kind, caseID: after.id, caseVersion: 0, payload: .object(payload))
        }
    }
}

extension RequestRun {
    /// What an event says of a request (the value itself is in `data`, as the reader may see it).
    var eventValue: JSONValue {
        .object([
            "id": .string(id.lowercasedString), "request": .string(request), "to": .string(agency), "field": .string(field),
            "status": .string(status.rawValue), "version": .number(JSONNumber(versions)),
            "reason": reason.map(JSONValue.string) ?? .null,
            "due_at": dueAt.map { .string(RFC3339.format($0, in: TimeZone(identifier: "UTC")!)) } ?? .null,
        ])
    }
}
