import Foundation

/// The engine's records as JSON rows, bound as one `jsonb` parameter and expanded by
/// `jsonb_to_recordset` / `jsonb_array_elements`: a whole change in a few set-based
/// statements, every value bound, never spliced into SQL.
enum CaseRows {
    /// One task's columns, as `jsonb_to_recordset` reads them.
    static func task(_ task: CaseTask) -> [String: JSONValue] {
        [
            "id": .string(task.id.lowercasedString),
            "queue": .string(task.queue),
            "state": .string(task.state),
            "track": task.track.map(JSONValue.string) ?? .null,
            "kind": .string(task.kind.rawValue),
            "reason": task.escalation.map { .string($0.reason) } ?? .null,
            "context": task.escalation?.context ?? task.request.map { ["request_id": .string($0.lowercasedString)] } ?? .null,
            "assignee": task.assignee.map(JSONValue.string) ?? .null,
            "sla_due_at": DatabaseTime.json(task.slaDueAt),
            "opened_at": DatabaseTime.json(task.openedAt),
        ]
    }

    /// One timer's columns, as `jsonb_to_recordset` reads them.
    static func timer(_ timer: CaseTimer) -> [String: JSONValue] {
        [
            "id": .string(timer.id.lowercasedString),
            "kind": .string(timer.kind.rawValue),
            "state": .string(timer.state),
            "track": timer.track.map(JSONValue.string) ?? .null,
            "after_index": timer.afterIndex.map { .number(JSONNumber($0)) } ?? .null,
            "task_id": timer.taskID.map { .string($0.lowercasedString) } ?? .null,
            "attempt": .number(JSONNumber(timer.attempt)),
            "due_at": DatabaseTime.json(timer.dueAt),
        ]
    }

    static func tracksValue(_ tracks: [TrackPosition]) -> JSONValue {
        JSONValue.array(tracks.map { track in
            .object([
                "track": .string(track.track),
                "state": .string(track.state),
                "finished": .bool(track.finished),
                "waiting_on": .string(track.waitingOn),
                "entered_state_at": DatabaseTime.json(track.enteredStateAt),
            ])
        })
    }

    static func parseTracks(_ text: String) throws -> [TrackPosition] {
        guard let items = try JSONValue(parsing: text).arrayValue else { return [] }
        return try items.map { item in
            guard let track = item.value(at: "track")?.stringValue, let state = item.value(at: "state")?.stringValue,
                  let waitingOn = item.value(at: "waiting_on")?.stringValue,
                  let entered = item.value(at: "entered_state_at")?.stringValue.flatMap(DatabaseTime.parse) else {
                throw StoreError(.unavailable, "a case's tracks column is not in the expected form: \(item)")
            }
            return TrackPosition(track: track, state: state, finished: item.value(at: "finished")?.boolValue ?? false,
                                 waitingOn: waitingOn, enteredStateAt: entered)
        }
    }

    /// Open tasks as `CaseReader.Whole` aggregates them (the keys of `task(_:)`).
    static func parseTasks(_ text: String) throws -> [CaseTask] {
        try (JSONValue(parsing: text).arrayValue ?? []).map { item in
            guard let id = item.value(at: "id")?.stringValue.flatMap(UUID.init(uuidString:)),
                  let queue = item.value(at: "queue")?.stringValue, let state = item.value(at: "state")?.stringValue,
                  let opened = item.value(at: "opened_at")?.stringValue.flatMap(DatabaseTime.parse) else {
                throw StoreError(.unavailable, "a task row is not in the expected form: \(item)")
            }
            let (escalation, request) = CaseTask.columns(reason: item.value(at: "reason")?.stringValue,
                                                         context: item.value(at: "context").flatMap { $0 == .null ? nil : $0 })
            return CaseTask(id: id, queue: queue, state: state, track: item.value(at: "track")?.stringValue, escalation: escalation,
                            request: request,
                            assignee: item.value(at: "assignee")?.stringValue,
                            slaDueAt: item.value(at: "sla_due_at")?.stringValue.flatMap(DatabaseTime.parse), openedAt: opened)
        }
    }

