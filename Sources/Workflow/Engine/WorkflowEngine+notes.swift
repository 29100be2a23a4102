import Foundation

extension WorkflowEngine {
    /// An agent's (or operator's) note on the case, kept in its history; the case does not move.
    func addNote(_ note: String?, actor: CaseActor, change: inout ChangeBuilder) throws(Refusal) {
        switch actor.kind {
        case .citizen, .engine:
            throw Refusal(.notAllowed, "\(actor.recorded) may not write notes on a case; agents and operators can")
        case .agent, .operatorUser:
            break
        }
        guard let note, !note.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw Refusal(.noteRequired, "a note needs a text")
        }
        change.record("note", from: change.snapshot.state, note: note)
    }
}

extension WorkflowEngine {
    /// Names, changes or removes the case's referent: one `referent` history line saying from
    /// whom to whom (`name` is the new referent, absent when removed). Who may do it and who
    /// may be named are the door's rules (`CaseService.setReferent`); the engine refuses the
    /// citizen and a change that changes nothing.
    func setReferent(_ agent: String?, actor: CaseActor, note: String?, change: inout ChangeBuilder) throws(Refusal) {
        if case .citizen = actor.kind { throw Refusal(.notAllowed, "the person may not name a case's referent") }
        let before = change.snapshot.referent
        guard before != agent else {
            throw Refusal(.notAllowed, agent.map { "\($0) is already the case's referent" } ?? "the case has no referent to remove")
        }
        change.snapshot.referent = agent
        change.record("referent", from: change.snapshot.state, name: agent,
                      context: .object(["from": before.map(JSONValue.string) ?? .null, "to": agent.map(JSONValue.string) ?? .null]),
                      note: note)
    }
}
