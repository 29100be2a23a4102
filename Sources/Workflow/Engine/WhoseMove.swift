import Foundation

extension CaseSnapshot {
    /// Whose move it is (language brief, "Whose move, in parallel work"): the parties of the
    /// open tracks of a parallel state (the state's own party elsewhere, or once every track
    /// has finished), then the agency of each queue holding an open escalation; nobody on a
    /// closed case. Each party once, in that order.
    public func whoseMove(in definition: WorkflowDefinition) -> [String] {
        guard !status.isClosed else { return [] }
        let openTracks = tracks.filter { !$0.finished }
        var parties = openTracks.isEmpty ? [waitingOn] : openTracks.map(\.waitingOn)
        parties += tasks.compactMap { task in task.escalation == nil ? nil : definition.agency(ofQueue: task.queue) }
        // A request's fallback asked the citizen for a field not yet provided: theirs too.
        if requests.contains(where: { $0.askedCitizen && $0.status != .answered && data.value(at: $0.field) == nil }) {
            parties.append("usager")
        }
        var seen: Set<String> = []
        return parties.filter { seen.insert($0).inserted }
    }
}
