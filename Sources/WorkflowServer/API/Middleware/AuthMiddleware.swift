import Hummingbird
import Workflow

/// Every call needs `Authorization: Bearer TOKEN` of an agent that is neither revoked nor
/// expired; otherwise 401 with `WWW-Authenticate: Bearer`. Only a hash is looked up.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = APIContext
    let agents: AgentStore

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            throw Problem.unauthorized("this call needs 'Authorization: Bearer TOKEN'; ask an operator for a token ('workflow agents add')")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw Problem.unauthorized("the Authorization header must be 'Bearer TOKEN'")
        }
        let token = String(parts[1]).trimmingCharacters(in: .whitespaces)
        let agents = self.agents
        // The lookup has the routes' deadline: a dropped connection must not hang the request here.
        guard let agent = try await withDeadline(RouteTable.deadline, "the token check", { try await agents.authenticate(token: token) }) else {
            throw Problem.unauthorized("the token is unknown, revoked or expired")
        }
        var context = context
        context.agent = agent
        context.logger[metadataKey: "agent"] = "\(agent.id)"
        return try await next(request, context)
    }
}
