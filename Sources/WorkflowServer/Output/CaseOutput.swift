import Foundation
import Workflow

/// A case printed for a person (state, tracks, whose move, tasks, escalations, history)
/// or as JSON for scripts.
enum CaseOutput {
    /// `whoseMove`: every party holding the case (`CaseSnapshot.whoseMove`).
    static func text(_ record: CaseRecord, whoseMove: [String], clocks: [CaseClock] = []) -> String {
        let snapshot = record.snapshot
        var lines: [String] = []
        let status = snapshot.status.outcome.map { "closed (\($0))" } ?? "open"
        lines.append("case \(snapshot.id.lowercasedString)")
        lines.append("  workflow    \(snapshot.workflowID) v\(snapshot.workflowVersion)")
        lines.append("  status      \(status), version \(snapshot.version)")
        lines.append("  state       \(snapshot.state) since \(format(snapshot.enteredStateAt))")
        lines.append("  whose move  \(whoseMove.isEmpty ? "nobody" : whoseMove.joined(separator: ", "))")
        if let referent = snapshot.referent {
            lines.append("  referent    \(referent)\(record.referentAgency.map { " (\($0))" } ?? "")")
        }
        for track in snapshot.tracks {
            lines.append("  track       \(track.track): \(track.state)\(track.finished ? " (finished)" : ", waiting on \(track.waitingOn)")")
        }
        if !snapshot.tasks.isEmpty {
            lines.append("  open tasks")
            for task in snapshot.tasks {
                let kind = task.escalation.map { "ESCALATION \($0.reason)" } ?? task.request.map { "request \($0.lowercasedString) to answer" } ?? "task"
                let due = task.slaDueAt.map { ", due \(format($0))" } ?? ""
                let holder = task.assignee.map { ", held by \($0)" } ?? ""
                lines.append("    \(kind) in queue \(task.queue) (state \(task.track.map { "\($0)/" } ?? "")\(task.state)\(due)\(holder)) \(task.id.lowercasedString)")
                if let context = task.escalation?.context, context != .object([:]) {
                    lines.append("      context: \(context.serialized())")
                }
            }
        }
        if !snapshot.timers.isEmpty {
            lines.append("  pending timers")
            for timer in snapshot.timers {
                lines.append("    \(timer.kind.rawValue) on \(timer.track.map { "\($0)/" } ?? "")\(timer.state), due \(format(timer.dueAt))")
            }
        }
        for clock in clocks {
            lines.append("  clock       \(clock.clock.id.value): \(clock.run.status.rawValue)\(clock.run.dueAt.map { ", due \(format($0))" } ?? "")")
            for line in clock.lines(.english) { lines.append("      " + line) }
        }
        lines.append("  data        \(snapshot.data.serialized())")
        lines.append("  history")
        for record in record.history {
            lines.append("    " + historyLine(record.entry))
        }
        return lines.joined(separator: "\n")
    }

    static func historyLine(_ entry: HistoryEntry) -> String {
        var parts = [format(entry.at), entry.actor, entry.event]
        if let name = entry.name { parts.append(name) }
        if let from = entry.fromState, let to = entry.toState, from != to {
            parts.append("\(from) → \(to)")
        } else if let to = entry.toState ?? entry.fromState {
            parts.append("in \(to)")
        }
        if let track = entry.track { parts.append("[track \(track)]") }
        if let reason = entry.reason { parts.append("reason: \(reason)") }
        if let note = entry.note { parts.append("note: \"\(note)\"") }
        if let diff = entry.dataDiff { parts.append("data: \(diff.serialized())") }
        if let context = entry.context { parts.append("context: \(context.serialized())") }
        parts.append("(waiting on \(entry.waitingOn))")
        return parts.joined(separator: "  ")
    }

    static func json(_ record: CaseRecord, whoseMove: [String], clocks: [CaseClock] = []) -> JSONValue {
        let snapshot = record.snapshot
        return .object([
            "clocks": .array(clocks.map { $0.json(.english, at: Date()) }),
            "id": .string(snapshot.id.lowercasedString),
            "workflow": .string(snapshot.workflowID),
            "workflow_version": .number(JSONNumber(snapshot.workflowVersion)),
            "version": .number(JSONNumber(snapshot.version)),
            "status": .string(snapshot.status.isClosed ? "closed" : "open"),
            "outcome": snapshot.status.outcome.map(JSONValue.string) ?? .null,
            "state": .string(snapshot.state),
            "tracks": .array(snapshot.tracks.map { track in
                .object(["track": .string(track.track), "state": .string(track.state), "finished": .bool(track.finished),
                         "waiting_on": .string(track.waitingOn), "entered_state_at": .string(format(track.enteredStateAt))])
            }),
            "waiting_on": .string(snapshot.waitingOn),
            "whose_move": .array(whoseMove.map(JSONValue.string)),
            "referent": snapshot.referent.map { .object(["agent": .string($0), "agency": record.referentAgency.map(JSONValue.string) ?? .null]) } ?? .null,
            "escalated": .bool(snapshot.isEscalated),
            "data": snapshot.data,
            "tasks": .array(snapshot.tasks.filter { $0.escalation == nil }.map(task)),
            "escalations": .array(snapshot.tasks.filter { $0.escalation != nil }.map(task)),
            "timers": .array(snapshot.timers.map { timer in
                .object(["id": .string(timer.id.lowercasedString), "kind": .string(timer.kind.rawValue),
                         "state": .string(timer.state), "track": timer.track.map(JSONValue.string) ?? .null,
                         "due_at": .string(format(timer.dueAt))])
            }),
            "created_at": .string(format(snapshot.createdAt)),
            "entered_state_at": .string(format(snapshot.enteredStateAt)),
            "last_event_at": .string(format(snapshot.lastEventAt)),
            "history": .array(record.history.map { history($0) }),
        ])
    }

    static func task(_ task: CaseTask) -> JSONValue {
        .object([
            "id": .string(task.id.lowercasedString),
            "queue": .string(task.queue),
            "state": .string(task.state),
            "track": task.track.map(JSONValue.string) ?? .null,
            "kind": .string(task.kind.rawValue),
            "request": task.request.map { .string($0.lowercasedString) } ?? .null,
            "reason": task.escalation.map { .string($0.reason) } ?? .null,
            "context": task.escalation?.context ?? .null,
            "assignee": task.assignee.map(JSONValue.string) ?? .null,
            "sla_due_at": task.slaDueAt.map { .string(format($0)) } ?? .null,
            "opened_at": .string(format(task.openedAt)),
        ])
    }

    static func history(_ record: HistoryRecord) -> JSONValue {
        var members = record.entry.jsonMembers(time: format)
        members["sequence"] = .number(JSONNumber(Int(record.sequence)))
        members["case_version"] = .number(JSONNumber(record.caseVersion))
        return .object(members)
    }

    static func format(_ date: Date) -> String {
        RFC3339.format(date, in: TimeZone(identifier: "UTC")!)
    }
}
