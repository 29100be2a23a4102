import Foundation

/// How a ``LocalPostgres`` cluster is laid out and run.
public struct LocalPostgresOptions: Sendable, Hashable {
    /// The port, which with a Unix socket only names the socket file (`.s.PGSQL.<port>`).
    public var port: Int
    /// Where to keep the cluster instead of `<project>/.parcours/postgres` and its fallback.
    public var clusterDirectory: URL?
    /// A cluster whose data may be lost: `initdb --no-sync`, `fsync`, `synchronous_commit`
    /// and `full_page_writes` off. For tests only.
    public var throwaway: Bool
    /// How long to wait for the server to accept connections, in seconds.
    public var startTimeout: Int

    public init(port: Int = 5432, clusterDirectory: URL? = nil, throwaway: Bool = false, startTimeout: Int = 30) {
        self.port = port
        self.clusterDirectory = clusterDirectory
        self.throwaway = throwaway
        self.startTimeout = startTimeout
    }
}
