import Foundation

extension WorkflowEngine {
    /// The one offer of action `name` this actor may fire, by the brief's rules: in the named
    /// track only; without a track, in every open track and the main state's `on` (global actions
    /// when none of them offers it). Refuses with why when there is none, or more than one.
    func offer(of name: String, track: String?, actor: CaseActor, snapshot: CaseSnapshot) throws(Refusal) -> ActionOffer {
        let found = try offers(of: name, track: track, snapshot: snapshot)
        if found.isEmpty {
            throw absentAction(name, track: track, snapshot: snapshot)
        }
        let allowed = found.filter { actor.mayFire($0.firers) }
        if allowed.isEmpty {
            let who = Set(found.map(\.firers.description)).sorted().joined(separator: "; ")
            throw Refusal(.roleNotAllowed, "\(actor.recorded) may not fire '\(name)' here; it may be fired by \(who)")
        }
        if allowed.count > 1 {
            let places = allowed.map(\.placeDescription).joined(separator: ", ")
            let tracks = allowed.compactMap(\.track)
            throw Refusal(.ambiguousTrack,
                          "'\(name)' is offered to you in \(places); name the track (one of: \(tracks.joined(separator: ", ")))")
        }
        return allowed[0]
    }

    /// Every place offering `name` now, whoever may fire it.
    private func offers(of name: String, track: String?, snapshot: CaseSnapshot) throws(Refusal) -> [ActionOffer] {
        guard let main = definition.state(snapshot.state) else { return [] }
        if let track {
            let position = try openTrack(track, snapshot)
            guard let state = trackState(position.state, track: track, snapshot: snapshot), !Self.isAuto(state),
                  let transition = state.action(name) else { return [] }
            return [ActionOffer(transition: transition, state: state, track: track,
                                firers: definition.firers(of: transition, in: state))]
        }
        var found: [ActionOffer] = []
        for position in snapshot.tracks where !position.finished {
            guard let state = trackState(position.state, track: position.track, snapshot: snapshot), !Self.isAuto(state),
                  let transition = state.action(name) else { continue }
            found.append(ActionOffer(transition: transition, state: state, track: position.track,
                                     firers: definition.firers(of: transition, in: state)))
        }
        if !Self.isAuto(main), !main.isFinal, let transition = main.action(name) {
            found.append(ActionOffer(transition: transition, state: main, track: nil,
                                     firers: definition.firers(of: transition, in: main)))
        }
        if found.isEmpty, !main.isFinal, let transition = definition.globalActions.first(where: { $0.action.value == name }) {
            found.append(ActionOffer(transition: transition, state: nil, track: nil,
                                     firers: definition.firers(of: transition, in: nil)))
        }
        return found
    }

    /// The refusal for an action offered nowhere now: not available here (naming what is), or
    /// unknown to the workflow (with a suggestion).
    private func absentAction(_ name: String, track: String?, snapshot: CaseSnapshot) -> Refusal {
        let available = availableActions(snapshot, track: track)
        let list = available.isEmpty ? "none" : available.joined(separator: ", ")
        let place = track.map { "track '\($0)'" } ?? "state '\(snapshot.state)'"
        if allActionNames.contains(name) {
            return Refusal(.actionNotAvailable, "'\(name)' is not available in \(place); available here: \(list)")
        }
        var message = "the workflow has no action '\(name)'"
        if let close = Suggestion.closest(to: name, among: allActionNames) { message += "; did you mean '\(close)'?" }
        return Refusal(.unknownAction, message + "; available here: \(list)")
    }

    /// The names of the actions offered now (whoever may fire them), sorted.
    public func availableActions(_ snapshot: CaseSnapshot, track: String? = nil) -> [String] {
        guard !snapshot.status.isClosed, let main = definition.state(snapshot.state) else { return [] }
        var names = Set<String>()
        for position in snapshot.tracks where !position.finished && (track == nil || position.track == track) {
            guard let state = trackState(position.state, track: position.track, snapshot: snapshot),
                  !Self.isAuto(state) else { continue }
            names.formUnion(state.actions.map(\.action.value))
        }
        if track == nil {
            if !Self.isAuto(main) { names.formUnion(main.actions.map(\.action.value)) }
            if !main.isFinal { names.formUnion(definition.globalActions.map(\.action.value)) }
        }
        return names.sorted()
    }

    /// Every action name the workflow defines, anywhere.
    var allActionNames: Set<String> {
        var names = Set(definition.globalActions.map(\.action.value))
        for state in definition.states {
            names.formUnion(state.actions.map(\.action.value))
            if case .parallel(let parallel) = state.kind {
                for track in parallel.tracks {
                    for inner in track.states { names.formUnion(inner.actions.map(\.action.value)) }
                }
            }
        }
        return names
    }

    /// Auto states never offer their `on`: the case leaves them at once (or waits on an escalation).
    static func isAuto(_ state: StateDefinition) -> Bool {
        if case .auto = state.kind { return true }
        return false
    }
}
