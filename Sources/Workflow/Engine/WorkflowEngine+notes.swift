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
