import Foundation

/// What the engine decided: a change to write in one transaction, or a refusal that says why.
public enum EngineOutcome: Sendable {
    case applied(CaseChange)
    case refused(Refusal)
}

/// A change of one case, complete: the store writes all of it in one transaction or nothing.
public struct CaseChange: Sendable {
    /// The case as it is after the change (the store increments `version`).
    public var after: CaseSnapshot
    public var history: [HistoryEntry]
    public var openedTasks: [CaseTask]
    public var closedTasks: [ClosedTask]
    public var createdTimers: [CaseTimer]
    /// Timers cancelled, or consumed because they fired.
    public var removedTimers: [UUID]
    /// Whose move it is after the change (`CaseSnapshot.whoseMove`), set by the engine.
    public var whoseMove: [String] = []
    /// What the change means for the systems outside (the outbox), set by the engine.
    public var events: [OutboxEvent] = []
    /// The requests to other administrations the change opened or changed, set by the engine.
    public var requests: [RequestRun] = []

    public init(after: CaseSnapshot, history: [HistoryEntry] = [], openedTasks: [CaseTask] = [], closedTasks: [ClosedTask] = [],
                createdTimers: [CaseTimer] = [], removedTimers: [UUID] = []) {
        self.after = after
        self.history = history
        self.openedTasks = openedTasks
        self.closedTasks = closedTasks
        self.createdTimers = createdTimers
        self.removedTimers = removedTimers
    }
}

/// Why the engine refused an event; nothing is written.
public struct Refusal: Error, Sendable, Hashable, CustomStringConvertible {
    /// A reason code; static members so that codes can be added without breaking callers.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let name: String
        public init(_ name: String) { self.name = name }
        public var description: String { name }

        public static let unknownAction = Code("unknown-action")
        public static let actionNotAvailable = Code("action-not-available")
        public static let ambiguousTrack = Code("ambiguous-track")
        public static let unknownTrack = Code("unknown-track")
        public static let guardFalse = Code("guard-false")
        public static let guardUnknown = Code("guard-unknown")
        public static let requiredFieldMissing = Code("required-field-missing")
        public static let roleNotAllowed = Code("role-not-allowed")
        public static let invalidData = Code("invalid-data")
        public static let noteRequired = Code("note-required")
        public static let caseClosed = Code("case-closed")
        public static let unknownState = Code("unknown-state")
        public static let unknownTask = Code("unknown-task")
        public static let unknownQueue = Code("unknown-queue")
        public static let unknownTimer = Code("unknown-timer")
        public static let unknownException = Code("unknown-exception")
        public static let notAllowed = Code("not-allowed")
    }

    public var code: Code
    /// What is wrong and what to do, for the person who fired the event.
    public var message: String
    /// The field concerned, when there is one (a missing or invalid field, a guard's unknown).
    public var field: String?
    /// Every field concerned with what is wrong with it, when the data had several problems
    /// (all reported at once); `field` and `message` are the first of them.
    public var fieldProblems: [FieldProblem]

    /// One field of a refusal and what is wrong with it.
    public struct FieldProblem: Sendable, Hashable {
        public var field: String
        public var message: String
        public init(field: String, message: String) {
            self.field = field
            self.message = message
        }
    }

    public init(_ code: Code, _ message: String, field: String? = nil) {
        self.code = code
        self.message = message
        self.field = field
        fieldProblems = field.map { [FieldProblem(field: $0, message: message)] } ?? []
    }

    /// A refusal for several fields at once; its message is the first problem's, with a count.
    init(_ code: Code, problems: [FieldProblem]) {
        let first = problems[0]
        let more = problems.count > 1 ? " (and \(problems.count - 1) more: \(problems.dropFirst().map(\.field).joined(separator: ", ")))" : ""
        self.init(code, first.message + more, field: first.field)
        fieldProblems = problems
    }

    public var description: String { "\(code): \(message)" }
}
