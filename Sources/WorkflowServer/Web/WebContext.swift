import Hummingbird
import Workflow

/// The request context of the web pages: the signed-in agent's session (set by
/// `WebSessionMiddleware`), the language of the page, and the submitted form of a POST,
/// already checked against the session's anti-forgery token.
struct WebContext: ChildRequestContext {
    typealias ParentContext = APIContext
    var coreContext: CoreRequestContextStorage
    var session: SessionStore.Session?
    var language: Texts.Language = .french
    var form = WebForm()
    /// Set-Cookie headers to add to the answer (the language chosen by `?lang=`).
    var cookies: [Cookie] = []
    /// The address of the page shown, for the link to the other language: the request's for
    /// a GET; a page shown in answer to a form names its own (`/cases/ID`).
    var pagePath = "/"

    init(context: APIContext) throws {
        coreContext = context.coreContext
    }

    /// The signed-in agent; a visitor who is not signed in is sent to the sign-in page.
    func agent() throws -> Agent {
        guard let session else { throw WebRedirect.signIn }
        return session.agent
    }

    var texts: Texts { Texts.for(language) }
}

/// Thrown to answer a redirection (303 See Other) instead of a page.
struct WebRedirect: Error {
    let location: String
    static let signIn = WebRedirect(location: "/login")
}
