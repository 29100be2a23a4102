import Foundation

extension WorkflowEngine {
    /// Merges a correction into the case's data and checks it; an agent may change only the
    /// fields they may edit. The case does not move (evaluating again is a separate event).
    /// The citizen's portal and the engine do not correct data.
    func correctData(_ data: JSONValue, actor: CaseActor, note: String?, change: inout ChangeBuilder) throws(Refusal) {
        switch actor.kind {
        case .citizen, .engine:
            throw Refusal(.notAllowed, "\(actor.recorded) may not correct a case's data; an agent or an operator can")
        case .agent, .operatorUser:
            break
        }
        let before = change.snapshot.data
        let corrected = try merged(data, into: before)
        try checkData(corrected)
        try checkEditable(from: before, to: corrected, actor: actor)
        change.snapshot.data = corrected
        change.record("data-corrected", from: change.snapshot.state, dataDiff: validator.diff(from: before, to: corrected),
                      note: note)
    }
}
