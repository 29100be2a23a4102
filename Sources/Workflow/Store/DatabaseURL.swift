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
        switch query["sslmode"] {
        case nil, "prefer", "allow": tls = socketDirectory == nil ? .prefer : .disable
        case "disable": tls = .disable
        case "require", "verify-ca", "verify-full": tls = .require
        case let other?:
            throw StoreError(.badURL, "sslmode '\(other)' is not one of disable, prefer, require, verify-full")
        }
    }

    /// How the connection uses TLS (libpq's `sslmode`); certificates are verified
    /// whenever TLS is required.
    public enum TLSMode: Sendable { case disable, prefer, require }

    public var tls: TLSMode

    /// True when the connection will not use TLS (a socket, or `sslmode=disable`).
    public var tlsDisabled: Bool { tls == .disable }

    /// The client configuration for this URL.
    public var configuration: PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if let socketDirectory {
            configuration = .init(unixSocketPath: "\(socketDirectory)/.s.PGSQL.\(port)", username: user, password: password, database: database)
        } else {
            let tlsSetting: PostgresClient.Configuration.TLS = switch tls {
            case .disable: .disable
            case .prefer: .prefer(.makeClientConfiguration())
            case .require: .require(.makeClientConfiguration())
            }
            configuration = .init(host: host ?? "localhost", port: port, username: user, password: password, database: database,
                                  tls: tlsSetting)
        }
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }

    /// The configuration of a single connection outside the pool (the worker's listener).
    public func connectionConfiguration() throws -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        if let socketDirectory {
            configuration = .init(unixSocketPath: "\(socketDirectory)/.s.PGSQL.\(port)", username: user, password: password,
                                  database: database)
        } else {
            let tlsSetting: PostgresConnection.Configuration.TLS = switch tls {
            case .disable: .disable
            case .prefer: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            case .require: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
            configuration = .init(host: host ?? "localhost", port: port, username: user, password: password,
                                  database: database, tls: tlsSetting)
        }
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }

    /// The URL without its password, for messages and logs.
    public var description: String {
        let place = socketDirectory.map { "@/\(database)?host=\($0)&port=\(port)" } ?? "@\(host ?? "localhost"):\(port)/\(database)"
        return "postgresql://\(user)\(password == nil ? "" : ":***")\(place)"
    }

    /// The URL as given, with any password replaced, for error messages.
    static func redacted(_ text: String) -> String {
        guard var components = URLComponents(string: text), components.password != nil else {
            return text.contains("@") ? "(the URL given)" : text
        }
        components.password = "***"
        return components.string ?? "(the URL given)"
    }
}
