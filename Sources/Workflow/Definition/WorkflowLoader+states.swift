/// What a state's reading depends on: where it stands and what it may default to.
struct StateContext {
    var queues: [QueueDefinition]
    var roles: [RoleDefinition]
    var agencies: [AgencyDefinition]
    var trackAgency: Located<String>?
    var inTrack: Bool
    /// Queues whose definition had errors: their deadlines are unknown, not absent.
    var queuesWithErrors: Set<String> = []
}

extension WorkflowLoader {
    static let stateKeys = ["title", "description", "public_label", "queue", "choose", "otherwise", "waiting_on",
                            "tracks", "join", "next", "final", "outcome", "on", "after", "sla", "on_breach", "stall_after", "requests"]
    static let trackKeys = ["agency", "when", "start", "states"]

    /// The keys that belong to one kind of state only, and the kind they belong to.
    static let kindOnlyKeys: [String: String] = [
        "outcome": "a final state (with 'final: true')",
        "tracks": "a parallel state", "join": "a parallel state (with 'tracks')", "next": "a parallel state (with 'tracks')",
        "choose": "an auto state", "otherwise": "an auto state (with 'choose')",
        "queue": "a human state",
    ]

    mutating func readStates(_ node: YAMLNode, context: inout StateContext) -> [StateDefinition] {
        let entries = reader.namedEntries(node, what: "'states'")
        if entries.isEmpty, node.mapping != nil {
            reader.error("'states' is empty; a workflow needs at least a first state and a final state", at: node.location)
        }
        return readNamed(entries) { loader, entry in loader.readState(entry, context: context) }
    }

    mutating func readState(_ entry: YAMLMappingEntry, context: StateContext) -> StateDefinition? {
        guard let id = identifierKey(entry, what: "state") else { return nil }
        let what = "state '\(entry.key)'"
        guard let entries = reader.mapping(entry.value, what: what, allowed: Self.stateKeys) else { return nil }
        let keys = Dictionary(entries.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })

        let isFinal: Bool
        if let final = keys["final"] {
            let value = reader.bool(final.value, what: "'final'")
            if value == false {
                reader.error("'final: false' means nothing; remove it, or write 'final: true' for a final state", at: final.value.location)
            }
            isFinal = value == true
        } else {
            isFinal = false
        }

        let kind: StateKind
        if isFinal {
            kind = .final(outcome: keys["outcome"].flatMap { reader.identifier($0.value, what: "'outcome'") })
            if keys["outcome"] == nil, !context.inTrack {
                reader.error("final \(what) has no 'outcome'; add 'outcome: accepted', 'rejected', 'withdrawn' or a word of yours", at: entry.keyLocation)
            }
            for key in ["on", "after", "choose", "otherwise", "tracks", "next", "queue"] where keys[key] != nil {
                reader.error("final \(what) has a way out ('\(key)'); a final state ends the case: remove '\(key)' or 'final: true'", at: keys[key]!.keyLocation)
            }
            for key in ["sla", "on_breach", "stall_after", "waiting_on", "join"] where keys[key] != nil {
                reader.error("'\(key)' has no meaning on final \(what); remove it", at: keys[key]!.keyLocation)
            }
        } else if let tracks = keys["tracks"] {
            if context.inTrack {
                reader.error("tracks cannot contain parallel states in this version of the language; split the work into states of this track, or move the parallel state to the main workflow", at: entry.keyLocation)
                return nil
            }
            guard let parallel = readParallel(tracks: tracks, keys: keys, stateLocation: entry.keyLocation, what: what, context: context) else { return nil }
            kind = .parallel(parallel)
        } else if let choose = keys["choose"] {
            kind = .auto(rules: readRules(choose.value, state: entry.key), otherwise: keys["otherwise"].flatMap { readTarget($0.value, what: "'otherwise'") })
            for key in ["on", "after", "sla", "stall_after", "on_breach"] where keys[key] != nil {
                reader.warning("auto \(what) moves the case on as soon as it enters, so '\(key)' never applies; remove it or make this a human state", at: keys[key]!.keyLocation)
            }
        } else if let queue = keys["queue"] {
            guard let queueID = reader.identifier(queue.value, what: "'queue'") else { return nil }
            kind = .human(queue: queueID)
        } else if keys["waiting_on"] != nil {
            kind = .wait
        } else {
            reader.error("\(what) has no kind: give it 'queue' (an agent acts), 'choose' (the engine decides), 'waiting_on' (waits for someone outside), 'tracks' (parallel work) or 'final: true'", at: entry.keyLocation)
            return nil
        }

        // A final state's extra keys were reported above, as ways out or as meaningless.
        for (key, owner) in Self.kindOnlyKeys where !isFinal && keys[key] != nil && !Self.key(key, belongsTo: kind) {
            let article = kind.name.first.map { "aeiou".contains($0) } == true ? "an" : "a"
            reader.error("'\(key)' belongs to \(owner), but \(what) is \(article) \(kind.name) state; remove it", at: keys[key]!.keyLocation)
        }
        if let onBreach = keys["on_breach"], keys["sla"] == nil, !isFinal {
            reader.error("'on_breach' names the exception raised when the state's 'sla' passes, but \(what) has no 'sla'; add one or remove 'on_breach'", at: onBreach.keyLocation)
        }

        let waitingOn = keys["waiting_on"].flatMap { reader.identifier($0.value, what: "'waiting_on'") }
            ?? Self.defaultWaitingOn(kind: kind, at: entry.keyLocation, context: context)
        let stallAfter = keys["stall_after"].flatMap { reader.duration($0.value, what: "'stall_after'") }
        let sla = keys["sla"].flatMap { reader.duration($0.value, what: "'sla'") }
        let timedExits = keys["after"].map { readTimedExits($0.value) } ?? []

