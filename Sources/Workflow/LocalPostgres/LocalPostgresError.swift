import Foundation

/// Why the private PostgreSQL could not be found, prepared, started or stopped.
///
/// A struct with static codes rather than an enum, so codes can be added without
/// breaking callers that switch over them.
public struct LocalPostgresError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is; compare with the static members.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// No folder holds both `initdb` and `pg_ctl`.
        public static let binariesNotFound = Code("binariesNotFound")
        /// The server must run as the `postgres` system user, and it does not exist.
        public static let systemUserMissing = Code("systemUserMissing")
        /// A folder of the cluster could not be created or is not usable.
        public static let folderNotUsable = Code("folderNotUsable")
        /// `initdb` failed.
        public static let initFailed = Code("initFailed")
        /// `pg_ctl start` failed.
        public static let startFailed = Code("startFailed")
        /// The server did not accept connections in time.
        public static let timeout = Code("timeout")
        /// The `parcours` database could not be created.
        public static let createDatabaseFailed = Code("createDatabaseFailed")
        /// `pg_ctl stop` failed.
        public static let stopFailed = Code("stopFailed")
        /// A helper program could not be run at all.
        public static let commandFailed = Code("commandFailed")

        public var description: String { name }
    }

    /// What kind of failure this is.
    public let code: Code
    /// What went wrong, where, and what to do about it.
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
