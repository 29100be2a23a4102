/// What changed between two versions of a workflow (language brief, "Moving running cases to a
/// new version"): states, tracks, fields, rules, queues and deadlines added, removed and
/// changed, each change with the attributes that differ. The command line, the API and the
/// designer pages render it; none of them compares definitions by itself.
public struct WorkflowDiff: Sendable {
    /// The parts of a workflow a diff reports, in the order it reports them.
    public enum Section: String, Sendable, CaseIterable {
        case states, tracks, fields, rules, queues, deadlines, exceptions, clocks
    }

    public enum Kind: String, Sendable {
        case added, removed, changed
    }

    /// One attribute that differs (`queue`, `on.valider`, `sla`); nil on the side that lacks it.
    public struct Difference: Sendable, Hashable {
        public var attribute: String
        public var from: String?
        public var to: String?
    }

    /// One element added, removed or changed: a state `instruction`, a track state
    /// `sre.verification`, a field `usager.nir`.
    public struct Change: Sendable {
        public var section: Section
        public var name: String
        public var kind: Kind
        /// For a change, what differs; for an addition or a removal, what it is.
        public var differences: [Difference]
    }

    public var workflowID: String
    public var fromVersion: Int
    public var toVersion: Int
    public var changes: [Change]

    public var isEmpty: Bool { changes.isEmpty }

    public init(from old: WorkflowDefinition, to new: WorkflowDefinition) {
        workflowID = new.id.value
        fromVersion = old.version.value
        toVersion = new.version.value
        let before = WorkflowOutline(old), after = WorkflowOutline(new)
        changes = Section.allCases.flatMap { section in
            Self.compare(section, before.elements(section), after.elements(section))
        }
    }

    /// Elements present on one side only are added or removed; present on both with any
    /// attribute different, changed (only the attributes that differ are listed).
    private static func compare(_ section: Section, _ old: [(String, [String: String])],
                                _ new: [(String, [String: String])]) -> [Change] {
        let oldByName = Dictionary(old, uniquingKeysWith: { first, _ in first })
        let newByName = Dictionary(new, uniquingKeysWith: { first, _ in first })
        func listed(_ attributes: [String: String], added: Bool) -> [Difference] {
            attributes.keys.sorted().map { Difference(attribute: $0, from: added ? nil : attributes[$0], to: added ? attributes[$0] : nil) }
        }
        var result: [Change] = []
        for (name, attributes) in old where newByName[name] == nil {
            result.append(Change(section: section, name: name, kind: .removed, differences: listed(attributes, added: false)))
        }
        for (name, attributes) in new {
            guard let previous = oldByName[name] else {
                result.append(Change(section: section, name: name, kind: .added, differences: listed(attributes, added: true)))
                continue
            }
            let differing = Set(previous.keys).union(attributes.keys).sorted().filter { previous[$0] != attributes[$0] }
            if !differing.isEmpty {
                result.append(Change(section: section, name: name, kind: .changed,
                                     differences: differing.map { Difference(attribute: $0, from: previous[$0], to: attributes[$0]) }))
            }
        }
        return result
    }
}
