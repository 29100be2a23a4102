/// An error of the store that a caller can act on; codes are static members so that new
/// ones can be added without breaking callers.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let name: String
        public init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The case, task or workflow does not exist.
        public static let notFound = Code("not-found")
        /// The caller's `expected_version` is no longer the case's version.
        public static let conflict = Code("conflict")
        /// The engine refused the event; `refusal` says why.
        public static let refused = Code("refused")
        /// The workflow file has errors; `diagnostics` lists them.
        public static let invalidWorkflow = Code("invalid-workflow")
        /// Another file was already published under this id and version.
        public static let versionTaken = Code("version-taken")
        /// The database cannot be reached or refused the connection.
        public static let unavailable = Code("unavailable")
        /// The database URL cannot be read.
        public static let badURL = Code("bad-url")
        /// The database refused a write that breaks one of its rules (a constraint, the
        /// owner invariant, an append-only table); the message is the database's.
        public static let integrity = Code("integrity")
        /// Something with this name exists already (an agent id); the message names it.
        public static let alreadyExists = Code("already-exists")
        /// The agent was revoked: revocation is final, its token cannot be rotated.
        public static let revoked = Code("revoked")
        /// The input cannot be stored as given (a malformed id, an expiry in the past); the
        /// message says which part and what to write instead.
        public static let invalidInput = Code("invalid-input")
    }

    public var code: Code
    public var message: String
    public var refusal: Refusal?
    public var diagnostics: [Diagnostic]

    public init(_ code: Code, _ message: String, refusal: Refusal? = nil, diagnostics: [Diagnostic] = []) {
        self.code = code
        self.message = message
        self.refusal = refusal
        self.diagnostics = diagnostics
    }

    public var description: String { message }
}
