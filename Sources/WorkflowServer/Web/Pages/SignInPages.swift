import Foundation
import Hummingbird
import Workflow

/// Sign-in with the agent's token (kept nowhere: it opens a session whose random id the
/// browser carries in an HttpOnly, SameSite=Strict cookie), the buttons of the OpenID
/// providers (`OIDCSignInPages`), and sign-out, which also ends a provider's session.
struct SignInPages {
    let site: WebSite

    func add(to pages: RouterGroup<WebContext>) {
        pages.getPage("/") { _, context in
            PageRenderer.redirect(context.session == nil ? "/login" : "/inbox", cookies: context.cookies)
        }
        pages.getPage("/login", use: form)
        pages.postPage("/login", use: signIn)
        pages.postPage("/logout", use: signOut)
    }

    @Sendable func form(_ request: Request, context: WebContext) async throws -> Response {
        let next = Self.next(request.uri.queryParameters["next"].map(String.init))
        if context.session != nil { return PageRenderer.redirect(next, cookies: context.cookies) }
        return page(request, context: context, error: nil, status: .ok, next: next)
    }

    @Sendable func signIn(_ request: Request, context: WebContext) async throws -> Response {
        let token = context.form.trimmed("token") ?? ""
        let next = Self.next(context.form["next"])
        guard site.signIn.acceptsTokens else {
            return page(request, context: context, error: context.texts["login_error_token_off"], status: .forbidden, next: next)
        }
        guard let agent = try await site.services.agents.authenticate(token: token) else {
            return page(request, context: context, error: context.texts["login_error_token"], status: .unauthorized, next: next)
        }
        guard !agent.portal else {
            return page(request, context: context, error: context.texts["login_error_portal"], status: .forbidden, next: next)
        }
        let (id, _) = try await site.sessions.open(for: agent)
        let secure = site.secure(request)
        return PageRenderer.redirect(next, cookies: context.cookies + [
            Cookie(name: WebSite.sessionCookie, value: id, path: "/", secure: secure, httpOnly: true, sameSite: .strict),
            Cookie(name: WebSite.signInCookie, value: "", maxAge: 0, path: "/login", secure: secure, httpOnly: true, sameSite: .strict),
        ])
    }

    @Sendable func signOut(_ request: Request, context: WebContext) async throws -> Response {
        var provider: (provider: String, idToken: String?)?
        if let id = request.cookies[WebSite.sessionCookie]?.value { provider = try await site.sessions.close(id: id) }
        var context = context
        context.cookies.append(Cookie(name: WebSite.sessionCookie, value: "", maxAge: 0, path: "/", secure: site.secure(request), httpOnly: true,
                                      sameSite: .strict))
        let agent = context.session?.agent.id
        context.session = nil
        context.pagePath = "/login"
        if let provider, let oidc = site.signIn.oidc,
           let url = await oidc.endSessionURL(provider: provider.provider, idToken: provider.idToken) {
            context.logger.info("signed out, and sent to the provider's sign-out", metadata: ["agent": "\(agent ?? "")", "provider": "\(provider.provider)"])
            // A page that moves on rather than a redirection: the pages' policy lets a form
            // lead only to this site, and the provider's sign-out is on another.
            return site.renderer.page("moving-on", ["title": context.texts["oidc_signed_out_title"], "href": url.absoluteString,
                                                    "message": context.texts["oidc_signed_out"]], context: context)
        }
        return PageRenderer.redirect("/login", cookies: context.cookies)
    }

    /// The sign-in form with a fresh anti-forgery value, also set in a cookie that only this
    /// form's answer is sent back with.
    /// Where to go after signing in: the page asked for, when it is a page of this site.
    static func next(_ asked: String?) -> String {
        let path = WebPaths.back(asked, otherwise: "/inbox")
        return path.hasPrefix("/login") || path.hasPrefix("/logout") ? "/inbox" : path
    }

    func page(_ request: Request, context: WebContext, error: String?, status: HTTPResponse.Status, next: String) -> Response {
        var context = context
        // The value already given to this browser is kept, so that two sign-in tabs both work.
        let given = request.cookies[WebSite.signInCookie]?.value
        let value = given.map { $0.utf8.count == 43 } == true ? given! : SessionStore.randomText()
        context.cookies.append(Cookie(name: WebSite.signInCookie, value: value, path: "/login", secure: site.secure(request),
                                      httpOnly: true, sameSite: .strict))
        var values: [String: Any] = ["signin_csrf": value, "title": context.texts["login_title"], "next": next,
                                     "token_sign_in": site.signIn.acceptsTokens]
        let providers = site.signIn.providers
        if !providers.isEmpty {
            values["has_providers"] = true
            values["providers"] = providers.map { ["name": $0, "href": "/login/oidc/\($0)?next=\(WebPaths.query(next))"] }
        }
        if let error { values["error"] = error }
        return site.renderer.page("login", values, context: context, status: status)
    }
}
