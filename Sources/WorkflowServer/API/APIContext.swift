import Hummingbird
import Workflow

/// The request context of the API: the authenticated agent, set by `AuthMiddleware`.
struct APIContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    var agent: Agent?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// The caller; every route behind `AuthMiddleware` has one.
    func caller() throws -> Agent {
        guard let agent else { throw Problem.unauthorized("this call needs a bearer token") }
        return agent
    }
}
