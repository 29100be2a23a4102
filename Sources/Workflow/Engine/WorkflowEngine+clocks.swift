import Foundation

/// Legal clocks (language brief, "Legal clocks"). A clock follows the states the case
/// enters and stands in, whatever moved it (an action, a timer, an override, a migration):
/// entering a state of `starts_on` starts it once; standing in a state of `suspended_in`
/// suspends it, and leaving that state resumes it (`restart` from zero, or `continue`);
/// entering a state of `stops_on`, or the case closing, stops it. While it runs it owns a
/// `clock-expiry` timer (and a `clock-warning` one with `warn_before`), written in the same
/// change as what started or resumed it; its computation is kept with the case.
extension WorkflowEngine {
    /// At the end of every change: the clocks follow the states this change entered, then
    /// where the case stands now.
    func settleClocks(_ change: inout ChangeBuilder) {
        guard !definition.clocks.isEmpty else { return }
        let entered = change.history.filter { $0.event == "entered" }
            .compactMap { entry in entry.toState.map { (state: $0, track: entry.track) } }
        for clock in definition.clocks {
            let name = clock.id.value
            var run = change.snapshot.clocks.first { $0.name == name }
            let before = run
            // Past its due date while its expiry waits for a worker: silence decided at the
            // due date, whatever this change does (it must not suspend, restart or stop it).
            if var live = run, live.status == .running, let due = live.dueAt, due <= change.now {
                expireLate(&live, clock: clock, entered: entered, change: &change)
                store(live, change: &change)
                armTimers(of: live, clock: clock, change: &change)
                continue
            }
            for place in entered {
                if run == nil, clock.startsOn.contains(where: { ClockDefinition.names($0.value, state: place.state, track: place.track) }) {
                    run = start(clock, change: &change)
                } else if var live = run, live.isLive,
                          clock.stopsOn.contains(where: { ClockDefinition.names($0.value, state: place.state, track: place.track) }) {
                    end(&live, by: place.track.map { "\($0).\(place.state)" } ?? place.state, clock: clock, change: &change)
                    run = live
                }
            }
            if var live = run, live.isLive, change.snapshot.status.isClosed {
                end(&live, by: "closed", clock: clock, change: &change)
                run = live
            }
            if var live = run, live.isLive {
                let holding = suspendingPlace(of: clock, in: change.snapshot)
                if live.status == .running, let holding {
                    suspend(&live, at: holding, clock: clock, change: &change)
                } else if live.status == .suspended, holding == nil {
                    resume(&live, clock: clock, change: &change)
                } else if live.status == .suspended, let holding, let last = live.suspensions.last,
                          last.state != holding.state || last.track != holding.track {
                    // From one suspension state to another: still suspended, now by the other.
                    live.suspensions[live.suspensions.count - 1].to = change.now
                    live.suspensions.append(ClockRun.Suspension(from: change.now, to: nil, state: holding.state, track: holding.track))
                }
                run = live
            }
            guard let run, run != before else { continue }
            store(run, change: &change)
            armTimers(of: run, clock: clock, change: &change)
        }
    }

    /// A case moved by override (settling a migration misfit) to this version, which has no
    /// such clock: each clock of `old` still live for it stops, recorded `clock` `stopped` with
    /// the cause, and its timers go. Its computation stays with the case.
    func stopClocksMissing(from old: WorkflowDefinition, change: inout ChangeBuilder) {
        for run in change.snapshot.clocks where run.isLive && definition.clock(run.name) == nil {
            guard let clock = old.clock(run.name) else { continue }
            var live = run
            end(&live, by: "moved to version \(definition.version.value), which has no such clock", clock: clock, change: &change)
            store(live, change: &change)
            for timer in change.snapshot.timers where timer.kind.isClock && timer.state == run.name {
                change.remove(timerID: timer.id)
            }
        }
    }

    /// The state (and track) that holds the clock suspended, if the case stands in one.
    private func suspendingPlace(of clock: ClockDefinition, in snapshot: CaseSnapshot) -> (state: String, track: String?)? {
        guard !snapshot.status.isClosed else { return nil }
        var places: [(state: String, track: String?)] = [(snapshot.state, nil)]
        places += snapshot.tracks.filter { !$0.finished }.map { ($0.state, $0.track) }
        return places.first { place in clock.suspendedIn.contains { ClockDefinition.names($0.value, state: place.state, track: place.track) } }
    }

