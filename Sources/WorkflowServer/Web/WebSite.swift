import Foundation
import Hummingbird
import Workflow

/// The web pages of agents, supervisors and designers, on the same stores and access rules
/// as the API (`APIServices`, `CaseAccess`): a page shows and does only what the same agent
/// could through the API. Registered on the API's router, outside `/api/v1`.
struct WebSite: Sendable {
    static let sessionCookie = "parcours_session"
    static let signInCookie = "parcours_signin"
    static let languageCookie = "parcours_lang"
    /// Binds a sign-in sent to a provider to the browser that started it.
    static let oidcCookie = "parcours_oidc"

    let services: APIServices
    let sessions: SessionStore
    let renderer: PageRenderer
    /// Cookies are marked Secure: the server is behind TLS (`serve --secure-cookies`).
    let secureCookies: Bool
    let signIn: WebSignIn

    init(services: APIServices, secureCookies: Bool = false, signIn: WebSignIn = .tokenOnly) {
        self.services = services
        sessions = SessionStore(services.database)
        renderer = .shared
        self.secureCookies = secureCookies
        self.signIn = signIn
    }

    /// Secure cookies when configured so, or when a TLS proxy says the visitor came over https.
    func secure(_ request: Request) -> Bool {
        secureCookies || request.headers[.init("X-Forwarded-Proto")!]?.lowercased() == "https"
    }

    func add(to router: Router<APIContext>) {
        StaticFiles.add(to: router)
        let pages = router.group("", context: WebContext.self).add(middleware: WebSessionMiddleware(site: self))
        SignInPages(site: self).add(to: pages)
        OIDCSignInPages(site: self).add(to: pages)
        InboxPage(site: self).add(to: pages)
        WorkflowPages(site: self).add(to: pages)
        DesignerPages(site: self).add(to: pages)
        MigrationPages(site: self).add(to: pages)
        SupervisionPage(site: self).add(to: pages)
        CasePage(site: self).add(to: pages)
        CaseListPage(site: self).add(to: pages)
        // Any other address: the HTML "not found" page, but under /api the API's problem.
        pages.getPage("**") { request, _ -> Response in
            if request.uri.path.hasPrefix(APIApplication.prefix) { return Problem.notFound("no such route").response() }
            throw WebFailure(status: .notFound, key: "error_not_found")
        }
    }
}
