import Foundation

/// What operators do with endpoints (`workflow webhooks …`), with the rules checked once,
/// here: an endpoint belongs to an agency that a published workflow involves, its roles
/// are roles that a workflow gives that agency, its types are outbox types, and its URL
/// passes the deployment's address policy. The secret is printed once and sealed at rest.
public struct WebhookRegistry: Sendable {
    let database: Database
    let catalog: WorkflowCatalog

    public init(database: Database, catalog: WorkflowCatalog) {
        self.database = database
        self.catalog = catalog
    }

    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    /// The endpoint's id and its secret, which is shown this once.
    public struct Added: Sendable {
        public var id: Int64
        public var secret: String
    }

    public func add(agency: String, roles: [String], url: String, types: [String]?, policy: WebhookAddressPolicy,
                    key: SecretsKey, by: String) async throws -> Added {
        var problems: [String] = []
        do { try policy.check(url) } catch { problems.append("\(error)") }
        let known = Set(OutboxEvent.Kind.allCases.map(\.rawValue))
        for type in types ?? [] where !known.contains(type) {
            problems.append("'\(type)' is not an event type (one of \(known.sorted().joined(separator: ", ")))")
        }
        var agencyRoles: Set<String> = []
        var involved = false
        for summary in try await WorkflowRepository(database).list() {
            let definition = try await catalog.definition(id: summary.id, version: summary.version)
            if definition.agencies.contains(where: { $0.id.value == agency }) { involved = true }
            agencyRoles.formUnion(definition.roles.filter { $0.agency.value == agency }.map(\.id.value))
        }
        if !involved { problems.append("no published workflow involves the agency '\(agency)'") }
        for role in roles where !agencyRoles.contains(role) {
            problems.append("'\(role)' is not a role that a published workflow gives '\(agency)'"
                            + (agencyRoles.isEmpty ? "" : " (its roles: \(agencyRoles.sorted().joined(separator: ", ")))"))
        }
        guard problems.isEmpty else { throw Problem(description: problems.joined(separator: "\n")) }
        let secret = StandardWebhooks.newSecret()
        let id = try await WebhookStore(database).add(agency: agency, roles: roles.sorted(), url: url, types: types,
                                                      sealedSecret: try key.seal(secret), by: by)
        return Added(id: id, secret: secret)
    }

    /// A new secret, printed once; the previous one keeps signing beside it for `grace`.
    public func rotate(_ id: Int64, grace: Duration, key: SecretsKey) async throws -> String {
        let secret = StandardWebhooks.newSecret()
        guard try await WebhookStore(database).rotate(id, sealedSecret: try key.seal(secret), grace: grace) else {
            throw Problem(description: "there is no webhook endpoint \(id)")
        }
        return secret
    }
}
