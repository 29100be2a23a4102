import Foundation

/// Where and as whom a client connects to the private cluster: a Unix socket, no TCP.
public struct LocalPostgresConnection: Sendable, Hashable {
    /// The folder that holds the socket file `.s.PGSQL.<port>`.
    public let socketDirectory: String
    /// The port, which names the socket file.
    public let port: Int
    /// The superuser made by `initdb`.
    public let user: String
    /// The database Parcours uses.
    public let database: String

    public init(socketDirectory: String, port: Int, user: String = "parcours", database: String = "parcours") {
        self.socketDirectory = socketDirectory
        self.port = port
        self.user = user
        self.database = database
    }

    /// A libpq-compatible `DATABASE_URL`: `postgresql://parcours@/parcours?host=%2F...&port=5432`.
    public var url: String {
        "postgresql://\(Self.encode(user))@/\(Self.encode(database))?host=\(Self.encode(socketDirectory))&port=\(port)"
    }

    /// Percent-encodes everything but RFC 3986 unreserved characters, so `/` in a socket path becomes `%2F`.
    static func encode(_ text: String) -> String {
        var allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
