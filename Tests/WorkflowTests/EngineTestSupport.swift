import Foundation
import Testing
@testable import Workflow

/// Deterministic ids for tasks and timers: 00000000-0000-0000-0000-000000000001, …002, …
final class IDCounter: @unchecked Sendable {
    private var next = 0
    private let lock = NSLock()

    func make() -> UUID {
        lock.lock()
        defer { lock.unlock() }
        next += 1
        return UUID(uuidString: String(format: "00000000-0000-0000-0000-%012d", next))!
    }
}

/// The actors the engine tests use.
enum Actors {
    static func agent(_ id: String = "a1", agency: String, roles: Set<String> = [], supervisor: Bool = false) -> CaseActor {
        CaseActor(.agent(id: id, agency: agency, roles: roles, supervisor: supervisor))
    }

    static let citizen = CaseActor(.citizen(reference: "usager-42"))
    static let operatorUser = CaseActor(.operatorUser(name: "ops"))
}

enum EngineFixtures {
    /// An example workflow of `workflows/`, loaded and checked valid.
    static func example(_ name: String) throws -> WorkflowDefinition {
        let document = WorkflowLoader.loadFile(try Repository.bytes(Repository.file("workflows/\(name).yaml")), named: "workflows/\(name).yaml")
        let errors = document.lines.filter { $0.contains(": error: ") }
        #expect(errors == [])
        return try #require(document.definition)
    }

    /// A workflow written in a test, checked to have no error (warnings allowed).
    static func workflow(_ text: String) throws -> WorkflowDefinition {
        let document = WorkflowDocument.parse(text)
        let errors = document.lines.filter { $0.contains(": error: ") }
        #expect(errors == [])
        return try #require(document.definition)
    }

    /// 2 March 2026, 09:00 in Paris: a Monday.
    static let monday = RFC3339.parse("2026-03-02T09:00:00+01:00")!

    static func document(_ type: String, issuer: String) -> JSONValue {
        ["type": .string(type), "issuer": .string(issuer),
         "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
         "name": .string("\(type).pdf"), "size": 184_320]
    }
}

/// Drives one case through the engine as the store would: it keeps the snapshot the engine
/// returns (incrementing its version) and checks, after EVERY applied change, that the case
/// has an owner and that the change's lists agree with the snapshot it returns.
struct CaseDriver {
    let engine: WorkflowEngine
    var snapshot: CaseSnapshot
    var now: Date
    var lastChange: CaseChange

    init(_ definition: WorkflowDefinition, data: JSONValue, actor: CaseActor = Actors.citizen,
         now: Date = EngineFixtures.monday, maxAutomaticSteps: Int = 50,
         retryPolicy: StepRetryPolicy = StepRetryPolicy(random: { 0.5 }),
         sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let counter = IDCounter()
        engine = WorkflowEngine(definition: definition, maxAutomaticSteps: maxAutomaticSteps, retryPolicy: retryPolicy,
                                makeID: { counter.make() })
        self.now = now
        switch engine.start(caseID: UUID(uuidString: "C0000000-0000-0000-0000-000000000001")!, data: data,
                            actor: actor, now: now) {
        case .applied(let change):
            #expect(change.after.version == 0, sourceLocation: sourceLocation)
            Self.checkInvariants(before: nil, change, sourceLocation: sourceLocation)
            var after = change.after
            after.version = 1
            snapshot = after
            lastChange = change
        case .refused(let refusal):
            Issue.record("start refused: \(refusal)", sourceLocation: sourceLocation)
            throw refusal
        }
    }

