import Foundation
import PostgresNIO
import Testing
@testable import Workflow

/// Agents in PostgreSQL: tokens that work until revoked, rotated or expired, and a table that
/// holds their hash and never the token.
@Suite("Access: agents and their tokens in PostgreSQL")
struct AccessAgentStoreTests {
    static func store(_ name: String) async throws -> (Database, AgentStore) {
        let database = try await TestDatabase.fresh(name)
        return (database, AgentStore(database))
    }

    /// The agent's whole row as text, every column.
    static func row(_ database: Database, _ id: String) async throws -> String {
        let rows = try await database.client.query("SELECT row_to_json(agents)::text FROM agents WHERE id = \(id)",
                                                   logger: database.logger)
        for try await text in rows.decode(String.self) { return text }
        Issue.record("no row for agent \(id)")
        return ""
    }

    /// Puts an agent's expiry in the past, with its creation before it, as time passing would.
    static func expire(_ database: Database, _ id: String) async throws {
        try await database.client.query("""
            UPDATE agents SET created_at = now() - interval '2 days', token_issued_at = now() - interval '2 days',
                              expires_at = now() - interval '1 second'
            WHERE id = \(id)
            """, logger: database.logger)
    }

    @Test("an added agent is found by its token, with its agency, roles and flags")
    func addThenAuthenticate() async throws {
        let (database, store) = try await Self.store("agentadd")
        defer { database.close() }
        let (agent, token) = try await store.add(id: "c.martin", agency: "sre", roles: ["liquidateur-sre", "gestionnaire-sre"],
                                                 supervisor: true, expiresAt: Date().addingTimeInterval(86_400))
        #expect(agent.id == "c.martin" && agent.agency == "sre" && agent.roles == ["liquidateur-sre", "gestionnaire-sre"])
        #expect(agent.supervisor && !agent.designer && agent.revokedAt == nil && agent.expiresAt != nil)
        #expect(AgentToken.looksValid(token))
        let found = try #require(try await store.authenticate(token: token))
        #expect(found == agent)
        #expect(found.actor == CaseActor(.agent(id: "c.martin", agency: "sre", roles: ["liquidateur-sre", "gestionnaire-sre"],
                                                 supervisor: true)))
        #expect(found.status(at: Date()) == .active)
    }

    @Test("the table holds the token's SHA-256, the same as PostgreSQL's own, and the token nowhere")
    func onlyTheHashIsStored() async throws {
        let (database, store) = try await Self.store("agenthash")
        defer { database.close() }
        let (_, token) = try await store.add(id: "hash", agency: "sre", roles: ["gestionnaire-sre"])
        let row = try await Self.row(database, "hash")
        #expect(!row.contains(token) && !row.contains(String(token.dropFirst(3))))
        // Not even a large piece of the random part.
        #expect(!row.contains(String(token.dropFirst(3).prefix(16))))
        let rows = try await database.client.query("""
            SELECT token_sha256, encode(sha256(convert_to(\(token), 'UTF8')), 'hex') FROM agents WHERE id = 'hash'
            """, logger: database.logger)
        for try await (stored, computed) in rows.decode((String, String).self) {
            #expect(stored == computed)
            #expect(stored == SHA256Digest.hex(token))
        }
    }

    @Test("the SHA-256 of tokens agrees with PostgreSQL's on every padding length and on UTF-8")
    func digestMatchesPostgres() async throws {
        let (database, _) = try await Self.store("agentdigest")
        defer { database.close() }
        var texts = (0...130).map { String(repeating: "x", count: $0) }
        texts += ["é", "agent:ç-ñ-😀", AgentToken.generate().text]
        for text in texts {
            let rows = try await database.client.query("SELECT encode(sha256(convert_to(\(text), 'UTF8')), 'hex')",
                                                       logger: database.logger)
            for try await computed in rows.decode(String.self) {
                #expect(SHA256Digest.hex(text) == computed, "length \(text.utf8.count)")
            }
        }
    }

    @Test("an unknown or malformed token authenticates nobody")
    func unknownToken() async throws {
        let (database, store) = try await Self.store("agentunknown")
        defer { database.close() }
        _ = try await store.add(id: "known", agency: "sre", roles: ["gestionnaire-sre"])
        #expect(try await store.authenticate(token: AgentToken.generate().text) == nil)
        #expect(try await store.authenticate(token: "") == nil)
        #expect(try await store.authenticate(token: "' OR 1=1 --") == nil)
    }

    @Test("a revoked agent's token stops working at once; revoking again keeps the first time")
    func revoke() async throws {
        let (database, store) = try await Self.store("agentrevoke")
        defer { database.close() }
        let (_, token) = try await store.add(id: "leaving", agency: "cnracl", roles: ["gestionnaire-cnracl"])
        let revoked = try await store.revoke(id: "leaving")
        let revokedAt = try #require(revoked.revokedAt)
        #expect(try await store.authenticate(token: token) == nil)
        #expect(try await store.revoke(id: "leaving").revokedAt == revokedAt)
        #expect(revoked.status(at: Date()) == .revoked)
        // Revocation is final: the token cannot be rotated back into use.
        let error = await #expect(throws: StoreError.self) { try await store.rotate(id: "leaving") }
        #expect(error?.code == .revoked)
        #expect(try await store.authenticate(token: token) == nil)
    }

    @Test("revoking or rotating an unknown agent says there is none")
    func notFound() async throws {
        let (database, store) = try await Self.store("agentnotfound")
        defer { database.close() }
        let revoke = await #expect(throws: StoreError.self) { try await store.revoke(id: "nobody") }
        #expect(revoke?.code == .notFound && revoke?.message.contains("'nobody'") == true)
        let rotate = await #expect(throws: StoreError.self) { try await store.rotate(id: "nobody") }
        #expect(rotate?.code == .notFound)
        #expect(try await store.agent(id: "nobody") == nil)
    }

    @Test("rotation gives a new token and the old one stops working")
    func rotate() async throws {
        let (database, store) = try await Self.store("agentrotate")
        defer { database.close() }
        let (agent, old) = try await store.add(id: "rotating", agency: "ircantec", roles: ["gestionnaire-ircantec"])
        let (rotated, new) = try await store.rotate(id: "rotating")
        #expect(new != old)
        #expect(rotated.id == agent.id && rotated.roles == agent.roles && rotated.createdAt == agent.createdAt)
        #expect(rotated.tokenIssuedAt >= agent.tokenIssuedAt)
        #expect(try await store.authenticate(token: old) == nil)
        #expect(try await store.authenticate(token: new)?.id == "rotating")
        let row = try await Self.row(database, "rotating")
        #expect(!row.contains(new) && !row.contains(old))
    }

    @Test("an expired agent is refused by the database's clock, and rotated only with a new expiry")
    func expired() async throws {
        let (database, store) = try await Self.store("agentexpired")
        defer { database.close() }
        let (_, token) = try await store.add(id: "temp", agency: "sre", roles: ["gestionnaire-sre"],
                                             expiresAt: Date().addingTimeInterval(3600))
        #expect(try await store.authenticate(token: token) != nil)
        try await Self.expire(database, "temp")
        #expect(try await store.authenticate(token: token) == nil)
        #expect(try await store.agent(id: "temp")?.status(at: Date()) == .expired)

        let error = await #expect(throws: StoreError.self) { try await store.rotate(id: "temp") }
        #expect(error?.code == .invalidInput && error?.message.contains("--expires") == true)
        #expect(try await store.authenticate(token: token) == nil)
        let (renewed, new) = try await store.rotate(id: "temp", expiresAt: Date().addingTimeInterval(86_400))
        #expect(renewed.status(at: Date()) == .active)
        #expect(try await store.authenticate(token: new)?.id == "temp")
        #expect(try await store.authenticate(token: token) == nil)
    }

    @Test("an id already taken is refused, revoked or not, with the id named")
    func duplicate() async throws {
        let (database, store) = try await Self.store("agentduplicate")
        defer { database.close() }
        _ = try await store.add(id: "twice", agency: "sre", roles: ["gestionnaire-sre"])
        let error = await #expect(throws: StoreError.self) {
            try await store.add(id: "twice", agency: "cnracl", roles: ["gestionnaire-cnracl"])
        }
        #expect(error?.code == .alreadyExists && error?.message.contains("'twice'") == true)
        try await store.revoke(id: "twice")
        let again = await #expect(throws: StoreError.self) { try await store.add(id: "twice", agency: "sre", roles: []) }
        #expect(again?.code == .alreadyExists)
        #expect(try await store.list().map(\.agency) == ["sre"])
    }

    @Test("malformed ids, agencies, roles and past expiries are refused before and by the database")
    func invalidInput() async throws {
        let (database, store) = try await Self.store("agentinvalid")
        defer { database.close() }
        for (id, agency, roles) in [("C.Martin", "sre", Set<String>()), ("-x", "sre", []), ("a b", "sre", []),
                                    (String(repeating: "a", count: 65), "sre", []), ("ok", "", []), ("ok", "s re", []),
                                    ("ok", "sre", ["role:x"]), ("ok", "sre", [""]), ("ok", "sre", ["a,b"])] {
            let error = await #expect(throws: StoreError.self) { try await store.add(id: id, agency: agency, roles: roles) }
            #expect(error?.code == .invalidInput, "\(id) \(agency) \(roles)")
        }
        let past = await #expect(throws: StoreError.self) {
            try await store.add(id: "late", agency: "sre", roles: [], expiresAt: Date().addingTimeInterval(-60))
        }
        #expect(past?.code == .invalidInput)
        // The table's own checks hold for any client, not only this one.
        for (id, agency, roles) in [("Bad", "sre", [String]()), ("ok", "a:b", []), ("ok2", "sre", ["x y"]), ("ok3", "sre", [""])] {
            await #expect(throws: (any Error).self) {
                try await database.client.query("""
                    INSERT INTO agents (id, agency, roles, token_sha256) VALUES (\(id), \(agency), \(roles)::text[], \(String(repeating: "a", count: 64)))
                    """, logger: database.logger)
            }
        }
        await #expect(throws: (any Error).self) {
            try await database.client.query("INSERT INTO agents (id, agency, token_sha256) VALUES ('plain', 'sre', 'not-a-hash')",
                                            logger: database.logger)
        }
        #expect(try await store.list().isEmpty)
    }

    @Test("the list has every agent by id, with its status; a designer may hold no role")
    func list() async throws {
        let (database, store) = try await Self.store("agentlist")
        defer { database.close() }
        _ = try await store.add(id: "b.designer", agency: "armees", roles: [], designer: true)
        _ = try await store.add(id: "a.rh", agency: "armees", roles: ["gestionnaire-rh"])
        _ = try await store.add(id: "c.gone", agency: "sre", roles: ["gestionnaire-sre"])
        try await store.revoke(id: "c.gone")
        let agents = try await store.list()
        #expect(agents.map(\.id) == ["a.rh", "b.designer", "c.gone"])
        #expect(agents.map { $0.status(at: Date()) } == [.active, .active, .revoked])
        #expect(agents[1].designer && agents[1].roles.isEmpty)
    }
}
