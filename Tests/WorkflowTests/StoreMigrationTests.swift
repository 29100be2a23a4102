import Foundation
import PostgresNIO
import Testing
@testable import Workflow

@Suite("Migrations")
struct StoreMigrationTests {
    @Test("migrations apply once; running them again changes nothing")
    func twice() async throws {
        let database = try await TestDatabase.empty("migrate-twice")
        defer { database.close() }
        let migrator = Migrator(database)
        #expect(try await migrator.migrate() == Migration.all.map(\.version))
        #expect(try await migrator.migrate() == [])
        #expect(try await migrator.appliedVersions() == Migration.all.map(\.version))
    }

    @Test("two processes migrating at once: the advisory lock lets one do the work")
    func concurrently() async throws {
        let first = try await TestDatabase.empty("migrate-race")
        defer { first.close() }
        let second = try await Database.connect(first.url, logger: TestDatabase.logger)
        defer { second.close() }
        async let a = Migrator(first).migrate()
        async let b = Migrator(second).migrate()
        let (appliedByA, appliedByB) = try await (a, b)
        #expect((appliedByA + appliedByB).sorted() == Migration.all.map(\.version))
        #expect(try await Migrator(first).appliedVersions() == Migration.all.map(\.version))
    }

    @Test("a database that is down gives a clear error, not a crash")
    func unreachable() async throws {
        let url = try DatabaseURL("postgresql://nobody@127.0.0.1:1/none?sslmode=disable")
        var failure: StoreError?
        do {
            let database = try await Database.connect(url, logger: TestDatabase.logger, connectTimeout: .seconds(1))
            database.close()
        } catch {
            failure = error
        }
        #expect(failure?.code == .unavailable)
        #expect(failure?.message.contains("cannot reach PostgreSQL") == true)
    }

    @Test("database URLs: TCP with password, and the libpq socket form")
    func urls() throws {
        let tcp = try DatabaseURL("postgresql://agent:s%40cret@db.example:6543/parcours?sslmode=disable")
        #expect(tcp.user == "agent" && tcp.password == "s@cret" && tcp.host == "db.example" && tcp.port == 6543)
        #expect(tcp.database == "parcours" && tcp.tlsDisabled)
        #expect(!tcp.description.contains("s@cret"))
        let socket = try DatabaseURL("postgresql://parcours@/parcours?host=%2Ftmp%2Fpg%20sock&port=5433")
        #expect(socket.socketDirectory == "/tmp/pg sock" && socket.port == 5433 && socket.host == nil)
        #expect(throws: StoreError.self) { try DatabaseURL("mysql://x@y/z") }
        #expect(try DatabaseURL("postgresql://a@db/x?sslmode=require").tls == .require)
        #expect(try DatabaseURL("postgresql://a@db/x").tls == .prefer)
        #expect(throws: StoreError.self) { try DatabaseURL("postgresql://a@db/x?sslmode=sometimes") }
        #expect(!DatabaseURL.redacted("postgresql://a:p:ss@db/x").contains("p:ss"))
    }
}
