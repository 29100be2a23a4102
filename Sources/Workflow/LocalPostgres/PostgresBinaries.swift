import Foundation

/// The folder of the PostgreSQL server programs (`initdb`, `pg_ctl`, `postgres`, ...).
public struct PostgresBinaries: Sendable, Hashable {
    /// The folder holding `initdb` and `pg_ctl`.
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    /// The full path of one program of this folder.
    public func path(_ program: String) -> String {
        directory.appendingPathComponent(program).path
    }

    /// Whether this folder has a given program (psql and friends may be missing from a server-only install).
    public func has(_ program: String) -> Bool {
        FileManager.default.isExecutableFile(atPath: path(program))
    }

    /// Finds the server programs: `PARCOURS_PG_BINDIR` when set, else `pg_config --bindir`
    /// when that folder has the server, else the highest version under `/usr/lib/postgresql/*/bin`.
    ///
    /// `pg_config` is checked because on Debian it may belong to the client package
    /// and point at a folder without `initdb`.
    public static func locate(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        debianRoot: URL = URL(fileURLWithPath: "/usr/lib/postgresql")
    ) throws -> PostgresBinaries {
        if let configured = environment["PARCOURS_PG_BINDIR"], !configured.isEmpty {
            let binaries = PostgresBinaries(directory: URL(fileURLWithPath: configured))
            guard binaries.hasServer else {
                throw LocalPostgresError(.binariesNotFound, """
                    PARCOURS_PG_BINDIR is \(configured), but that folder has no initdb and pg_ctl. \
                    Point it at the server's bin folder (e.g. /usr/lib/postgresql/15/bin) or unset it.
                    """)
            }
            return binaries
        }
        if let fromConfig = pgConfigBinDirectory(environment: environment) {
            let binaries = PostgresBinaries(directory: URL(fileURLWithPath: fromConfig))
            if binaries.hasServer { return binaries }
        }
        if let debian = highestDebianVersion(under: debianRoot) { return debian }
        throw LocalPostgresError(.binariesNotFound, """
            The PostgreSQL server programs (initdb, pg_ctl) were not found: PARCOURS_PG_BINDIR is not set, \
            `pg_config --bindir` has no server, and \(debianRoot.path)/*/bin is empty. \
            Install the Debian package `postgresql` with: sudo apt-get update && sudo apt-get install -y postgresql \
            (or set PARCOURS_PG_BINDIR to the folder holding initdb and pg_ctl).
            """)
    }

    /// Whether this folder holds the server tools, not just the client.
    var hasServer: Bool { has("initdb") && has("pg_ctl") }

    private static func pgConfigBinDirectory(environment: [String: String]) -> String? {
        guard let result = try? CommandRunner(systemUser: nil, environment: environment).run(["pg_config", "--bindir"]),
              result.succeeded
        else { return nil }
        let folder = result.output.trimmingCharacters(in: .whitespacesAndNewlines)
        return folder.isEmpty ? nil : folder
    }

    /// `/usr/lib/postgresql/<version>/bin` with the highest numeric version that has the server.
    private static func highestDebianVersion(under root: URL) -> PostgresBinaries? {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return versions
            .sorted { $0.compare($1, options: .numeric) == .orderedDescending }
            .lazy
            .map { PostgresBinaries(directory: root.appendingPathComponent($0).appendingPathComponent("bin")) }
            .first { $0.hasServer }
    }
}
