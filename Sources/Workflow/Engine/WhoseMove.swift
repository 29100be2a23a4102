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
        if requests.contains(where: stillAsksCitizen) {
            parties.append("usager")
        }
        var seen: Set<String> = []
        return parties.filter { seen.insert($0).inserted }
    }

    /// Whether a request's fallback still asks the person for its field: asked, and neither
    /// answered by the agency nor provided since.
    public func stillAsksCitizen(_ run: RequestRun) -> Bool {
        run.askedCitizen && run.status != .answered && data.value(at: run.field) == nil
    }
}
