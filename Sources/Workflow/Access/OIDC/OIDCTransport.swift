import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// How Parcours talks to a provider's back channel (discovery, keys, token endpoint): a
/// protocol so that the tests can answer as a provider would without a network.
public protocol OIDCTransport: Sendable {
    /// GET, with `Accept: application/json`; the status and the body.
    func get(_ url: URL) async throws -> (status: Int, body: Data)
    /// POST of an `application/x-www-form-urlencoded` body; the status and the body.
    func postForm(_ url: URL, _ fields: [(String, String)], basicAuth: (user: String, password: String)?) async throws -> (status: Int, body: Data)
}

/// The transport of a running server: Foundation's URLSession, without cookies (a provider
/// refuses a token request that carries its own session's cookie) or caches, with a timeout.
public struct URLSessionOIDCTransport: OIDCTransport {
    let session: URLSession

    public init(timeout: TimeInterval = 10) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        configuration.urlCache = nil
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        session = URLSession(configuration: configuration)
    }

    public func get(_ url: URL) async throws -> (status: Int, body: Data) {
        var request = URLRequest(url: url)
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        return try await send(request)
    }

    public func postForm(_ url: URL, _ fields: [(String, String)], basicAuth: (user: String, password: String)?) async throws -> (status: Int, body: Data) {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let basicAuth {
            // RFC 6749 §2.3.1: each part form-encoded before the Basic scheme's base64.
            let credentials = "\(OIDCForm.encode(basicAuth.user)):\(OIDCForm.encode(basicAuth.password))"
            request.setValue("Basic " + Data(credentials.utf8).base64EncodedString(), forHTTPHeaderField: "Authorization")
        }
        request.httpBody = Data(OIDCForm.body(fields).utf8)
        return try await send(request)
    }

    private func send(_ request: URLRequest) async throws -> (status: Int, body: Data) {
        let (data, response) = try await session.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }
}

/// `application/x-www-form-urlencoded`, as the token endpoint and the authorization URL read it.
public enum OIDCForm {
    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    public static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    public static func body(_ fields: [(String, String)]) -> String {
        fields.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
    }

    /// `base` with `fields` added to its query.
    public static func url(_ base: URL, _ fields: [(String, String)]) -> URL {
        let text = base.absoluteString
        return URL(string: text + (text.contains("?") ? "&" : "?") + body(fields))!
    }
}
