import Foundation
import Hummingbird
import Workflow

/// Sign-in with the agent's token (kept nowhere: it opens a session whose random id the
/// browser carries in an HttpOnly, SameSite=Strict cookie), and sign-out.
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
        if let id = request.cookies[WebSite.sessionCookie]?.value { try await site.sessions.close(id: id) }
        return PageRenderer.redirect("/login", cookies: context.cookies + [
            Cookie(name: WebSite.sessionCookie, value: "", maxAge: 0, path: "/", secure: site.secure(request), httpOnly: true,
                   sameSite: .strict),
        ])
    }

    /// The sign-in form with a fresh anti-forgery value, also set in a cookie that only this
    /// form's answer is sent back with.
    /// Where to go after signing in: the page asked for, when it is a page of this site.
    static func next(_ asked: String?) -> String {
        let path = WebPaths.back(asked, otherwise: "/inbox")
        return path.hasPrefix("/login") || path.hasPrefix("/logout") ? "/inbox" : path
    }

    private func page(_ request: Request, context: WebContext, error: String?, status: HTTPResponse.Status, next: String) -> Response {
        var context = context
        // The value already given to this browser is kept, so that two sign-in tabs both work.
        let given = request.cookies[WebSite.signInCookie]?.value
        let value = given.map { $0.utf8.count == 43 } == true ? given! : SessionStore.randomText()
        context.cookies.append(Cookie(name: WebSite.signInCookie, value: value, path: "/login", secure: site.secure(request),
                                      httpOnly: true, sameSite: .strict))
        var values: [String: Any] = ["signin_csrf": value, "title": context.texts["login_title"], "next": next]
        if let error { values["error"] = error }
        return site.renderer.page("login", values, context: context, status: status)
    }
}
