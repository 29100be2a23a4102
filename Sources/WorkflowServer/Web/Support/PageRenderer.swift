import Foundation
import Hummingbird
import Mustache

/// Renders the Mustache templates of `Web/Templates` into HTML answers, with what every page
/// needs (the texts of its language, the signed-in agent, the anti-forgery token) and the
/// headers that keep a page from being framed, sniffed or cached.
struct PageRenderer: Sendable {
    let library: MustacheLibrary

    /// Every template of the build's `Templates` folder, parsed once at start: a template
    /// that does not parse stops the server at once rather than failing one page later.
    static let shared: PageRenderer = {
        guard let folder = Bundle.module.url(forResource: "Templates", withExtension: nil),
              let files = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else {
            fatalError("the page templates are missing from the build (Web/Templates)")
        }
        var templates: [String: MustacheTemplate] = [:]
        for file in files where file.hasSuffix(".mustache") {
            let path = folder.appendingPathComponent(file).path
            do {
                templates[String(file.dropLast(".mustache".count))] = try MustacheTemplate(string: String(contentsOfFile: path, encoding: .utf8))
            } catch {
                fatalError("the page template \(file) does not parse: \(error)")
            }
        }
        return PageRenderer(library: MustacheLibrary(templates: templates))
    }()

    /// The page `template` with `values`, for the request's agent and language.
    func page(_ template: String, _ values: [String: Any], context: WebContext, status: HTTPResponse.Status = .ok) -> Response {
        var all = values
        let texts = context.texts
        all["t"] = texts.table
        all["lang"] = texts.language.rawValue
        all["other_lang"] = texts.language == .french ? "en" : "fr"
        all["other_lang_name"] = texts["language_other"]
        let separator = context.pagePath.contains("?") ? "&" : "?"
        all["other_lang_href"] = "\(context.pagePath)\(separator)lang=\(texts.language == .french ? "en" : "fr")"
        if let session = context.session {
            all["signed_in"] = true
            all["csrf"] = session.csrf
            all["me"] = ["id": session.agent.id, "agency": session.agent.agency, "supervisor": session.agent.supervisor,
                         "designer": session.agent.designer]
        }
        guard let html = library.render(all, withTemplate: template) else {
            return Response(status: .internalServerError, headers: Self.headers, body: .init(byteBuffer: ByteBuffer(string: "missing template")))
        }
        var response = Response(status: status, headers: Self.headers, body: .init(byteBuffer: ByteBuffer(string: html)))
        for cookie in context.cookies { response.setCookie(cookie) }
        return response
    }

    /// No script or style from elsewhere, no framing, no sniffing, no caching of a page that
    /// holds a person's data, no referrer leaking a case id to another site.
    static let headers: HTTPFields = [
        .contentType: "text/html; charset=utf-8",
        .contentSecurityPolicy: "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        .xContentTypeOptions: "nosniff",
        .cacheControl: "no-store",
        .init("Referrer-Policy")!: "same-origin",
        .init("X-Frame-Options")!: "DENY",
    ]

    static func redirect(_ location: String, cookies: [Cookie] = []) -> Response {
        var response = Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
        for cookie in cookies { response.setCookie(cookie) }
        return response
    }
}

