import Foundation
import PostgresNIO
import Testing
@testable import Workflow

@Suite("Publishing workflows")
struct StorePublishTests {
    static func source(_ name: String) throws -> String {
        try String(contentsOf: Repository.file("workflows/\(name).yaml"), encoding: .utf8)
    }

    @Test("publishing stores a version; the same file again is a no-op; another file under it is refused")
    func publish() async throws {
        let database = try await TestDatabase.fresh("publish")
        defer { database.close() }
        let repository = WorkflowRepository(database)
        let source = try Self.source("passeport-identite")
        #expect(try await repository.publish(source: source, publishedBy: "cli:test") == .published(id: "passeport-identite", version: 1))
        #expect(try await repository.publish(source: source, publishedBy: "cli:test") == .alreadyPublished(id: "passeport-identite", version: 1))

        let changed = source.replacingOccurrences(of: "title:", with: "# changed\ntitle:")
        await #expect { try await repository.publish(source: changed, publishedBy: "cli:test") } throws: { error in
            (error as? StoreError)?.code == .versionTaken
        }
        let bumped = changed.replacingOccurrences(of: "version: 1", with: "version: 2")
        #expect(try await repository.publish(source: bumped, publishedBy: "cli:test") == .published(id: "passeport-identite", version: 2))
        #expect(try await repository.source(id: "passeport-identite", version: nil).version == 2)
        #expect(try await repository.source(id: "passeport-identite", version: 1).source == source)
        #expect(try await repository.list().map(\.version) == [1, 2])
    }

    @Test("an invalid workflow is refused with its diagnostics, nothing stored")
    func invalid() async throws {
        let database = try await TestDatabase.fresh("publish-invalid")
        defer { database.close() }
        let repository = WorkflowRepository(database)
        let broken = try String(contentsOf: Repository.file("Tests/WorkflowTests/Fixtures/invalid/unknown-to.yaml"), encoding: .utf8)
        do {
            _ = try await repository.publish(source: broken, publishedBy: "cli:test")
            Issue.record("an invalid workflow was published")
        } catch let error as StoreError {
            #expect(error.code == .invalidWorkflow)
            #expect(error.diagnostics.contains { $0.message.contains("unknown state 'acepte'") })
        }
        #expect(try await repository.list().isEmpty)
    }

    @Test("published versions cannot be changed or deleted, even with SQL")
    func immutable() async throws {
        let database = try await TestDatabase.fresh("publish-immutable")
        defer { database.close() }
        _ = try await WorkflowRepository(database).publish(source: try Self.source("passeport-identite"), publishedBy: "cli:test")
        await #expect(throws: (any Error).self) {
            try await database.client.query("UPDATE workflow_versions SET title = 'x'", logger: TestDatabase.logger)
        }
        await #expect(throws: (any Error).self) {
            try await database.client.query("DELETE FROM workflow_versions", logger: TestDatabase.logger)
        }
    }
}
