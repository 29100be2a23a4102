import Foundation

/// One legal clock of a case as people are shown it (API, case page, portal, command line):
/// its run, its definition, and its explanation in words, the states named as the reader
/// knows them (their title for agents, their public label for the person).
public struct CaseClock: Sendable {
    public let run: ClockRun
    public let clock: ClockDefinition
    public let explanation: ClockExplanation
    let definition: WorkflowDefinition

    public init(run: ClockRun, clock: ClockDefinition, definition: WorkflowDefinition, calendar: BusinessCalendar) {
        self.run = run
        self.clock = clock
        self.definition = definition
        explanation = ClockExplanation(run: run, clock: clock, calendar: calendar)
    }

    /// The clocks a case has started, in the order of `clocks:`.
    public static func of(_ snapshot: CaseSnapshot, definition: WorkflowDefinition, calendar: BusinessCalendar) -> [CaseClock] {
        definition.clocks.compactMap { clock in
            snapshot.clocks.first { $0.name == clock.id.value }.map { CaseClock(run: $0, clock: clock, definition: definition, calendar: calendar) }
        }
    }

    /// Whole days from `now` to the due date (negative once past), while it runs.
    public func daysLeft(at now: Date) -> Int? {
        guard run.status == .running, let due = run.dueAt else { return nil }
        return Int((due.timeIntervalSince(now) / 86_400).rounded(.down))
    }

    /// The explanation, naming states by their title (`forPerson`: by their public label).
    public func lines(_ language: ClockExplanation.Language, forPerson: Bool = false) -> [String] {
        explanation.lines(language) { reference in
            let parts = reference.split(separator: ".", maxSplits: 1).map(String.init)
            let state: StateDefinition?
            if parts.count == 2 {
                state = definition.states.lazy.compactMap { main -> StateDefinition? in
                    guard case .parallel(let parallel) = main.kind else { return nil }
                    return parallel.track(parts[0])?.state(parts[1])
                }.first
            } else {
                state = definition.state(reference)
            }
            // The person is told states by their public labels only, never an internal name.
            if forPerson { return state?.publicLabel ?? "une étape interne de l'instruction" }
            guard let state else { return reference }
            return state.title ?? state.publicLabel ?? reference
        }
    }

    /// As the API gives it: the run, the computation, and the explanation in `language`.
    public func json(_ language: ClockExplanation.Language, at now: Date, forPerson: Bool = false) -> JSONValue {
        var object = explanation.computation.objectValue ?? [:]
        object["days_left"] = daysLeft(at: now).map { .number(JSONNumber($0)) } ?? .null
        object["explanation"] = .array(lines(language, forPerson: forPerson).map(JSONValue.string))
        return .object(object)
    }
}
