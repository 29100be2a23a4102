import Hummingbird
import Workflow

/// The request context of the API: the authenticated agent, set by `AuthMiddleware`.
struct APIContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    var agent: Agent?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// The calling agent; every route behind `AuthMiddleware` has one. The citizen's portal
    /// has its own routes (`/portal`) and may use no other.
    func caller() throws -> Agent {
        guard let agent else { throw Problem.unauthorized("this call needs a bearer token") }
        guard !agent.portal else { throw Problem.forbidden("the citizen's portal uses the /portal routes only") }
        return agent
    }

    /// The citizen's portal, on its routes; an agent's token is refused there.
    func portal() throws -> Agent {
        guard let agent else { throw Problem.unauthorized("this call needs a bearer token") }
        guard agent.portal else { throw Problem.forbidden("the /portal routes are for the citizen's portal's token only") }
        return agent
    }
}
