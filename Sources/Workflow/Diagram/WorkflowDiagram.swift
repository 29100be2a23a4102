/// The drawable shape of a workflow: states as nodes, transitions as labelled edges,
/// parallel states as clusters of tracks, escalations as distinct exits.
///
/// Built once from the model and rendered as Graphviz DOT or Mermaid.
public struct WorkflowDiagram: Sendable {
    public enum NodeKind: Sendable { case start, human, auto, wait, parallel, final, escalation, global }
    public enum EdgeKind: Sendable { case action, timed, rule, otherwise, join, opensTrack, escalation, global }

    public struct Node: Sendable {
        public var id: String
        public var label: String
        public var kind: NodeKind
        /// The clusters (outermost first) the node is drawn in: a parallel state, then a track.
        public var cluster: [Cluster]
    }

    public struct Cluster: Hashable, Sendable {
        public var id: String
        public var label: String
    }

    public struct Edge: Sendable {
        public var from: String
        public var to: String
        public var label: String
        public var kind: EdgeKind
    }

    public var title: String
    public var nodes: [Node] = []
    public var edges: [Edge] = []
    /// The workflow's requests, whose unanswered ways out are drawn from the states opening them.
    private var requests: [String: RequestDefinition] = [:]

    public init(_ workflow: WorkflowDefinition) {
        title = workflow.title ?? workflow.id.value
        requests = Dictionary(workflow.requests.map { ($0.id.value, $0) }, uniquingKeysWith: { first, _ in first })
        nodes.append(Node(id: "__start", label: "", kind: .start, cluster: []))
        edges.append(Edge(from: "__start", to: Self.mainID(workflow.start.value), label: "", kind: .action))
        for state in workflow.states {
            add(state, id: Self.mainID(state.id.value), cluster: [], resolve: Self.mainID)
        }
        if !workflow.globalActions.isEmpty {
            nodes.append(Node(id: "__global", label: "any state not final", kind: .global, cluster: []))
            for action in workflow.globalActions {
                addTarget(action.target, from: "__global", label: Self.label(action), kind: .global, resolve: Self.mainID)
            }
        }
    }

    /// The nodes that stand for where a case is: its main state (the fork of a parallel
    /// state) and, inside that parallel state, the current state of each of its tracks.
    public static func positionIDs(state: String, tracks: [(track: String, state: String)]) -> Set<String> {
        var ids: Set<String> = [mainID(state)]
        for position in tracks { ids.insert(trackID(state, position.track, position.state)) }
        return ids
    }

    static func mainID(_ state: String) -> String { "s:" + state }
    static func trackID(_ parent: String, _ track: String, _ state: String) -> String { "t:\(parent)/\(track)/\(state)" }

    private mutating func add(_ state: StateDefinition, id: String, cluster: [Cluster], resolve: (String) -> String) {
        let title = state.title.map { "\(state.id.value)\n\($0)" } ?? state.id.value
        switch state.kind {
        case .final(let outcome):
            nodes.append(Node(id: id, label: title + (outcome.map { "\n(\($0.value))" } ?? ""), kind: .final, cluster: cluster))
        case .human(let queue):
            nodes.append(Node(id: id, label: title + "\n[\(queue.value)]", kind: .human, cluster: cluster))
        case .wait:
            nodes.append(Node(id: id, label: title + "\nwaiting on \(state.waitingOn.value)", kind: .wait, cluster: cluster))
        case .auto(let rules, let otherwise):
            nodes.append(Node(id: id, label: title, kind: .auto, cluster: cluster))
            for rule in rules {
                addTarget(rule.target, from: id, label: "when \(rule.when.text)", kind: .rule, resolve: resolve)
            }
            if let otherwise { addTarget(otherwise, from: id, label: "otherwise", kind: .otherwise, resolve: resolve) }
        case .parallel(let parallel):
            let box = Cluster(id: "cluster_" + Self.sanitized(state.id.value), label: title + " (join \(parallel.join.rawValue))")
            nodes.append(Node(id: id, label: "fork", kind: .parallel, cluster: cluster + [box]))
            for track in parallel.tracks {
                let trackBox = Cluster(id: box.id + "_" + Self.sanitized(track.id.value),
                                       label: track.id.value + (track.agency.map { " — \($0.value)" } ?? ""))
                let resolveInTrack = { (name: String) in Self.trackID(state.id.value, track.id.value, name) }
                for trackState in track.states {
                    add(trackState, id: resolveInTrack(trackState.id.value), cluster: cluster + [box, trackBox], resolve: resolveInTrack)
                    if trackState.isFinal {
                        edges.append(Edge(from: resolveInTrack(trackState.id.value), to: resolve(parallel.next.value),
                                          label: "join \(parallel.join.rawValue)", kind: .join))
                    }
                }
                edges.append(Edge(from: id, to: resolveInTrack(track.start.value),
                                  label: track.when.map { "when \($0.text)" } ?? "", kind: .opensTrack))
            }
        }
        for action in state.actions {
            addTarget(action.target, from: id, label: Self.label(action), kind: .action, resolve: resolve)
        }
        for exit in state.timedExits {
            addTarget(exit.target, from: id, label: "after \(exit.delay.value)", kind: .timed, resolve: resolve)
        }
        for reference in state.requests {
            guard let request = requests[reference.value] else { continue }
            if let timeout = request.onTimeout {
                addTarget(timeout, from: id, label: "\(request.id.value): no answer in \(request.sla.value)", kind: .timed, resolve: resolve)
            }
            if case .target(let target)? = request.fallback {
                addTarget(target, from: id, label: "\(request.id.value): fallback", kind: .timed, resolve: resolve)
            }
        }
        if let code = state.onBreach {
            addTarget(.escalate(code), from: id, label: "sla \(state.sla.map { "\($0.value)" } ?? "") breached", kind: .timed, resolve: resolve)
        }
    }

    private mutating func addTarget(_ target: TransitionTarget, from: String, label: String, kind: EdgeKind, resolve: (String) -> String) {
        switch target {
        case .state(let state):
            edges.append(Edge(from: from, to: resolve(state.value), label: label, kind: kind))
        case .escalate(let code):
            let node = "e:" + code.value
            if !nodes.contains(where: { $0.id == node }) {
                nodes.append(Node(id: node, label: "escalate: \(code.value)", kind: .escalation, cluster: []))
            }
            edges.append(Edge(from: from, to: node, label: label, kind: .escalation))
        }
    }

    static func label(_ transition: TransitionDefinition) -> String {
        var label = transition.action.value
        if let guardText = transition.when?.text { label += "\n[\(guardText)]" }
        return label
    }

    static func sanitized(_ text: String) -> String {
        String(text.unicodeScalars.map { $0.properties.isAlphabetic || ("0"..."9").contains($0) ? Character($0) : "_" })
    }
}