    /// Pending timers as `CaseReader.Whole` aggregates them (the keys of `timer(_:)`).
    static func parseTimers(_ text: String) throws -> [CaseTimer] {
        try (JSONValue(parsing: text).arrayValue ?? []).map { item in
            guard let id = item.value(at: "id")?.stringValue.flatMap(UUID.init(uuidString:)),
                  let kindName = item.value(at: "kind")?.stringValue, let state = item.value(at: "state")?.stringValue,
                  let attempt = item.value(at: "attempt")?.numberValue?.int,
                  let due = item.value(at: "due_at")?.stringValue.flatMap(DatabaseTime.parse) else {
                throw StoreError(.unavailable, "a timer row is not in the expected form: \(item)")
            }
            guard let kind = TimerKind(rawValue: kindName) else {
                throw StoreError(.unavailable, "timer \(id) has an unknown kind '\(kindName)'")
            }
            return CaseTimer(id: id, kind: kind, state: state, track: item.value(at: "track")?.stringValue,
                             afterIndex: item.value(at: "after_index")?.numberValue?.int,
                             taskID: item.value(at: "task_id")?.stringValue.flatMap(UUID.init(uuidString:)), dueAt: due, attempt: attempt)
        }
    }

    /// A case's `clocks` column.
    static func parseClocks(_ text: String) throws -> [ClockRun] {
        try (JSONValue(parsing: text).arrayValue ?? []).map { item in
            guard let run = ClockRun(json: item) else {
                throw StoreError(.unavailable, "a case's clocks column is not in the expected form: \(item)")
            }
            return run
        }
    }

    /// One request's columns, as `jsonb_to_recordset` reads them and `CaseReader` gives them back.
    static func request(_ run: RequestRun) -> [String: JSONValue] {
        [
            "id": .string(run.id.lowercasedString), "request": .string(run.request), "agency": .string(run.agency),
            "field": .string(run.field), "state": .string(run.state), "track": run.track.map(JSONValue.string) ?? .null,
            "status": .string(run.status.rawValue), "opened_at": DatabaseTime.json(run.openedAt),
            "due_at": DatabaseTime.json(run.dueAt), "closed_at": DatabaseTime.json(run.closedAt),
            "versions": .number(JSONNumber(run.versions)), "reason": run.reason.map(JSONValue.string) ?? .null,
            "asked_citizen": .bool(run.askedCitizen),
            "answer_digest": run.answerDigest.map(JSONValue.string) ?? .null,
        ]
    }

    /// A case's requests as `CaseReader` aggregates them (the keys of `request(_:)`).
    static func parseRequests(_ text: String) throws -> [RequestRun] {
        try (JSONValue(parsing: text).arrayValue ?? []).map { item in
            func time(_ key: String) -> Date? { item.value(at: key)?.stringValue.flatMap(DatabaseTime.parse) }
            guard let id = item.value(at: "id")?.stringValue.flatMap(UUID.init(uuidString:)),
                  let request = item.value(at: "request")?.stringValue, let agency = item.value(at: "agency")?.stringValue,
                  let field = item.value(at: "field")?.stringValue, let state = item.value(at: "state")?.stringValue,
                  let status = item.value(at: "status")?.stringValue.flatMap(RequestRun.Status.init(rawValue:)),
                  let opened = time("opened_at"), let versions = item.value(at: "versions")?.numberValue?.int else {
                throw StoreError(.unavailable, "a request row is not in the expected form: \(item)")
            }
            return RequestRun(id: id, request: request, agency: agency, field: field, state: state,
                              track: item.value(at: "track")?.stringValue, status: status, openedAt: opened, dueAt: time("due_at"),
                              closedAt: time("closed_at"), versions: versions, reason: item.value(at: "reason")?.stringValue,
                              askedCitizen: item.value(at: "asked_citizen")?.boolValue ?? false,
                              answerDigest: item.value(at: "answer_digest")?.stringValue)
        }
    }

    /// A case's `consents` column: `{request: {granted, at, by}}`.
    static func consentsValue(_ consents: [String: RequestConsent]) -> JSONValue {
        .object(consents.mapValues { consent in
            .object(["granted": .bool(consent.granted), "at": DatabaseTime.json(consent.at), "by": .string(consent.by)])
        })
    }

    static func parseConsents(_ text: String) throws -> [String: RequestConsent] {
        var result: [String: RequestConsent] = [:]
        for (request, item) in try JSONValue(parsing: text).objectValue ?? [:] {
            guard let granted = item.value(at: "granted")?.boolValue, let by = item.value(at: "by")?.stringValue,
                  let at = item.value(at: "at")?.stringValue.flatMap(DatabaseTime.parse) else {
                throw StoreError(.unavailable, "a case's consents column is not in the expected form: \(item)")
            }
            result[request] = RequestConsent(granted: granted, at: at, by: by)
        }
        return result
    }
}
