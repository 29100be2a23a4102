import Foundation
import Hummingbird
import Logging
import Workflow

/// In front of every page: finds the signed-in agent from the session cookie, picks the
/// language, refuses a form posted from another site or without the session's anti-forgery
/// token, and turns every failure into an HTML page
/// (never a stack trace, never a 500 for a visitor's mistake).
struct WebSessionMiddleware: RouterMiddleware {
    typealias Context = WebContext
    let site: WebSite

    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response) async throws -> Response {
        var context = context
        context.language = language(request, &context)
        context.pagePath = Self.pagePath(request)
        do {
            let site = self.site
            if let id = request.cookies[WebSite.sessionCookie]?.value {
                context.session = try await withDeadline(RouteTable.deadline, "the session check") { try await site.sessions.session(id: id) }
            }
            try Self.checkQuery(request)
            var request = request
            if request.method == .post {
                try checkOrigin(request)
                // Only a signed-in agent's form may be large (a file): a visitor's body is
                // read within a small limit, before anything else is done with it.
                context.form = try await WebForm.read(&request, signedIn: context.session != nil)
                try checkForgery(request, context)
            }
            return try await next(request, context)
        } catch let redirect as WebRedirect {
            // A page asked for before signing in (a link in a mail) is where sign-in leads back to.
            if redirect.location == WebRedirect.signIn.location, request.method == .get, !["/login", "/", "/inbox"].contains(request.uri.path) {
                let asked = request.uri.string
                return PageRenderer.redirect("/login?next=\(WebPaths.query(asked))", cookies: context.cookies)
            }
            return PageRenderer.redirect(redirect.location, cookies: context.cookies)
        } catch {
            return failurePage(error, request: request, context: context)
        }
    }

    /// `?lang=` chooses and remembers (a cookie); then the cookie; French otherwise.
    private func language(_ request: Request, _ context: inout WebContext) -> Texts.Language {
        if let asked = request.uri.queryParameters["lang"].flatMap({ Texts.Language(rawValue: String($0)) }) {
            context.cookies.append(Cookie(name: WebSite.languageCookie, value: asked.rawValue, maxAge: 365 * 86400, path: "/",
                                          secure: site.secure(request), httpOnly: true, sameSite: .lax))
            return asked
        }
        return request.cookies[WebSite.languageCookie].flatMap { Texts.Language(rawValue: $0.value) } ?? .french
    }

    /// A GET's own path and query (without `lang`); after a form, the page the form was on.
    static func pagePath(_ request: Request) -> String {
        if request.method == .get {
            let kept = request.uri.queryParameters.filter { $0.key != "lang" }
                .map { "\(WebPaths.query(String($0.key)))=\(WebPaths.query(String($0.value)))" }
            return request.uri.path + (kept.isEmpty ? "" : "?" + kept.joined(separator: "&"))
        }
        if let referer = request.headers[.referer], let url = URLComponents(string: referer), url.host == nil || url.host == request.head.authority?.split(separator: ":").first.map(String.init) {
            return WebPaths.back(url.path, otherwise: "/")
        }
        return "/"
    }

    /// A NUL character is no text a person types, and the database refuses it: a 400 page.
    static func checkQuery(_ request: Request) throws {
        for (key, value) in request.uri.queryParameters where key.contains("\u{0}") || value.contains("\u{0}") {
            throw WebFailure(status: .badRequest, key: "error_bad_form")
        }
    }

    /// A browser names the page a form comes from: it must be this site.
    private func checkOrigin(_ request: Request) throws {
        guard let origin = request.headers[.origin] else { return }
        let host = request.head.authority ?? request.headers[.init("Host")!] ?? ""
        guard origin == "http://\(host)" || origin == "https://\(host)" else {
            throw WebFailure(status: .forbidden, key: "error_forgery")
        }
    }

    /// Every form of a session carries its token; the sign-in form carries the one of its
    /// cookie (set when the form was shown), so that no other site can sign someone in.
    private func checkForgery(_ request: Request, _ context: WebContext) throws {
        let sent = context.form["_csrf"] ?? ""
        let expected: String?
        if request.uri.path == "/login" {
            expected = request.cookies[WebSite.signInCookie]?.value
        } else {
            guard let session = context.session else { throw WebRedirect.signIn }
            expected = session.csrf
        }
        guard let expected, !expected.isEmpty, Self.sameText(sent, expected) else {
            throw WebFailure(status: .forbidden, key: "error_forgery")
        }
    }

    /// Compares in a time that does not depend on where the texts differ.
    static func sameText(_ a: String, _ b: String) -> Bool {
        let a = Array(a.utf8), b = Array(b.utf8)
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    private func failurePage(_ error: any Error, request: Request, context: WebContext) -> Response {
        let texts = context.texts
        var status: HTTPResponse.Status
        var message: String
        switch error {
        case let failure as WebFailure:
            status = failure.status
            message = failure.detail ?? texts[failure.key]
        case let problem as Problem:
            status = problem.status
            message = problem.detail
        case let failure as CaseFailure:
            let problem = Problem(failure)
            status = problem.status
            message = problem.detail
        case let error as StoreError:
            let problem = ProblemMiddleware.problem(for: error, logger: context.logger)
            status = problem.status
            message = error.code == .unavailable
                ? texts[ProblemMiddleware.isTimeout(error) ? "error_timeout" : "error_unavailable"] : problem.detail
        case let error as HTTPError:
            status = error.status
            message = error.body ?? error.status.reasonPhrase
        default:
            context.logger.error("internal error on a page", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            status = .internalServerError
            message = texts["error_internal"]
        }
        if status == .notFound { message = texts["error_not_found"] }
        return site.renderer.page("error", ["status": Int(status.code), "message": message,
                                            "heading": texts["error_heading_\(status.code)"] == "error_heading_\(status.code)"
                                                ? status.reasonPhrase : texts["error_heading_\(status.code)"]],
                                  context: context, status: status)
    }
}