        var state = StateDefinition(
            id: id, kind: kind,
            title: keys["title"].flatMap { reader.string($0.value, what: "'title'")?.value },
            description: keys["description"].flatMap { reader.string($0.value, what: "'description'")?.value },
            publicLabel: keys["public_label"].flatMap { reader.string($0.value, what: "'public_label'")?.value },
            actions: keys["on"].map { readActions($0.value, what: "'on' of \(what)") } ?? [],
            timedExits: timedExits, sla: sla,
            onBreach: keys["on_breach"].flatMap { reader.identifier($0.value, what: "'on_breach'") },
            stallAfter: stallAfter, waitingOn: waitingOn,
            usesDefaultStall: Self.needsDefaultStall(kind: kind, keys: keys, context: context))
        state.requests = keys["requests"].map { reader.stringList($0.value, what: "'requests' of \(what)") } ?? []
        return state
    }

    static func key(_ key: String, belongsTo kind: StateKind) -> Bool {
        switch (key, kind) {
        case ("outcome", .final), ("tracks", .parallel), ("join", .parallel), ("next", .parallel),
             ("choose", .auto), ("otherwise", .auto), ("queue", .human):
            return true
        default:
            return false
        }
    }

    /// The brief's defaults: the queue's agency for a human state, `engine` for auto and
    /// parallel states, the track's agency for an auto state inside a track.
    static func defaultWaitingOn(kind: StateKind, at location: SourceLocation, context: StateContext) -> Located<String> {
        switch kind {
        case .human(let queue):
            let role = context.queues.first { $0.id.value == queue.value }?.roles.first?.value
            // An undeclared agency is reported at the role; do not report it again here.
            let agency = context.roles.first { $0.id.value == role }?.agency.value
            let declared = context.agencies.contains { $0.id.value == agency }
            return Located(declared ? agency! : "engine", at: location)
        case .auto:
            return context.trackAgency.map { Located($0.value, at: location) } ?? Located("engine", at: location)
        case .parallel, .final, .wait:
            return Located("engine", at: location)
        }
    }

    /// A wait or parallel state, or a human state whose queue has no `sla`, that gives none
    /// of `after`, `sla` and `stall_after` gets the deployment's default `stall_after`.
    static func needsDefaultStall(kind: StateKind, keys: [String: YAMLMappingEntry], context: StateContext) -> Bool {
        guard keys["after"] == nil, keys["sla"] == nil, keys["stall_after"] == nil else { return false }
        switch kind {
        case .wait, .parallel:
            return true
        case .human(let queue):
            // An unknown queue, or one whose sla is unreadable, is reported elsewhere.
            guard let definition = context.queues.first(where: { $0.id.value == queue.value }),
                  !context.queuesWithErrors.contains(queue.value) else { return false }
            return definition.sla == nil
        case .auto, .final:
            return false
        }
    }

    private mutating func readParallel(tracks: YAMLMappingEntry, keys: [String: YAMLMappingEntry], stateLocation: SourceLocation,
                                       what: String, context: StateContext) -> ParallelStateDefinition? {
        var join = ParallelStateDefinition.Join.all
        if let joinEntry = keys["join"], let text = reader.string(joinEntry.value, what: "'join'") {
            if let value = ParallelStateDefinition.Join(rawValue: text.value) {
                join = value
            } else {
                reader.error("'join' must be 'all' (every opened track ends) or 'any' (the first track that ends), found '\(text.value)'", at: text.location)
            }
        }
        let next = keys["next"].flatMap { reader.identifier($0.value, what: "'next'") }
        if keys["next"] == nil {
            reader.error("parallel \(what) has no 'next'; add 'next:' naming the state the case goes to when its tracks join", at: stateLocation)
        }
        let trackEntries = reader.namedEntries(tracks.value, what: "'tracks'")
        if trackEntries.isEmpty, tracks.value.mapping != nil {
            reader.error("'tracks' is empty; give the parallel state at least one track", at: tracks.keyLocation)
        }
        let parsed = readNamed(trackEntries) { loader, entry in loader.readTrack(entry, context: context) }
        guard let next else { return nil }
        return ParallelStateDefinition(tracks: parsed, join: join, next: next)
    }

    mutating func readTrack(_ entry: YAMLMappingEntry, context: StateContext) -> TrackDefinition? {
        guard let id = identifierKey(entry, what: "track") else { return nil }
        let what = "track '\(entry.key)'"
        guard let entries = reader.mapping(entry.value, what: what, allowed: Self.trackKeys) else { return nil }
        let keys = Dictionary(entries.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        let agency = keys["agency"].flatMap { reader.identifier($0.value, what: "'agency'") }
        let start = keys["start"].flatMap { reader.identifier($0.value, what: "'start'") }
        for key in ["start", "states"] where keys[key] == nil {
            reader.error("\(what) has no '\(key)'; a track is a small machine with 'start' and 'states'", at: entry.keyLocation)
        }
        var trackContext = context
        trackContext.inTrack = true
        trackContext.trackAgency = agency
        let stateEntries = keys["states"].map { reader.namedEntries($0.value, what: "'states' of \(what)") } ?? []
        let states = readNamed(stateEntries) { loader, entry in loader.readState(entry, context: trackContext) }
        guard let start else { return nil }
        return TrackDefinition(id: id, agency: agency,
                               when: keys["when"].flatMap { reader.expression($0.value, what: "'when' of \(what)") },
                               start: start, states: states)
    }
}
