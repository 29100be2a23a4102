import Foundation
import Workflow

/// Agents printed for a person (one line each) or as JSON for scripts; never a token's hash.
enum AgentOutput {
    static func text(_ agent: Agent, now: Date) -> String {
        var parts = [agent.id, "agency \(agent.agency)",
                     agent.roles.isEmpty ? "no roles" : "roles \(agent.roles.sorted().joined(separator: ","))"]
        if agent.designer { parts.append("designer") }
        if agent.supervisor { parts.append("supervisor") }
        if agent.portal { parts.append("citizen portal") }
        switch agent.status(at: now) {
        case .active: parts.append(agent.expiresAt.map { "active until \(CaseOutput.format($0))" } ?? "active")
        case .expired: parts.append("EXPIRED since \(CaseOutput.format(agent.expiresAt!))")
        case .revoked: parts.append("REVOKED at \(CaseOutput.format(agent.revokedAt!))")
        }
        parts.append("token issued \(CaseOutput.format(agent.tokenIssuedAt))")
        return parts.joined(separator: "  ")
    }

    /// The provider identity of an agent, on a line of its own; nil when it has none.
    static func identityText(_ identity: AgentIdentityStore.Identity?) -> String? {
        guard let identity, !identity.isEmpty else { return nil }
        var parts: [String] = []
        if let email = identity.email { parts.append("e-mail \(email)") }
        if let subject = identity.subject, let issuer = identity.issuer { parts.append("subject \(subject) at \(issuer)") }
        return "  signs in with " + parts.joined(separator: " or ")
    }

    static func json(_ agent: Agent, now: Date, identity: AgentIdentityStore.Identity?) -> JSONValue {
        var members = json(agent, now: now).objectValue ?? [:]
        members["oidc_email"] = identity?.email.map(JSONValue.string) ?? .null
        members["oidc_issuer"] = identity?.issuer.map(JSONValue.string) ?? .null
        members["oidc_subject"] = identity?.subject.map(JSONValue.string) ?? .null
        return .object(members)
    }

    static func json(_ agent: Agent, now: Date) -> JSONValue {
        .object([
            "id": .string(agent.id),
            "agency": .string(agent.agency),
            "roles": .array(agent.roles.sorted().map(JSONValue.string)),
            "designer": .bool(agent.designer),
            "supervisor": .bool(agent.supervisor),
            "portal": .bool(agent.portal),
            "status": .string(agent.status(at: now).rawValue),
            "created_at": .string(CaseOutput.format(agent.createdAt)),
            "token_issued_at": .string(CaseOutput.format(agent.tokenIssuedAt)),
            "expires_at": agent.expiresAt.map { .string(CaseOutput.format($0)) } ?? .null,
            "revoked_at": agent.revokedAt.map { .string(CaseOutput.format($0)) } ?? .null,
        ])
    }

    /// The line that goes with every printed token.
    static func shownOnce(_ agent: Agent) -> String {
        "This token will not be shown again: only its SHA-256 is stored. Give it to the agent now, through a safe channel; if it is lost, 'workflow agents rotate \(agent.id)' makes a new one."
    }
}

extension OutputOptions {
    func print(_ agents: [Agent], identities: [String: AgentIdentityStore.Identity] = [:]) {
        let now = Date()
        if json {
            Swift.print(JSONValue.array(agents.map { AgentOutput.json($0, now: now, identity: identities[$0.id]) }).serialized())
        } else {
            for agent in agents {
                Swift.print(AgentOutput.text(agent, now: now))
                if let line = AgentOutput.identityText(identities[agent.id]) { Swift.print(line) }
            }
        }
    }

    /// One agent after a change (`verb`: added, rotated, revoked), with its new token if it has one.
    func print(_ agent: Agent, token: String?, verb: String) {
        let now = Date()
        if json {
            var members = AgentOutput.json(agent, now: now).objectValue ?? [:]
            if let token { members["token"] = .string(token) }
            Swift.print(JSONValue.object(members).serialized())
            if token != nil { Output.error(AgentOutput.shownOnce(agent)) }
            return
        }
        Swift.print("\(verb): \(AgentOutput.text(agent, now: now))")
        if let token {
            Swift.print("token: \(token)")
            Swift.print(AgentOutput.shownOnce(agent))
        }
    }
}
