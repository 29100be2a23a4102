import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import WorkflowServer

/// A browser for the page tests: a cookie jar, the anti-forgery token of the last page seen,
/// and forms sent as a browser sends them (with the site's Origin).
final class WebBrowser: @unchecked Sendable {
    let client: any TestClientProtocol
    private(set) var cookies: [String: String] = [:]
    private(set) var csrf: String?
    static let origin = "http://localhost"

    init(_ client: any TestClientProtocol) {
        self.client = client
    }

    /// Signs in through /login with the agent's token, as a person would.
    static func signedIn(_ api: APIClient, as agent: String) async throws -> WebBrowser {
        let browser = WebBrowser(api.client)
        let form = try await browser.get("/login")
        #expect(form.status == 200)
        let answer = try await browser.post("/login", ["token": api.tokens[agent] ?? agent], csrf: form.hidden("_csrf"))
        #expect(answer.status == 303 && answer.location == "/inbox", "sign-in of \(agent): \(answer.status) \(answer.html.prefix(200))")
        // The session's anti-forgery token, which the sign-in form's is not.
        _ = try await browser.get("/inbox")
        return browser
    }

    func get(_ uri: String) async throws -> WebPage {
        try await send(.get, uri, body: nil, contentType: nil, origin: nil)
    }

    /// Posts a form (urlencoded) with the page's anti-forgery token unless told otherwise.
    func post(_ uri: String, _ fields: KeyValuePairs<String, String>, csrf: String? = nil, sendToken: Bool = true,
              origin: String? = WebBrowser.origin) async throws -> WebPage {
        try await post(uri, pairs: fields.map { ($0.key, $0.value) }, csrf: csrf, sendToken: sendToken, origin: origin)
    }

    /// The same with repeated names, as a form with checkboxes sends them.
    func post(_ uri: String, pairs fields: [(String, String)], csrf: String? = nil, sendToken: Bool = true,
              origin: String? = WebBrowser.origin) async throws -> WebPage {
        var pairs = fields
        if sendToken, let token = csrf ?? self.csrf { pairs.append(("_csrf", token)) }
        let body = pairs.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        return try await send(.post, uri, body: Array(body.utf8), contentType: "application/x-www-form-urlencoded", origin: origin)
    }

    /// A `multipart/form-data` form, as the designer's form sends it; a part named `file` is an uploaded file.
    func postMultipart(_ uri: String, _ fields: [String: String]) async throws -> WebPage {
        try await postMultipart(uri, parts: fields.mapValues { Array($0.utf8) })
    }

    /// The same with each part's bytes as they are, as a browser uploads a file in any encoding.
    /// `files` names the parts sent as uploaded files, with their file names.
    func postMultipart(_ uri: String, parts fields: [String: [UInt8]], files: [String: String] = [:]) async throws -> WebPage {
        let boundary = "----parcours\(UUID().uuidString.prefix(8))"
        var body: [UInt8] = []
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) + [("_csrf", Array((csrf ?? "").utf8))] {
            var head = "--\(boundary)\r\n"
            if name == "file" {
                head += "Content-Disposition: form-data; name=\"file\"; filename=\"workflow.yaml\"\r\nContent-Type: application/yaml\r\n\r\n"
            } else if let filename = files[name] {
                head += "Content-Disposition: form-data; name=\"\(name)\"; filename=\"\(filename)\"\r\nContent-Type: application/pdf\r\n\r\n"
            } else {
                head += "Content-Disposition: form-data; name=\"\(name)\"\r\n\r\n"
            }
            body += Array(head.utf8) + value + Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        return try await send(.post, uri, body: body, contentType: "multipart/form-data; boundary=\(boundary)", origin: Self.origin)
    }

    private func send(_ method: HTTPRequest.Method, _ uri: String, body: [UInt8]?, contentType: String?, origin: String?) async throws -> WebPage {
        var headers: HTTPFields = [:]
        if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        if let contentType { headers[.contentType] = contentType }
        if let origin { headers[.origin] = origin }
        let response = try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(bytes: $0) })
        for field in response.headers[values: .setCookie] {
            let pair = field.split(separator: ";")[0].split(separator: "=", maxSplits: 1).map(String.init)
            if pair.count == 2 { cookies[pair[0]] = pair[1].isEmpty ? nil : pair[1] }
            if field.contains("Max-Age=0") { cookies[pair[0]] = nil }
        }
        let page = WebPage(status: Int(response.status.code), headers: response.headers, html: String(buffer: response.body))
        if let token = page.hidden("_csrf") { csrf = token }
        return page
    }

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
    }
}

/// A page as the tests read it: status, headers, HTML.
struct WebPage: Sendable {
    let status: Int
    let headers: HTTPFields
    let html: String

    var location: String? { headers[.location] }

    /// The value of the first hidden input named `name`.
    func hidden(_ name: String) -> String? { value(after: "name=\"\(name)\" value=\"") }

    /// The text of the first `attribute="…"` value found after `marker`.
    func value(after marker: String) -> String? {
        guard let start = html.range(of: marker) else { return nil }
        let rest = html[start.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    func contains(_ text: String) -> Bool { html.contains(text) }

    /// The text of the first refusal shown in the page.
    var refusal: String? {
        guard let start = html.range(of: "class=\"refusal\" role=\"alert\">") else { return nil }
        let rest = html[start.upperBound...]
        return rest.firstIndex(of: "<").map { String(rest[..<$0]) }
    }
}
