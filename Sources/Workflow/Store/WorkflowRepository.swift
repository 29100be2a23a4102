import Foundation
import PostgresNIO

/// Published workflow versions: each version's YAML as published, immutable.
public struct WorkflowRepository: Sendable {
    public enum PublishResult: Sendable, Equatable {
        case published(id: String, version: Int)
        /// The same file was already published under this id and version: nothing to do.
        case alreadyPublished(id: String, version: Int)
    }

    public struct Summary: Sendable {
        public var id: String
        public var version: Int
        public var title: String?
        public var sha256: String
        public var publishedBy: String
        public var publishedAt: Date
    }

    let database: Database

    public init(_ database: Database) {
        self.database = database
    }

    /// Validates the file from its bytes as they arrived (through `WorkflowLoader.loadFile`, the
    /// checks of every way in) and stores it as its `id` and `version`; a different file under
    /// an id and version already published is refused, the same file again is a no-op.
    public func publish(_ bytes: [UInt8], named name: String, publishedBy: String) async throws -> PublishResult {
        try await publish(WorkflowLoader.loadFile(bytes, named: name), publishedBy: publishedBy)
    }

    /// The same for text already held as a `String`.
    public func publish(source: String, publishedBy: String) async throws -> PublishResult {
        try await publish(WorkflowDocument.parse(source), publishedBy: publishedBy)
    }

    private func publish(_ document: WorkflowDocument, publishedBy: String) async throws -> PublishResult {
        // Only a file whose bytes are UTF-8 has a text (`isValid` requires it): nothing decoded
        // with replacement characters is ever stored.
        guard let definition = document.definition, let source = document.text, document.isValid else {
            throw StoreError(.invalidWorkflow, "the workflow has errors; fix them before publishing (see 'workflow validate')",
                             diagnostics: document.diagnostics)
        }
        let id = definition.id.value
        let version = definition.version.value
        let inserted = try await database.client.query("""
            INSERT INTO workflow_versions (workflow_id, version, title, source, source_sha256, published_by)
            VALUES (\(id), \(version), \(definition.title), \(source), encode(sha256(convert_to(\(source), 'UTF8')), 'hex'), \(publishedBy))
            ON CONFLICT (workflow_id, version) DO NOTHING
            RETURNING 1
            """, logger: database.logger)
        for try await _ in inserted { return .published(id: id, version: version) }

        let same = try await database.client.query("""
            SELECT source_sha256 = encode(sha256(convert_to(\(source), 'UTF8')), 'hex')
            FROM workflow_versions WHERE workflow_id = \(id) AND version = \(version)
            """, logger: database.logger)
        for try await isSame in same.decode(Bool.self) where isSame {
            return .alreadyPublished(id: id, version: version)
        }
        throw StoreError(.versionTaken, "workflow '\(id)' version \(version) is already published with different content; a published version never changes: publish your change as version \(version + 1)")
    }

    /// The published source of a workflow version; the latest version when `version` is nil.
    /// With `connection`, read on it (a transaction that holds a case's lock never waits for a
    /// second connection of the pool).
    public func source(id: String, version: Int?, on connection: PostgresConnection? = nil) async throws -> (version: Int, source: String) {
        let query: PostgresQuery = """
            SELECT version, source FROM workflow_versions
            WHERE workflow_id = \(id) AND (\(version)::integer IS NULL OR version = \(version))
            ORDER BY version DESC LIMIT 1
            """
        let rows: PostgresRowSequence
        if let connection {
            rows = try await connection.query(query, logger: database.logger)
        } else {
            rows = try await database.client.query(query, logger: database.logger)
        }
        for try await (found, source) in rows.decode((Int, String).self) { return (found, source) }
        let which = version.map { "version \($0) of " } ?? ""
        throw StoreError(.notFound, "no \(which)workflow '\(id)' is published; publish it with 'workflow publish FILE'")
    }

    /// Every published version, by id then version.
    public func list() async throws -> [Summary] {
        let rows = try await database.client.query("""
            SELECT workflow_id, version, title, source_sha256, published_by, published_at
            FROM workflow_versions ORDER BY workflow_id, version
            """, logger: database.logger)
        var result: [Summary] = []
        for try await (id, version, title, sha, by, at) in rows.decode((String, Int, String?, String, String, Date).self) {
            result.append(Summary(id: id, version: version, title: title, sha256: sha, publishedBy: by, publishedAt: at))
        }
        return result
    }
}