    private func start(_ clock: ClockDefinition, change: inout ChangeBuilder) -> ClockRun? {
        guard let due = clockDue(clock.duration.value, from: change.now, clock: clock, change: &change) else { return nil }
        let run = ClockRun(name: clock.id.value, status: .running, startedAt: change.now, countsFrom: change.now, dueAt: due)
        recordClock(run, clock: clock, what: "started", change: &change)
        return run
    }

    private func suspend(_ run: inout ClockRun, at place: (state: String, track: String?), clock: ClockDefinition, change: inout ChangeBuilder) {
        if clock.onResume == .continue, let due = run.dueAt {
            run.remaining = max(0, due.timeIntervalSince(change.now))
            if clock.duration.value.businessDays > 0 {
                run.remainingBusinessDays = Self.businessDays(from: change.now, to: due, calendar: calendar)
            }
        }
        run.status = .suspended
        run.lastDue = run.dueAt
        run.dueAt = nil
        run.suspensions.append(ClockRun.Suspension(from: change.now, to: nil, state: place.state, track: place.track))
        recordClock(run, clock: clock, what: "suspended", change: &change)
    }

    private func resume(_ run: inout ClockRun, clock: ClockDefinition, change: inout ChangeBuilder) {
        if let last = run.suspensions.indices.last {
            run.suspensions[last].to = change.now
            run.suspensions[last].resumedBy = clock.onResume.rawValue
        }
        switch clock.onResume {
        case .restart:
            run.countsFrom = change.now
            run.warned = false
            run.dueAt = clockDue(clock.duration.value, from: change.now, clock: clock, change: &change)
        case .continue:
            if let days = run.remainingBusinessDays, let due = run.suspensions.last.flatMap({ _ in run.lastDue }) {
                run.dueAt = Self.continued(from: change.now, businessDays: days, timeOf: due, calendar: calendar)
            } else {
                run.dueAt = change.now.addingTimeInterval(run.remaining ?? 0)
            }
        }
        run.remaining = nil
        run.remainingBusinessDays = nil
        run.status = run.dueAt == nil ? .stopped : .running
        recordClock(run, clock: clock, what: "resumed", change: &change)
    }

    /// The business days left between `from` and the due date: those after `from`'s day up to
    /// the due date's day (a clock counted in business days counts whole days).
    static func businessDays(from: Date, to due: Date, calendar: BusinessCalendar) -> Int {
        guard var day = CalendarDate(from, in: calendar.timeZone), let last = CalendarDate(due, in: calendar.timeZone) else { return 0 }
        var count = 0
        while day < last, count < 10_000 {
            guard let next = day.adding(days: 1) else { break }
            day = next
            if calendar.isBusinessDay(day) { count += 1 }
        }
        return count
    }

    /// The due date after a `continue` of a clock in business days: the business days that
    /// remained, counted from the day it resumes, at the former due date's time of day.
    static func continued(from now: Date, businessDays: Int, timeOf formerDue: Date, calendar: BusinessCalendar) -> Date {
        guard let today = CalendarDate(now, in: calendar.timeZone), let day = calendar.adding(businessDays: businessDays, to: today),
              let formerDay = CalendarDate(formerDue, in: calendar.timeZone) else { return now }
        let timeOfDay = formerDue.timeIntervalSince(formerDay.startOfDay(in: calendar.timeZone))
        return day.startOfDay(in: calendar.timeZone).addingTimeInterval(timeOfDay)
    }

    private func end(_ run: inout ClockRun, by cause: String, clock: ClockDefinition, change: inout ChangeBuilder) {
        if run.status == .suspended, let last = run.suspensions.indices.last, run.suspensions[last].to == nil {
            run.suspensions[last].to = change.now
        }
        run.status = .stopped
        run.endedAt = change.now
        run.endedBy = cause
        recordClock(run, clock: clock, what: "stopped", change: &change)
    }

    /// `duration` counted from `start` in the deployment's calendar; a date out of range is
    /// escalated as `action-failed` rather than lost.
    private func clockDue(_ duration: WorkflowDuration, from start: Date, clock: ClockDefinition, change: inout ChangeBuilder) -> Date? {
        do {
            return try duration.added(to: start, in: calendar)
        } catch {
            escalate(.actionFailed, context: ["error": .string("the due date of clock '\(clock.id.value)' cannot be computed: \(error)")],
                     state: change.snapshot.state, track: nil, change: &change)
            return nil
        }
    }

    private func store(_ run: ClockRun, change: inout ChangeBuilder) {
        if let index = change.snapshot.clocks.firstIndex(where: { $0.name == run.name }) {
            change.snapshot.clocks[index] = run
        } else {
            change.snapshot.clocks.append(run)
        }
    }

