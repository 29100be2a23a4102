import Foundation
import Workflow

/// Which published workflows an agent may know, for the API's `/workflows` routes and the
/// workflow pages alike: designers know them all; other agents those in which they may know
/// cases (their agency takes part and they hold one of its roles there).
extension APIServices {
    struct KnownVersion: Sendable {
        var summary: WorkflowRepository.Summary
        var access: CaseAccess
    }

    /// Every published version the agent may know, by id then version.
    func knownWorkflowVersions(for agent: Agent) async throws -> [KnownVersion] {
        var result: [KnownVersion] = []
        for summary in try await repository.list() {
            let access = CaseAccess(agent: agent, definition: try await catalog.definition(id: summary.id, version: summary.version))
            guard agent.designer || access.mayKnowCases else { continue }
            result.append(KnownVersion(summary: summary, access: access))
        }
        return result
    }

    /// One version of a workflow (the latest when `version` is nil) with every published
    /// version of it; 404 for a workflow or version that does not exist or that the agent may
    /// not know (the same answer). The latest version decides whether the workflow is known.
    func knownWorkflow(_ id: String, version: Int?, for agent: Agent) async throws
        -> (chosen: KnownVersion, versions: [WorkflowRepository.Summary]) {
        let unknown = Problem.notFound("no workflow '\(id)'\(version.map { " version \($0)" } ?? "") that you may see is published")
        let versions = try await repository.list().filter { $0.id == id }
        guard let latest = versions.last else { throw unknown }
        let latestAccess = CaseAccess(agent: agent, definition: try await catalog.definition(id: id, version: latest.version))
        guard agent.designer || latestAccess.mayKnowCases else { throw unknown }
        guard let chosen = version.map({ wanted in versions.first { $0.version == wanted } }) ?? latest else { throw unknown }
        let access = CaseAccess(agent: agent, definition: try await catalog.definition(id: id, version: chosen.version))
        guard agent.designer || access.mayKnowCases else { throw unknown }
        return (KnownVersion(summary: chosen, access: access), versions)
    }
}
