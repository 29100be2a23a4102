import Foundation

/// The pure engine: given a workflow, a case and an event, decides the complete change to
/// write, or refuses the event and says why. No I/O: the store loads the case, calls the
/// engine, and writes what it returns in one transaction.
///
/// Every applied change leaves a case that is still open with an owner (an open task or a
/// pending timer); when the computed change would not, an `orphaned` escalation is added.
public struct WorkflowEngine: Sendable {
    public let definition: WorkflowDefinition
    /// The time zone and holidays deadlines and `today()` use.
    public let calendar: BusinessCalendar
    /// How many automatic moves (auto states, joins satisfied at once) one event may cause
    /// before the engine stops and escalates the case as a loop.
    public let maxAutomaticSteps: Int
    /// How an automatic step that fails at run time is tried again before it escalates.
    public let retryPolicy: StepRetryPolicy
    /// Checks case data against the workflow's fields.
    public let validator: CaseDataValidator
    let makeID: @Sendable () -> UUID
    let fieldTypes: [String: ValueType]

    public init(definition: WorkflowDefinition, calendar: BusinessCalendar = .french, maxAutomaticSteps: Int = 50,
                retryPolicy: StepRetryPolicy = StepRetryPolicy(), makeID: @escaping @Sendable () -> UUID = { UUID() }) {
        self.definition = definition
        self.calendar = calendar
        self.maxAutomaticSteps = maxAutomaticSteps
        self.retryPolicy = retryPolicy
        self.makeID = makeID
        self.validator = CaseDataValidator(definition: definition)
        self.fieldTypes = definition.fieldTypes
    }

    /// Creates a case: checks its data, then enters the workflow's `start` state (and, when it is
    /// automatic, follows it at once). The snapshot's `version` is 0; the store sets the first one.
    public func start(caseID: UUID, data: JSONValue, actor: CaseActor, now: Date) -> EngineOutcome {
        do throws(Refusal) {
            let cleaned = try merged(data, into: .object([:]))
            try checkData(cleaned)
            let missing = validator.missingRequired(in: cleaned)
            if !missing.isEmpty {
                throw Refusal(.requiredFieldMissing, problems: missing.map {
                    Refusal.FieldProblem(field: $0, message: "the field '\($0)' is required to create a case")
                })
            }
            guard let start = definition.state(definition.start.value) else {
                throw Refusal(.unknownState, "the workflow's start state '\(definition.start.value)' is not defined")
            }
            let snapshot = CaseSnapshot(
                id: caseID, workflowID: definition.id.value, workflowVersion: definition.version.value, data: cleaned,
                status: .open, state: start.id.value, tracks: [], waitingOn: start.waitingOn.value, version: 0,
                tasks: [], timers: [], createdAt: now, enteredStateAt: now, lastEventAt: now)
            var change = ChangeBuilder(snapshot, now: now, actor: actor.recorded)
            change.record("created", to: start.id.value, dataDiff: validator.diff(from: .object([:]), to: cleaned))
            enterMain(start, from: nil, change: &change)
            finish(&change)
            return .applied(built(change, before: nil))
        } catch {
            return .refused(error)
        }
    }

    /// The change as written: with whose move it is after it, and its events.
    private func built(_ change: ChangeBuilder, before: CaseSnapshot?) -> CaseChange {
        var built = change.build()
        built.whoseMove = built.after.whoseMove(in: definition)
        built.events = OutboxEvent.of(built, before: before, whoseMoveBefore: before?.whoseMove(in: definition) ?? [])
        built.requests = built.after.requests.filter { !(before?.requests.contains($0) ?? false) }
        return built
    }