    /// Applies an event that must be applied; returns the change.
    @discardableResult
    mutating func apply(_ kind: CaseEvent.Kind, by actor: CaseActor = Actors.operatorUser, note: String? = nil,
                        sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> CaseChange {
        switch engine.apply(CaseEvent(kind, actor: actor, note: note), to: snapshot, now: now) {
        case .applied(let change):
            Self.checkInvariants(before: snapshot, change, sourceLocation: sourceLocation)
            #expect(change.after.version == snapshot.version, sourceLocation: sourceLocation)
            var after = change.after
            after.version += 1
            snapshot = after
            lastChange = change
            return change
        case .refused(let refusal):
            Issue.record("refused: \(refusal)", sourceLocation: sourceLocation)
            throw refusal
        }
    }

    /// Applies an event that must be refused; returns the refusal. The snapshot is unchanged.
    mutating func refusal(_ kind: CaseEvent.Kind, by actor: CaseActor = Actors.operatorUser, note: String? = nil,
                          sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Refusal? {
        switch engine.apply(CaseEvent(kind, actor: actor, note: note), to: snapshot, now: now) {
        case .applied(let change):
            Issue.record("applied, expected a refusal; history: \(change.history.map(\.event))", sourceLocation: sourceLocation)
            return nil
        case .refused(let refusal):
            return refusal
        }
    }

    /// Fires an action.
    @discardableResult
    mutating func act(_ name: String, _ data: JSONValue? = nil, track: String? = nil, by actor: CaseActor,
                      note: String? = nil, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> CaseChange {
        try apply(.action(name: name, data: data, track: track), by: actor, note: note, sourceLocation: sourceLocation)
    }

    /// The pending timer of `kind` (of `state` and `track` when given).
    func timer(_ kind: TimerKind, state: String? = nil, track: String? = nil, index: Int? = nil,
               sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> CaseTimer {
        try #require(snapshot.timers.first { timer in
            timer.kind == kind && (state == nil || timer.state == state) && (track == nil || timer.track == track)
                && (index == nil || timer.afterIndex == index)
        }, "no \(kind) timer for \(state ?? "any state") in \(snapshot.timers)", sourceLocation: sourceLocation)
    }

    /// Moves the clock to the timer's due date and fires it.
    @discardableResult
    mutating func fire(_ kind: TimerKind, state: String? = nil, track: String? = nil, index: Int? = nil,
                       sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> CaseChange {
        let timer = try timer(kind, state: state, track: track, index: index, sourceLocation: sourceLocation)
        now = max(now, timer.dueAt)
        return try apply(.timerFired(timerID: timer.id), by: .engine, sourceLocation: sourceLocation)
    }

    /// The open escalation tasks' reasons, sorted.
    var escalations: [String] { snapshot.tasks.compactMap(\.escalation?.reason).sorted() }

    /// The open task with this escalation reason.
    func escalation(_ reason: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> CaseTask {
        try #require(snapshot.tasks.first { $0.escalation?.reason == reason },
                     "no open '\(reason)' escalation in \(escalations)", sourceLocation: sourceLocation)
    }

    /// The open ordinary tasks' queues, sorted.
    var workQueues: [String] { snapshot.tasks.filter { $0.kind == .work }.map(\.queue).sorted() }

    /// The track positions as `track:state` (with `!` once finished), sorted.
    var trackStates: [String] {
        snapshot.tracks.map { "\($0.track):\($0.state)\($0.finished ? "!" : "")" }.sorted()
    }

    /// The owner invariant and the consistency of a change with the snapshot it returns: what is
    /// opened is open, what is closed is gone, and nothing else moved.
    static func checkInvariants(before: CaseSnapshot?, _ change: CaseChange, sourceLocation: Testing.SourceLocation) {
        let after = change.after
        #expect(after.hasOwner, "the case has no owner after \(change.history.map(\.event))", sourceLocation: sourceLocation)
        if after.status.isClosed {
            #expect(after.tasks.isEmpty && after.timers.isEmpty, "a closed case keeps work", sourceLocation: sourceLocation)
        }
        #expect(after.lastEventAt >= (before?.lastEventAt ?? after.createdAt), sourceLocation: sourceLocation)
        let beforeTasks = Set((before?.tasks ?? []).map(\.id))
        let beforeTimers = Set((before?.timers ?? []).map(\.id))
        let closed = Set(change.closedTasks.map(\.id))
        let removed = Set(change.removedTimers)
        #expect(closed.isSubset(of: beforeTasks), "closed tasks that were not open", sourceLocation: sourceLocation)
        #expect(removed.isSubset(of: beforeTimers), "removed timers that were not pending", sourceLocation: sourceLocation)
        let expectedTasks = beforeTasks.subtracting(closed).union(change.openedTasks.map(\.id))
        let expectedTimers = beforeTimers.subtracting(removed).union(change.createdTimers.map(\.id))
        #expect(Set(after.tasks.map(\.id)) == expectedTasks, "tasks disagree with the change", sourceLocation: sourceLocation)
        #expect(Set(after.timers.map(\.id)) == expectedTimers, "timers disagree with the change", sourceLocation: sourceLocation)
        #expect(after.tasks.count == expectedTasks.count, "a task is listed twice", sourceLocation: sourceLocation)
        for timer in after.timers where timer.taskID != nil {
            #expect(after.tasks.contains { $0.id == timer.taskID }, "a timer watches a closed task",
                    sourceLocation: sourceLocation)
        }
        #expect(!change.history.isEmpty, sourceLocation: sourceLocation)
    }
}

extension Refusal {
    /// Whether `self` has this code (for `#expect(refusal?.is(.x) == true)`).
    func `is`(_ code: Code) -> Bool { self.code == code }
}
