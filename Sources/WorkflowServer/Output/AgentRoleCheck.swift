import Workflow

/// Warnings after `agents add` about roles that will grant nothing: a role counts only in
/// workflows that give it to the agent's own agency, so a typo or a wrong agency would
/// otherwise go unnoticed until the agent finds an empty inbox.
enum AgentRoleCheck {
    /// Looks at the latest version of each published workflow; says nothing when none is published.
    static func warn(about agent: Agent, session: DatabaseSession) async {
        guard let summaries = try? await WorkflowRepository(session.database).list(), !summaries.isEmpty else { return }
        var latest: [String: Int] = [:]
        for summary in summaries { latest[summary.id] = max(latest[summary.id] ?? 0, summary.version) }
        var definitions: [WorkflowDefinition] = []
        for (id, version) in latest.sorted(by: { $0.key < $1.key }) {
            if let definition = try? await session.catalog.definition(id: id, version: version) { definitions.append(definition) }
        }
        for line in warnings(for: agent, in: definitions) { Output.error(line) }
    }

    static func warnings(for agent: Agent, in definitions: [WorkflowDefinition]) -> [String] {
        var lines: [String] = []
        for role in agent.roles.sorted() {
            let declared = definitions.compactMap { definition in definition.role(role).map { (definition.id.value, $0.agency.value) } }
            if declared.isEmpty {
                lines.append("warning: role '\(role)' is in no published workflow; check its spelling (it counts once a workflow declares it for agency '\(agent.agency)')")
            } else if !declared.contains(where: { $0.1 == agent.agency }) {
                let places = declared.map { "'\($0.0)' gives it to '\($0.1)'" }.joined(separator: ", ")
                lines.append("warning: role '\(role)' belongs to another agency than '\(agent.agency)' in every published workflow (\(places)); it grants this agent nothing")
            }
        }
        if !agent.roles.isEmpty, !definitions.contains(where: { $0.agency(agent.agency) != nil }) {
            lines.append("warning: agency '\(agent.agency)' takes part in no published workflow; check its spelling")
        }
        return lines
    }
}