    /// Decides what `event` does to the case `snapshot` at `now`.
    public func apply(_ event: CaseEvent, to snapshot: CaseSnapshot, now: Date) -> EngineOutcome {
        do throws(Refusal) {
            guard snapshot.workflowID == definition.id.value, snapshot.workflowVersion == definition.version.value else {
                throw Refusal(.workflowMismatch,
                              "the case runs on workflow '\(snapshot.workflowID)' version \(snapshot.workflowVersion), not '\(definition.id.value)' version \(definition.version.value)")
            }
            guard definition.state(snapshot.state) != nil else {
                throw Refusal(.unknownState, "the case stands in state '\(snapshot.state)', which the workflow does not define")
            }
            if snapshot.status.isClosed {
                guard case .override = event.kind, event.actor.isSupervisorOrOperator else {
                    let outcome = snapshot.status.outcome ?? "closed"
                    if case .setReferent = event.kind {
                        throw Refusal(.caseClosed, "the case is closed (\(outcome)): its referent stays as it was; a closed case takes no new referent")
                    }
                    throw Refusal(.caseClosed,
                                  "the case is closed (\(outcome)); only a supervisor can reopen it, by an override with a justification")
                }
            }
            var change = ChangeBuilder(snapshot, now: now, actor: event.actor.recorded)
            // Naming a referent moves nothing: no join, no stall timer re-armed, and the case's
            // last event stays the last step of its work.
            if case .setReferent(let agent) = event.kind {
                try setReferent(agent, actor: event.actor, note: event.note, change: &change)
                return .applied(built(change, before: snapshot))
            }
            switch event.kind {
            case .action(let name, let data, let track):
                try fireAction(name, data: data, track: track, actor: event.actor, note: event.note, change: &change)
            case .timerFired(let timerID):
                try fireTimer(timerID, change: &change)
            case .evaluateAgain:
                try checkMayEvaluate(event.actor, snapshot)
                evaluateAgain(note: event.note, change: &change)
            case .override(let state, let track):
                try override(to: state, track: track, actor: event.actor, note: event.note, change: &change)
            case .raise(let reason, let track):
                try raise(reason, track: track, actor: event.actor, note: event.note, change: &change)
            case .handOver(let taskID, let queue):
                try handOver(taskID, to: queue, actor: event.actor, note: event.note, change: &change)
            case .correctData(let data):
                try correctData(data, actor: event.actor, note: event.note, change: &change)
            case .timerFailed(let timerID, let error, let attempts):
                try timerFailed(timerID, error: error, attempts: attempts, change: &change)
            case .sweepFoundNoOwner:
                try sweepFoundNoOwner(change: &change)
            case .addNote:
                try addNote(event.note, actor: event.actor, change: &change)
            case .answerRequest(let id, let answer):
                try answerRequest(id, answer: answer, actor: event.actor, note: event.note, change: &change)
            case .setConsent(let request, let granted):
                try setConsent(request, granted: granted, actor: event.actor, change: &change)
            case .setReferent:
                break
            }
            finish(&change)
            // However it gets there (a final state, an automatic state or a join that leads to
            // one), closing a case by override is a supervisor's move.
            if case .override = event.kind, change.snapshot.status.isClosed, !event.actor.isSupervisorOrOperator {
                throw Refusal(.notAllowed, "this override would close the case (it leads to '\(change.snapshot.state)'): closing a case by override is for supervisors; move it to a state where the decision is taken, or ask a supervisor")
            }
            return .applied(built(change, before: snapshot))
        } catch {
            return .refused(error)
        }
    }

    /// What every applied change ends with: a satisfied join is followed, the legal clocks
    /// follow the states entered and left (started, suspended, resumed, stopped), stall timers are
    /// re-armed ("nothing happened for `stall_after`" counts from now), and the owner invariant
    /// is enforced.
    func finish(_ change: inout ChangeBuilder) {
        settleJoin(&change)
        settleClocks(&change)
        rearmStallTimers(&change)
        ensureOwner(&change)
        change.snapshot.lastEventAt = change.now
    }

    /// An evaluator of the workflow's expressions at `now`.
    func evaluator(at now: Date) -> Evaluator {
        Evaluator(fields: fieldTypes, now: now, calendar: calendar)
    }

    /// `data` merged into `base`, or a refusal naming the field that could not be written.
    func merged(_ data: JSONValue, into base: JSONValue) throws(Refusal) -> JSONValue {
        do {
            return try validator.merging(data, into: base)
        } catch {
            throw Refusal(.invalidData, error.description, field: error.path.isEmpty ? nil : error.path)
        }
    }

    /// Refuses data that breaks the workflow's field specs, naming every field concerned.
    func checkData(_ data: JSONValue) throws(Refusal) {
        let problems = validator.problems(in: data)
        guard let first = problems.first else { return }
        guard !first.path.isEmpty else { throw Refusal(.invalidData, first.description) }
        throw Refusal(.invalidData, problems: problems.map { Refusal.FieldProblem(field: $0.path, message: $0.description) })
    }
}
