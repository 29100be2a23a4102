import Foundation
import Workflow

/// A case as the citizen's portal shows it to the person: where it stands in words, whose
/// move it is, the dates, and what they may do; no internal data, tasks or notes.
enum PortalView {
    static func json(_ reading: CaseReading) -> JSONValue {
        let (record, definition) = (reading.record, reading.definition)
        let snapshot = record.snapshot
        // Whose move: each open track's party, each open escalation's agency; nobody once closed.
        let parties = snapshot.whoseMove(in: definition)
        let actions = reading.actions.map { JSONValue.string($0.action) }
        // What the portal writes on each action's button: its label, or its id.
        let labels = Dictionary(reading.actions.map { ($0.action, JSONValue.string($0.label)) }, uniquingKeysWith: { first, _ in first })
        return .object([
            "id": JSONResponse.id(snapshot.id),
            "workflow": .string(snapshot.workflowID),
            "title": definition.title.map(JSONValue.string) ?? .null,
            "status": .string(snapshot.status.isClosed ? "closed" : "open"),
            "public_label": definition.state(snapshot.state)?.publicLabel.map(JSONValue.string) ?? .null,
            "waiting_on": .string(snapshot.status.isClosed ? "nobody" : party(parties)),
            "agencies": .array(parties.filter { $0 != "usager" && $0 != "engine" }.map(JSONValue.string)),
            "parts": .array(parts(snapshot, definition)),
            "clocks": .array(clocks(reading)),
            "requests": .array(RequestWords.portal(snapshot, definition)),
            "actions": .array(actions),
            "action_labels": .object(labels),
            "created_at": JSONResponse.time(snapshot.createdAt),
            "since": JSONResponse.time(snapshot.enteredStateAt),
            "last_event_at": JSONResponse.time(snapshot.lastEventAt),
            "closed_at": JSONResponse.time(record.closedAt),
            "referent": referent(record, definition),
            "contact": contact(record, definition, parties: parties),
        ])
    }

    /// The case's referent as the workflow lets the person see it (`referent.shown_to_citizen`):
    /// the agent and their agency (`name`), their agency only (`agency`, the default), or
    /// nothing (`none`, and when the case has no referent).
    static func referent(_ record: CaseRecord, _ definition: WorkflowDefinition) -> JSONValue {
        guard let agent = record.snapshot.referent else { return .null }
        let agency = agencyJSON(record.referentAgency, definition)
        switch definition.referentRules.shownToCitizen {
        case .none: return .null
        case .agency: return .object(agency)
        case .name: return .object(agency.merging(["name": .string(agent)]) { first, _ in first })
        }
    }

    /// The administration the person may contact about the case: the referent's, when the
    /// person may be told it; else the one agency whose move it is, when there is one.
    static func contact(_ record: CaseRecord, _ definition: WorkflowDefinition, parties: [String]) -> JSONValue {
        if record.snapshot.referent != nil, definition.referentRules.shownToCitizen != .none, record.referentAgency != nil {
            return .object(agencyJSON(record.referentAgency, definition))
        }
        let agencies = parties.filter { definition.agency($0) != nil }
        guard agencies.count == 1 else { return .null }
        return .object(agencyJSON(agencies[0], definition))
    }

    private static func agencyJSON(_ agency: String?, _ definition: WorkflowDefinition) -> [String: JSONValue] {
        ["agency": agency.map(JSONValue.string) ?? .null,
         "agency_name": agency.flatMap { definition.agency($0) }.map { .string($0.name) } ?? .null]
    }

    /// Each open track in the person's words: the agency holding it and the track's state's
    /// `public_label` (what the person is told of that part).
    static func parts(_ snapshot: CaseSnapshot, _ definition: WorkflowDefinition) -> [JSONValue] {
        guard !snapshot.status.isClosed, case .parallel(let parallel)? = definition.state(snapshot.state)?.kind else { return [] }
        return snapshot.tracks.filter { !$0.finished }.map { position in
            let state = parallel.track(position.track)?.states.first { $0.id.value == position.state }
            return .object([
                "agency": .string(position.waitingOn),
                "agency_name": definition.agency(position.waitingOn).map { .string($0.name) } ?? .null,
                "public_label": state?.publicLabel.map(JSONValue.string) ?? .null,
            ])
        }
    }

    /// The legal delays in the person's words: which, until when, and what the
    /// administration's silence will mean; the states named by their public labels.
    static func clocks(_ reading: CaseReading) -> [JSONValue] {
        let now = Date()
        return reading.clocks.map { clock in
            .object([
                "label": .string(clock.clock.title), "status": .string(clock.run.status.rawValue),
                "due_at": JSONResponse.time(clock.run.dueAt), "days_left": clock.daysLeft(at: now).map { .number(JSONNumber($0)) } ?? .null,
                "silence": .string(clock.clock.silence.rawValue),
                "explanation": .array(clock.lines(.french, forPerson: true).map(JSONValue.string)),
            ])
        }
    }

    /// The person's move when any part waits on them; the administration's when an agency
    /// holds it; the engine's only when nothing else does.
    static func party(_ parties: [String]) -> String {
        if parties.contains("usager") { return "usager" }
        if parties.contains(where: { $0 != "engine" }) { return "administration" }
        return "engine"
    }
}
