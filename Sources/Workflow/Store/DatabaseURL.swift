import Foundation
import PostgresNIO

/// A `postgresql://` URL turned into a PostgresNIO configuration.
///
/// Accepts `postgresql://user:password@host:port/database` and the libpq form for a Unix
/// socket, `postgresql://user@/database?host=/socket/dir&port=5432`; `sslmode=disable`
/// turns TLS off (it is off by default on a socket, preferred on TCP).
public struct DatabaseURL: Sendable, CustomStringConvertible {
    public var user: String
    public var password: String?
    public var database: String
    public var host: String?
    public var socketDirectory: String?
    public var port: Int
    public var tlsDisabled: Bool

    public init(_ text: String) throws(StoreError) {
        guard let components = URLComponents(string: text),
              components.scheme == "postgresql" || components.scheme == "postgres" else {
            throw StoreError(.badURL, "'\(Self.redacted(text))' is not a PostgreSQL URL; write postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE or postgresql://USER@/DATABASE?host=/socket/dir")
        }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        user = components.user.flatMap { $0.removingPercentEncoding } ?? "postgres"
        password = components.password.flatMap { $0.removingPercentEncoding }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? user : (path.removingPercentEncoding ?? path)
        port = components.port ?? query["port"].flatMap(Int.init) ?? 5432
        if let socket = query["host"], socket.hasPrefix("/") {
            socketDirectory = socket
            host = nil
        } else {
            socketDirectory = nil
            host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? query["host"] ?? "localhost"
        }
        tlsDisabled = query["sslmode"] == "disable" || socketDirectory != nil
    }

    /// The client configuration for this URL.
    public var configuration: PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if let socketDirectory {
            configuration = .init(unixSocketPath: "\(socketDirectory)/.s.PGSQL.\(port)", username: user, password: password, database: database)
        } else {
            configuration = .init(host: host ?? "localhost", port: port, username: user, password: password, database: database,
                                  tls: tlsDisabled ? .disable : .prefer(.makeClientConfiguration()))
        }
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }

    /// The URL without its password, for messages and logs.
    public var description: String {
        let place = socketDirectory.map { "@/\(database)?host=\($0)&port=\(port)" } ?? "@\(host ?? "localhost"):\(port)/\(database)"
        return "postgresql://\(user)\(password == nil ? "" : ":***")\(place)"
    }

    static func redacted(_ text: String) -> String {
        text.replacingOccurrences(of: #":[^:@/]*@"#, with: ":***@", options: .regularExpression)
    }
}
