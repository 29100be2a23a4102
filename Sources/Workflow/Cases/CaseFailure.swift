/// Why the door refused: a value each front-end renders its own way (a problem+json, a
/// message next to a form, an exit code). Static codes, so that codes can be added without
/// breaking callers.
public struct CaseFailure: Error, Sendable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let name: String
        public init(_ name: String) { self.name = name }
        public var description: String { name }

        /// No such case, or one the caller may not know exists: the same answer.
        public static let notFound = Code("not-found")
        /// The caller knows the case but may not do this (their role, a field they may not change).
        public static let forbidden = Code("forbidden")
        /// The case changed since the caller read it, or a task is held by someone else.
        public static let conflict = Code("conflict")
        /// The request is malformed (a note visibility naming nobody of the workflow…).
        public static let invalid = Code("invalid")
        /// The engine refused the event: `refusal` says with which code.
        public static let refused = Code("refused")
    }

    /// One thing wrong, with where it is in what the caller sent when that may be told.
    public struct Problem: Sendable, Hashable {
        public var detail: String
        /// The field concerned (`pension.sre.montant`), only when the caller may see it.
        public var field: String?
        /// A JSON pointer into the request (`/data/pension/sre/montant`, `/note_visible_to/0`).
        public var pointer: String?

        public init(_ detail: String, field: String? = nil, pointer: String? = nil) {
            self.detail = detail
            self.field = field
            self.pointer = pointer
        }
    }

    public var code: Code
    /// What is wrong and what to do, said so that the caller learns nothing they may not see.
    public var message: String
    /// The engine's code (`guard-false`, `required-field-missing`) when it refused.
    public var refusal: Refusal.Code?
    /// Every problem found, all at once.
    public var problems: [Problem]
    /// What a front-end needs to say it in its own words (`holder` of a held task).
    public var details: [String: String]

    public init(_ code: Code, _ message: String, refusal: Refusal.Code? = nil, problems: [Problem] = [],
                details: [String: String] = [:]) {
        self.code = code
        self.message = message
        self.refusal = refusal
        self.problems = problems
        self.details = details
    }

    public var description: String { "\(code): \(message)" }

    static func notFound(_ what: String) -> CaseFailure { CaseFailure(.notFound, what) }
}
