import Foundation
import Hummingbird
import Logging
import Workflow

/// Sign-in through an OpenID provider (`OIDCSignIn` holds the rules): the button's address
/// sends the browser to the provider, whose answer comes back to the provider's callback.
/// The person is matched to an agent the operator registered, or told whom to ask.
struct OIDCSignInPages {
    let site: WebSite

    func add(to pages: RouterGroup<WebContext>) {
        guard site.signIn.mode != .token, site.signIn.oidc != nil else { return }
        pages.getPage("/login/oidc/:provider", use: begin)
        pages.getPage("/login/oidc/:provider/callback", use: callback)
    }

    @Sendable func begin(_ request: Request, context: WebContext) async throws -> Response {
        guard let oidc = site.signIn.oidc else { throw WebFailure(status: .notFound, key: "error_not_found") }
        let provider = context.parameters.get("provider") ?? ""
        let next = SignInPages.next(request.uri.queryParameters["next"].map(String.init))
        if context.session != nil { return PageRenderer.redirect(next, cookies: context.cookies) }
        let started: (url: URL, browser: String)?
        do {
            started = try await oidc.begin(provider: provider, next: next)
        } catch let failure as OIDCClient.Failure {
            context.logger.error("OpenID provider unavailable", metadata: ["provider": "\(provider)", "reason": "\(failure.reason)"])
            return SignInPages(site: site).page(request, context: context, error: context.texts["oidc_error_unavailable"],
                                                status: .serviceUnavailable, next: next)
        }
        guard let started else { throw WebFailure(status: .notFound, key: "error_not_found") }
        // Lax, not Strict: the provider's answer is a navigation from its own site.
        return PageRenderer.redirect(started.url.absoluteString, cookies: context.cookies + [
            Cookie(name: WebSite.oidcCookie, value: started.browser, maxAge: 600, path: "/login/oidc", secure: site.secure(request),
                   httpOnly: true, sameSite: .lax),
        ])
    }

    @Sendable func callback(_ request: Request, context: WebContext) async throws -> Response {
        guard let oidc = site.signIn.oidc else { throw WebFailure(status: .notFound, key: "error_not_found") }
        let provider = context.parameters.get("provider") ?? ""
        let query = request.uri.queryParameters
        let outcome = try await oidc.finish(provider: provider, code: query["code"].map(String.init), state: query["state"].map(String.init),
                                            error: query["error"].map(String.init), browser: request.cookies[WebSite.oidcCookie]?.value)
        var cookies = context.cookies + [
            Cookie(name: WebSite.oidcCookie, value: "", maxAge: 0, path: "/login/oidc", secure: site.secure(request), httpOnly: true, sameSite: .lax),
        ]
        switch outcome {
        case let .signedIn(agent, provider, idToken, claims, next):
            let (id, _) = try await site.sessions.open(for: agent, provider: provider, idToken: idToken)
            context.logger.info("signed in through an OpenID provider", metadata: [
                "agent": "\(agent.id)", "provider": "\(provider)", "subject": "\(claims.sub)",
            ])
            cookies.append(Cookie(name: WebSite.sessionCookie, value: id, path: "/", secure: site.secure(request), httpOnly: true,
                                  sameSite: .strict))
            var context = context
            context.cookies = cookies
            context.pagePath = next
            // A page that moves on by itself rather than a redirection: the browser arrives
            // from the provider's site, and would not send the Strict session cookie along a
            // redirection that started there.
            return site.renderer.page("moving-on", ["title": context.texts["oidc_signed_in_title"], "href": next,
                                                    "message": context.texts["oidc_signed_in"]], context: context)
        case let .unknownPerson(provider, claims):
            context.logger.notice("an unknown person signed in at an OpenID provider", metadata: [
                "provider": "\(provider)", "subject": "\(claims.sub)", "email": "\(claims.email ?? "")",
                "email_verified": "\(claims.emailVerified.map(String.init) ?? "absent")",
            ])
            var context = context
            context.cookies = cookies
            context.pagePath = "/login"
            let texts = context.texts
            var values: [String: Any] = [
                "title": texts["oidc_unknown_title"], "provider": provider, "subject": claims.sub, "issuer": claims.iss,
                "contact": site.signIn.contact ?? texts["oidc_unknown_default_contact"],
            ]
            if let name = claims.name ?? claims.preferredUsername { values["name"] = name }
            if let email = claims.email { values["email"] = email }
            return site.renderer.page("signin-unknown", values, context: context, status: .forbidden)
        case let .refused(reason):
            context.logger.warning("an OpenID sign-in was refused", metadata: ["provider": "\(provider)", "reason": "\(reason)"])
            var context = context
            context.cookies = cookies
            context.pagePath = "/login"
            return SignInPages(site: site).page(request, context: context, error: context.texts["oidc_error_refused"],
                                                status: .forbidden, next: "/inbox")
        }
    }
}
