import Foundation

/// The workflow versions a supervision report may cover: the versions whose cases the
/// caller may know (an API supervisor, from `CaseAccess.mayKnowCases`), or every one (an
/// operator at the command line). The scope is a condition of each report's SQL, like
/// `CaseSearch.Visibility`, so a report never counts a case the caller may not know.
public struct SupervisionScope: Sendable, Hashable {
    /// One published version of a workflow.
    public struct Version: Sendable, Hashable {
        public var workflowID: String
        public var version: Int

        public init(workflowID: String, version: Int) {
            self.workflowID = workflowID
            self.version = version
        }
    }

    /// The versions covered; nil covers every workflow.
    public let versions: [Version]?

    /// Every workflow: for operators.
    public static let everything = SupervisionScope(versions: nil)

    /// Only these versions (none: the reports are empty).
    public static func only(_ versions: [Version]) -> SupervisionScope {
        SupervisionScope(versions: versions)
    }

    /// Exactly the versions these rules are for (the caller's, already limited to the
    /// versions whose cases it may know).
    public static func of(_ accesses: [CaseAccess]) -> SupervisionScope {
        .only(accesses.map { Version(workflowID: $0.definition.id.value, version: $0.definition.version.value) })
    }

    /// Whether the scope covers no version at all (the report need not ask the database).
    var isEmpty: Bool { versions?.isEmpty ?? false }

    /// The versions as a JSON array `[{"w": id, "v": version}]`, bound as one `jsonb`
    /// parameter and read with `jsonb_to_recordset`; nil for every workflow.
    var boundJSON: String? {
        versions.map { list in
            JSONValue.array(list.map { .object(["w": .string($0.workflowID), "v": .number(JSONNumber($0.version))]) }).serialized()
        }
    }
}
