import PostgresNIO
/// Parsed workflow versions, loaded from the database once and kept: a published version
/// never changes, so the cache never goes stale.
public actor WorkflowCatalog {
    private let repository: WorkflowRepository
    private var definitions: [String: WorkflowDefinition] = [:]

    public init(_ repository: WorkflowRepository) {
        self.repository = repository
    }

    /// The definition of a published version (the latest when `version` is nil).
    /// With `connection`, a version not yet loaded is read on it (see `WorkflowRepository.source`).
    public func definition(id: String, version: Int?, on connection: PostgresConnection? = nil) async throws -> WorkflowDefinition {
        if let version, let cached = definitions["\(id)@\(version)"] { return cached }
        let (found, source) = try await repository.source(id: id, version: version, on: connection)
        if let cached = definitions["\(id)@\(found)"] { return cached }
        let document = WorkflowDocument.parse(source, named: "\(id) version \(found)")
        guard let definition = document.definition, document.isValid else {
            // Published files were valid; a newer validator may be stricter. Say so plainly.
            throw StoreError(.invalidWorkflow, "published workflow '\(id)' version \(found) no longer validates with this version of Parcours",
                             diagnostics: document.diagnostics)
        }
        definitions["\(id)@\(found)"] = definition
        return definition
    }
}
