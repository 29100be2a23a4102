import Foundation

/// What a ``LocalPostgres`` cluster looks like right now.
public struct LocalPostgresStatus: Sendable, Hashable {
    /// Whether `initdb` has made the data folder.
    public var isInitialised: Bool
    /// Whether a server runs on the data folder.
    public var isRunning: Bool
    /// The postmaster's process id, when it runs.
    public var pid: Int32?
    /// The folder holding `data/`, `socket/` and `server.log`.
    public var clusterDirectory: URL
    /// The PostgreSQL data folder (`PGDATA`).
    public var dataDirectory: URL
    /// The folder of the Unix socket.
    public var socketDirectory: URL
    /// The server's log file.
    public var logFile: URL
    /// True when the cluster lives under the `postgres` user's home because that
    /// user cannot enter the project folder.
    public var usesFallbackLocation: Bool
    /// The `DATABASE_URL` to connect with.
    public var url: String
}