    /// The clock's timers, replaced by those its state asks for: the expiry while it runs,
    /// and the warning while it runs and has not warned for this count.
    private func armTimers(of run: ClockRun, clock: ClockDefinition, change: inout ChangeBuilder) {
        for timer in change.snapshot.timers where timer.kind.isClock && timer.state == run.name {
            change.remove(timerID: timer.id)
        }
        guard run.status == .running, let due = run.dueAt else { return }
        change.create(CaseTimer(id: makeID(), kind: .clockExpiry, state: run.name, dueAt: due))
        if let warn = clock.warnBefore?.value, !run.warned, let at = try? warn.subtracted(from: due, in: calendar) {
            change.create(CaseTimer(id: makeID(), kind: .clockWarning, state: run.name, dueAt: max(at, change.now)))
        }
    }

    private func recordClock(_ run: ClockRun, clock: ClockDefinition, what: String, change: inout ChangeBuilder) {
        change.record("clock", name: run.name, reason: what,
                      context: ClockExplanation(run: run, clock: clock, calendar: calendar).computation)
    }

    /// A running clock found past its due date by another change (its expiry not applied yet:
    /// the workers lag, or an agent acted just after the due date): it expired at its due
    /// date. When this change itself decided (entered a state of `stops_on`) or closed the
    /// case, the decision came too late and a person is told (`clock-expired`, on an open
    /// case); otherwise `on_expiry` applies now, as the timer would have.
    private func expireLate(_ run: inout ClockRun, clock: ClockDefinition, entered: [(state: String, track: String?)],
                            change: inout ChangeBuilder) {
        run.status = .expired
        run.endedAt = run.dueAt
        run.endedBy = "expired"
        recordClock(run, clock: clock, what: "expired", change: &change)
        let context = ClockExplanation(run: run, clock: clock, calendar: calendar).computation.objectValue ?? [:]
        let decided = entered.contains { place in clock.stopsOn.contains { ClockDefinition.names($0.value, state: place.state, track: place.track) } }
        guard !change.snapshot.status.isClosed, let current = definition.state(change.snapshot.state) else { return }
        if decided {
            var late = context
            late["late_decision"] = .bool(true)
            escalate(.clockExpired, context: late, state: current.id.value, track: nil, change: &change)
            return
        }
        switch clock.onExpiry {
        case .state(let target):
            move(to: target.value, track: nil, from: current, resolution: "clock '\(clock.id.value)' expired", change: &change)
        case .escalate(let code):
            escalate(code: code.value, context: context, state: current.id.value, track: nil, change: &change)
        }
    }

    /// A clock's timer fell due: the warning escalates `clock-warning`; the expiry applies
    /// `on_expiry` (a state of the main machine, left from wherever the case stands, or an
    /// escalation), each with the clock's computation as context.
    func fireClockTimer(_ timer: CaseTimer, change: inout ChangeBuilder) {
        change.remove(timerID: timer.id)
        let timerContext: JSONValue = ["timer": .string(timer.id.lowercasedString)]
        guard let clock = definition.clock(timer.state), let index = change.snapshot.clocks.firstIndex(where: { $0.name == timer.state }),
              change.snapshot.clocks[index].status == .running else {
            change.record("timer", name: timer.kind.rawValue, reason: "stale: clock '\(timer.state)' no longer runs", context: timerContext)
            return
        }
        change.record("timer", name: timer.kind.rawValue, context: timerContext)
        var run = change.snapshot.clocks[index]
        let here = change.snapshot.state
        switch timer.kind {
        case .clockWarning:
            run.warned = true
            change.snapshot.clocks[index] = run
            escalate(.clockWarning, context: ClockExplanation(run: run, clock: clock, calendar: calendar).computation.objectValue ?? [:],
                     state: here, track: nil, change: &change)
        default:
            run.status = .expired
            run.endedAt = run.dueAt ?? change.now   // silence decides at the due date, whenever the worker applies it
            run.endedBy = "expired"
            change.snapshot.clocks[index] = run
            for other in change.snapshot.timers where other.kind.isClock && other.state == run.name {
                change.remove(timerID: other.id)
            }
            recordClock(run, clock: clock, what: "expired", change: &change)
            let context = ClockExplanation(run: run, clock: clock, calendar: calendar).computation.objectValue ?? [:]
            guard let current = definition.state(here) else { return }
            switch clock.onExpiry {
            case .state(let target):
                move(to: target.value, track: nil, from: current, resolution: "clock '\(clock.id.value)' expired", change: &change)
            case .escalate(let code):
                escalate(code: code.value, context: context, state: here, track: nil, change: &change)
            }
        }
    }
}
