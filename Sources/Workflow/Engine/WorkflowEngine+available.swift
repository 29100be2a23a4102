import Foundation

extension WorkflowEngine {
    /// The actions `actor` may fire on the case now, each where it is offered to them: what a
    /// case page shows as buttons (guards and required data are checked when it is fired).
    public func actions(for actor: CaseActor, _ snapshot: CaseSnapshot) -> [AvailableAction] {
        var result: [AvailableAction] = []
        for name in availableActions(snapshot) {
            if let offer = try? offer(of: name, track: nil, actor: actor, snapshot: snapshot) {
                result.append(AvailableAction(offer, name: name, track: offer.track, definition: definition))
                continue
            }
            for position in snapshot.tracks where !position.finished {
                if let offer = try? offer(of: name, track: position.track, actor: actor, snapshot: snapshot) {
                    result.append(AvailableAction(offer, name: name, track: position.track, definition: definition))
                }
            }
        }
        return result
    }
}
