import Foundation

extension CaseAccess {
    /// The actions offered to this agent in the order a page lists them: first their own work
    /// (a track whose party is the agent's agency, a state whose queue they work), then the
    /// others, and last those that end the whole case (a withdrawal must not be the first form
    /// every body sees). The engine's order is kept within each part.
    public func inWorkOrder(_ actions: [AvailableAction], on snapshot: CaseSnapshot) -> [AvailableAction] {
        func rank(_ offer: AvailableAction) -> Int {
            if offer.closesCase { return 2 }
            let ownTrack = offer.track.map { track in
                snapshot.tracks.contains { $0.track == track && $0.waitingOn == agent.agency }
            } ?? false
            let ownQueue = offer.queue.map(mayWorkOn(queue:)) ?? false
            return ownTrack || ownQueue ? 0 : 1
        }
        return actions.enumerated()
            .sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }
            .map(\.element)
    }
}
