import Foundation

extension WorkflowEngine {
    /// Every reason the case cannot move from `old` to this engine's version with `mapping`;
    /// empty when it fits. Pure: a dry run and the migration itself judge with it alike.
    public func misfits(of snapshot: CaseSnapshot, from old: WorkflowDefinition, mapping: StateMapping) -> [MisfitReason] {
        var reasons: [MisfitReason] = []
        let version = definition.version.value
        let name = mapping.main(snapshot.state)
        if let state = definition.state(name) {
            if let former = old.state(snapshot.state), !Self.compatible(former.kind, state.kind) {
                reasons.append(MisfitReason(.kindChanged, "state '\(name)' is \(state.kind.name) in version \(version), \(former.kind.name) in version \(old.version.value)",
                                            state: snapshot.state))
            } else if case .parallel(let parallel) = state.kind {
                reasons += trackMisfits(snapshot, parallel, old: old, mapping: mapping)
            }
        } else {
            reasons.append(MisfitReason(.stateMissing, Self.missing(snapshot.state, mapped: name, track: nil, version: version),
                                        state: snapshot.state))
        }
        for problem in validator.problems(in: snapshot.data) {
            // A group of fields the version no longer has: each field of it the case holds, by its own path.
            if !problem.path.isEmpty, !validator.isDeclared(problem.path), !validator.isGroup(problem.path),
               let inner = snapshot.data.value(at: problem.path)?.objectValue, !inner.isEmpty {
                for leaf in Self.leaves(inner, prefix: problem.path) {
                    reasons.append(MisfitReason(.invalidData, "under version \(version)'s fields: the workflow does not declare the field '\(leaf)'",
                                                field: leaf))
                }
                continue
            }
            reasons.append(MisfitReason(.invalidData, "under version \(version)'s fields: \(problem.description)",
                                        field: problem.path.isEmpty ? nil : problem.path))
        }
        for run in snapshot.clocks where run.isLive && definition.clock(run.name) == nil {
            reasons.append(MisfitReason(.clockMissing, "the legal clock '\(run.name)' runs for the case and version \(version) has no such clock"))
        }
        // A request under way keeps its state, its timer and its answer to come: it moves only
        // when the new version asks the same thing in a state of the same name.
        for run in snapshot.requests where run.status == .sent || run.status == .withheld {
            let mapped = run.track.map { mapping.track($0, run.state) } ?? mapping.main(run.state)
            if definition.request(run.request) == nil {
                reasons.append(MisfitReason(.requestOpen, "the request '\(run.request)' to '\(run.agency)' is under way and version \(version) has no such request; wait for its answer or settle the case by override",
                                            state: run.state, track: run.track))
            } else if mapped != run.state {
                reasons.append(MisfitReason(.requestOpen, "the request '\(run.request)' to '\(run.agency)' is under way in '\(run.state)', which version \(version) renames '\(mapped)'; wait for its answer or settle the case by override",
                                            state: run.state, track: run.track))
            }
        }
        return reasons
    }

    /// The dotted paths of the values under `members` (an empty object counts as a value).
    static func leaves(_ members: [String: JSONValue], prefix: String) -> [String] {
        members.keys.sorted().flatMap { key -> [String] in
            let path = prefix + "." + key
            if let inner = members[key]?.objectValue, !inner.isEmpty { return leaves(inner, prefix: path) }
            return [path]
        }
    }

    private func trackMisfits(_ snapshot: CaseSnapshot, _ parallel: ParallelStateDefinition, old: WorkflowDefinition,
                              mapping: StateMapping) -> [MisfitReason] {
        var reasons: [MisfitReason] = []
        let version = definition.version.value
        let formerParallel: ParallelStateDefinition? = {
            guard let state = old.state(snapshot.state), case .parallel(let parallel) = state.kind else { return nil }
            return parallel
        }()
        for position in snapshot.tracks {
            guard let track = parallel.track(position.track) else {
                reasons.append(MisfitReason(.trackMissing, "track '\(position.track)' has no counterpart in state '\(mapping.main(snapshot.state))' of version \(version)",
                                            state: position.state, track: position.track))
                continue
            }
            let name = mapping.track(position.track, position.state)
            guard let state = track.state(name) else {
                reasons.append(MisfitReason(.stateMissing, Self.missing(position.state, mapped: name, track: position.track, version: version),
                                            state: position.state, track: position.track))
                continue
            }
            if let former = formerParallel?.track(position.track)?.state(position.state), !Self.compatible(former.kind, state.kind) {
                reasons.append(MisfitReason(.kindChanged, "state '\(position.track).\(name)' is \(state.kind.name) in version \(version), \(former.kind.name) in version \(old.version.value)",
                                            state: position.state, track: position.track))
            }
        }
        return reasons
    }

    /// Whether a case standing in a state of kind `old` can stand in one of kind `new` without
    /// moving: the same kind, or a human state become a wait state (or back). A state become
    /// automatic, final or parallel (or no longer so) would make the case move on by itself.
    static func compatible(_ old: StateKind, _ new: StateKind) -> Bool {
        switch (old, new) {
        case (.human, .human), (.human, .wait), (.wait, .human), (.wait, .wait), (.auto, .auto), (.parallel, .parallel), (.final, .final):
            return true
        default:
            return false
        }
    }

    private static func missing(_ state: String, mapped: String, track: String?, version: Int) -> String {
        let place = track.map { "\($0).\(state)" } ?? state
        let target = track.map { "\($0).\(mapped)" } ?? mapped
        if mapped != state {
            return "state '\(place)' is mapped to '\(target)', which version \(version) does not have"
        }
        return "state '\(place)' does not exist in version \(version) and no --map names where it goes"
    }

    /// A case that does not fit stays on its version (this engine's) and is escalated
    /// `migration-misfit` with every reason, the version it was to move to and the mapping, for
    /// a person to settle. Refused, writing nothing, when a `migration-misfit` escalation of the
    /// case is already open, whatever version it was for (a migration run again, or to a later
    /// version before the first was settled): one open escalation per case, the first one.
    public func escalateMisfit(_ snapshot: CaseSnapshot, toVersion version: Int, reasons: [MisfitReason], mapping: StateMapping,
                               actor: CaseActor, now: Date) -> EngineOutcome {
        let code = EscalationReason.migrationMisfit.rawValue
        if let open = snapshot.tasks.first(where: { $0.escalation?.reason == code })?.escalation {
            let former = open.context.value(at: "to_version")?.numberValue?.int
            return .refused(Refusal(.misfitAlreadyEscalated, "the case already has an open migration-misfit escalation"
                                    + (former.map { " (for version \($0))" } ?? "")))
        }
        var change = ChangeBuilder(snapshot, now: now, actor: actor.recorded)
        escalate(code: code, context: [
            "from_version": .number(JSONNumber(snapshot.workflowVersion)), "to_version": .number(JSONNumber(version)),
            "mapping": mapping.json, "reasons": .array(reasons.map(\.json)),
        ], state: snapshot.state, track: nil, change: &change)
        ensureOwner(&change)
        var built = change.build()
        built.whoseMove = built.after.whoseMove(in: definition)
        built.events = OutboxEvent.of(built, before: snapshot, whoseMoveBefore: snapshot.whoseMove(in: definition))
        return .applied(built)
    }
}
