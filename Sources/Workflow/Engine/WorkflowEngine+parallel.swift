import Foundation

extension WorkflowEngine {
    /// Opens the tracks of a parallel state being entered, afresh from their start, with the
    /// case's data as it stands: a track opens when its `when` is true or absent; a `when` that is
    /// unknown leaves the track undecided and escalates the case as `missing-data`.
    func openTracks(of state: StateDefinition, _ parallel: ParallelStateDefinition, change: inout ChangeBuilder) {
        decideTracks(parallel.tracks, of: state, change: &change)
    }

    /// Decides whether each of `tracks` opens, then enters the start of those that do. All
    /// positions are decided before any start is entered, so an automatic start that finishes
    /// its track at once cannot satisfy the join before the other tracks are opened.
    func decideTracks(_ tracks: [TrackDefinition], of state: StateDefinition, change: inout ChangeBuilder) {
        var opening: [(TrackDefinition, StateDefinition)] = []
        for track in tracks where decide(track, of: state, change: &change) {
            guard let start = track.state(track.start.value) else {
                escalate(.actionFailed, context: ["track": .string(track.id.value),
                                                  "error": .string("the start state '\(track.start.value)' of track '\(track.id.value)' is not defined")],
                         state: state.id.value, track: nil, change: &change)
                continue
            }
            opening.append((track, start))
        }
        for (track, start) in opening {
            change.record("track-opened", from: state.id.value, to: start.id.value, track: track.id.value,
                          waitingOn: start.waitingOn.value)
            enterTrack(track.id.value, state: start, from: nil, change: &change)
        }
    }

    /// Whether `track` opens: its `when` is absent or true. False records that the track is not
    /// opened; unknown escalates `missing-data` naming the fields, a run-time failure
    /// `action-failed`; both leave the track undecided until the case is evaluated again.
    private func decide(_ track: TrackDefinition, of state: StateDefinition, change: inout ChangeBuilder) -> Bool {
        guard let when = track.when else { return true }
        let name = JSONValue.string(track.id.value)
        guard let compiled = when.compiled else {
            escalate(.actionFailed, context: ["track": name, "when": .string(when.text),
                                              "error": .string("the condition has an error and cannot be evaluated")],
                     state: state.id.value, track: nil, change: &change)
            return false
        }
        let (result, seen) = evaluator(at: change.now).conditionWithValues(compiled.syntax, data: change.snapshot.data)
        switch result {
        case .true:
            return true
        case .false:
            change.record("track-skipped", from: state.id.value, track: track.id.value, reason: "when-false",
                          context: ["when": .string(when.text), "values": .object(seen)])
            return false
        case .unknown(let missing):
            escalate(.missingData, context: ["track": name, "when": .string(when.text), "field": .string(missing.first ?? ""),
                                             "fields": .array(missing.map(JSONValue.string))],
                     state: state.id.value, track: nil, change: &change)
            return false
        case .failure(let failure):
            escalate(.actionFailed, context: ["track": name, "when": .string(when.text), "error": .string(failure.message)],
                     state: state.id.value, track: nil, change: &change)
            return false
        }
    }

    /// The tracks of the current parallel state whose `when` could not be decided: not opened,
    /// and held by an open `missing-data` or `action-failed` escalation of the parallel state
    /// that names them. Deriving this from the tasks keeps it in what the store already writes.
    func undecidedTracks(_ snapshot: CaseSnapshot) -> [TrackDefinition] {
        guard let parallel = parallel(of: snapshot) else { return [] }
        let held = Set(snapshot.tasks.compactMap { task -> String? in
            guard task.track == nil, task.state == snapshot.state, let escalation = task.escalation,
                  escalation.reason == EscalationReason.missingData.rawValue
                    || escalation.reason == EscalationReason.actionFailed.rawValue else { return nil }
            return escalation.context.value(at: "track")?.stringValue
        })
        return parallel.tracks.filter { track in
            held.contains(track.id.value) && !snapshot.tracks.contains { $0.track == track.id.value }
        }
    }

    /// Whether the join of the current parallel state is satisfied: `all` when every opened track
    /// finished and none is undecided (so also when no track opened at all); `any` when one finished.
    func joinSatisfied(_ snapshot: CaseSnapshot, _ parallel: ParallelStateDefinition) -> Bool {
        let undecided = undecidedTracks(snapshot)
        switch parallel.join {
        case .all:
            return undecided.isEmpty && snapshot.tracks.allSatisfy(\.finished)
        case .any:
            return snapshot.tracks.contains(where: \.finished) || (snapshot.tracks.isEmpty && undecided.isEmpty)
        }
    }

    /// Leaves the current parallel state for its `next` when its join is satisfied, closing every
    /// track's tasks and timers; counted as an automatic move, so that parallel states joining at
    /// once cannot loop without end.
    func settleJoin(_ change: inout ChangeBuilder) {
        guard !change.snapshot.status.isClosed, let state = definition.state(change.snapshot.state),
              case .parallel(let parallel) = state.kind, joinSatisfied(change.snapshot, parallel) else { return }
        guard takeAutomaticStep(in: state, track: nil, change: &change) else { return }
        let finished = change.snapshot.tracks.filter(\.finished).map { JSONValue.string($0.track) }
        change.record("joined", from: state.id.value, to: parallel.next.value, reason: parallel.join.rawValue,
                      context: ["finished": .array(finished)])
        move(to: parallel.next.value, track: nil, from: state, resolution: "parallel state joined", change: &change)
    }
}
