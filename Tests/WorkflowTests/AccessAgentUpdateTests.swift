import Foundation
import PostgresNIO
import Testing
@testable import Workflow

/// `AgentStore.update`: an agent's agency, roles, rights and sign-in identity change, each
/// change journaled; the agent's sessions end when it loses anything, and only then.
@Suite("Access: changing agents")
struct AccessAgentUpdateTests {
    @Test("adding a role keeps the sessions; taking one away ends them; both are journaled with who did it")
    func rolesAndSessions() async throws {
        let database = try await TestDatabase.fresh("agentupdate")
        defer { database.close() }
        let store = AgentStore(database), sessions = SessionStore(database)
        let (agent, _) = try await store.add(id: "anne", agency: "armees", roles: ["gestionnaire-rh"])
        let (first, _) = try await sessions.open(for: agent)

        let grown = try await store.update(id: "anne", AgentChange(roles: ["gestionnaire-rh", "medecin-conseil"], supervisor: true),
                                           by: "operator:root")
        #expect(grown.changed && !grown.rightsShrank && grown.sessionsEnded == 0)
        #expect(grown.agent.roles == ["gestionnaire-rh", "medecin-conseil"] && grown.agent.supervisor)
        #expect(try await sessions.session(id: first)?.agent.roles.contains("medecin-conseil") == true)

        let (second, _) = try await sessions.open(for: grown.agent)
        let shrunk = try await store.update(id: "anne", AgentChange(roles: ["gestionnaire-rh"]), by: "operator:root")
        #expect(shrunk.rightsShrank && shrunk.sessionsEnded == 2)
        #expect(try await sessions.session(id: first) == nil)
        #expect(try await sessions.session(id: second) == nil)
        #expect(try await store.agent(id: "anne")?.roles == ["gestionnaire-rh"])

        let unchanged = try await store.update(id: "anne", AgentChange(roles: ["gestionnaire-rh"]), by: "operator:root")
        #expect(!unchanged.changed)

        let journal = try await store.changes(of: "anne")
        #expect(journal.count == 2)
        #expect(journal.allSatisfy { $0.by == "operator:root" })
        #expect(journal[1].before.contains("medecin-conseil") && !journal[1].after.contains("medecin-conseil") && journal[1].sessionsEnded == 2)
    }

    @Test("another agency, a lost supervisor or designer right, a changed identity each end the sessions")
    func otherShrinks() async throws {
        let database = try await TestDatabase.fresh("agentshrinks")
        defer { database.close() }
        let store = AgentStore(database), sessions = SessionStore(database)
        _ = try await store.add(id: "chef", agency: "armees", roles: ["coordinateur-retraite"], designer: true, supervisor: true,
                                identity: .init(email: "chef@armees.gouv.fr"))
        let changes = [AgentChange(supervisor: false), AgentChange(designer: false), AgentChange(agency: "sre"),
                       AgentChange(identity: .init(email: "autre@armees.gouv.fr"))]
        for change in changes {
            let (id, _) = try await sessions.open(for: try #require(try await store.agent(id: "chef")))
            let update = try await store.update(id: "chef", change, by: "operator:root")
            #expect(update.rightsShrank && update.sessionsEnded == 1, "\(change)")
            #expect(try await sessions.session(id: id) == nil)
        }
        #expect(try await AgentIdentityStore(database).identity(of: "chef").email == "autre@armees.gouv.fr")
    }

    @Test("a revoked agent, the portal, a bad role and an e-mail already registered are refused")
    func refused() async throws {
        let database = try await TestDatabase.fresh("agentupdaterefused")
        defer { database.close() }
        let store = AgentStore(database)
        _ = try await store.add(id: "a", agency: "sre", roles: [], identity: .init(email: "a@sre.fr"))
        _ = try await store.add(id: "b", agency: "sre", roles: [])
        _ = try await store.add(id: "portail", agency: "portail", roles: [], portal: true)
        _ = try await store.add(id: "gone", agency: "sre", roles: [])
        try await store.revoke(id: "gone")
        await #expect(throws: StoreError.self) { try await store.update(id: "gone", AgentChange(roles: ["x"]), by: "operator:root") }
        await #expect(throws: StoreError.self) { try await store.update(id: "portail", AgentChange(roles: ["x"]), by: "operator:root") }
        await #expect(throws: StoreError.self) { try await store.update(id: "b", AgentChange(roles: ["bad role"]), by: "operator:root") }
        await #expect(throws: StoreError.self) { try await store.update(id: "b", AgentChange(identity: .init(email: "A@sre.fr")), by: "operator:root") }
        await #expect(throws: StoreError.self) { try await store.update(id: "nobody", AgentChange(roles: []), by: "operator:root") }
        #expect(try await store.changes(of: "b").isEmpty)
    }
}
