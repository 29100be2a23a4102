import Foundation

extension WorkflowValidator {
    /// Legal clocks: every state they name exists (`STATE`, or `TRACK.STATE` of a parallel
    /// state's track), `on_expiry` names a state of the main machine or a known escalation,
    /// `warn_before` is shorter than the clock, and a clock that no path can start is told.
    mutating func checkClocks() {
        var seen: Set<String> = []
        let reachable = reachableMainStates()
        for clock in workflow.clocks {
            if !seen.insert(clock.id.value).inserted {
                error("clock '\(clock.id.value)' is defined twice; give each clock its own id", at: clock.id.location)
            }
            let context = "clock '\(clock.id.value)'"
            let errorsBefore = diagnostics.count
            for (key, references) in [("starts_on", clock.startsOn), ("suspended_in", clock.suspendedIn), ("stops_on", clock.stopsOn)] {
                for reference in references { checkClockState(reference, context: "'\(key)' of \(context)") }
            }
            if clock.startsOn.isEmpty {
                error("'starts_on' of \(context) names no state; the clock could never start", at: clock.id.location)
            }
            switch clock.onExpiry {
            case .state(let id) where workflow.state(id.value) == nil:
                unknown("state", id, among: workflow.states.map(\.id.value), context: "'on_expiry' of \(context)")
            case .escalate(let code):
                let builtIn = [EscalationReason.clockExpired.rawValue, EscalationReason.agentRaised.rawValue]
                if !builtIn.contains(code.value), workflow.exception(code.value) == nil {
                    unknown("exception", code, among: workflow.exceptions.map(\.code.value) + builtIn, context: "'on_expiry' of \(context)")
                }
            default:
                break
            }
            let base = Date(timeIntervalSince1970: 2_000_000_000)
            if let warn = clock.warnBefore, let length = try? clock.duration.value.added(to: base),
               let ahead = try? warn.value.added(to: base), ahead >= length {
                error("'warn_before' of \(context) (\(warn.value)) is not shorter than the clock (\(clock.duration.value)): the warning would come before the clock starts", at: warn.location)
            }
            // A misspelt state is reported once, as such, not again as a clock that never starts.
            if let reachable, diagnostics.count == errorsBefore, !clock.startsOn.contains(where: { reachable.contains(mainStateOf($0)) }) {
                warning("no path from '\(workflow.start.value)' enters a state of 'starts_on' of \(context): it would never start", at: clock.id.location)
            }
        }
    }

    /// A `STATE` of the main machine or a `TRACK.STATE`.
    private mutating func checkClockState(_ reference: Located<String>, context: String) {
        let parts = reference.value.split(separator: ".", maxSplits: 1).map(String.init)
        if parts.count == 1 {
            if workflow.state(parts[0]) == nil {
                unknown("state", reference, among: workflow.states.map(\.id.value) + trackStateNames, context: context)
            }
            return
        }
        guard let track = tracks.first(where: { $0.track.id.value == parts[0] }) else {
            unknown("track", Located(parts[0], at: reference.location), among: tracks.map(\.track.id.value), context: context)
            return
        }
        if track.track.state(parts[1]) == nil {
            unknown("state", reference, among: track.track.states.map { "\(parts[0]).\($0.id.value)" }, context: context)
        }
    }

    /// The main state a reference lives in: itself, or the parallel state of its track.
    private func mainStateOf(_ reference: Located<String>) -> String { Self.mainState(of: reference, tracks: tracks) }

    private static func mainState(of reference: Located<String>, tracks: [(parent: String, track: TrackDefinition)]) -> String {
        let parts = reference.value.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return reference.value }
        return tracks.first { $0.track.id.value == parts[0] }?.parent ?? reference.value
    }

    /// Every track of every parallel state, with its parallel state.
    private var tracks: [(parent: String, track: TrackDefinition)] {
        workflow.states.flatMap { state -> [(parent: String, track: TrackDefinition)] in
            guard case .parallel(let parallel) = state.kind else { return [] }
            return parallel.tracks.map { (state.id.value, $0) }
        }
    }

    private var trackStateNames: [String] {
        tracks.flatMap { entry in entry.track.states.map { "\(entry.track.id.value).\($0.id.value)" } }
    }

    /// The main states reachable from `start` (clocks' expiry targets and global actions
    /// included); nil when a broken reference makes the graph unreliable.
    private func reachableMainStates() -> Set<String>? {
        guard !hasBrokenStateReference else { return nil }
        var reachable: Set<String> = [workflow.start.value]
        var pending = [workflow.start.value] + workflow.globalActions.compactMap(\.target.state?.value)
            + workflow.clocks.compactMap(\.onExpiry.state?.value)
        reachable.formUnion(pending)
        while let id = pending.popLast() {
            for next in workflow.state(id).map({ workflow.successors(of: $0) }) ?? [] where reachable.insert(next.value).inserted {
                pending.append(next.value)
            }
        }
        return reachable
    }
}
