import Foundation
import Hummingbird
import Workflow

/// `/supervision`: the supervisors' page — the stuck cases (filtered and sorted on the
/// server), the escalations of a period by reason and by state as charts drawn in Swift,
/// the time held by each party, and the overrides to review.
///
/// It runs the reports of `Sources/Workflow/Supervision` with the API's rule
/// (`SupervisionRoutes.supervised`): supervisors only, over the workflow versions whose
/// cases they may know. Like the API's reports, it shows no case data: ids, states,
/// parties, times, reasons, and the overrides' justifications.
struct SupervisionPage {
    let site: WebSite

    /// The stuck cases read at most (the oldest in their state first); sorting is over these.
    static let rowLimit = 500
    /// The periods offered for the escalations, delays and overrides, in days.
    static let periods = [7, 30, 90, 365]
    static let defaultPeriod = 30

    func add(to pages: RouterGroup<WebContext>) {
        pages.getPage("/supervision", use: show)
    }

    /// The columns of `table#stuck` that sort, and their first direction when chosen.
    enum SortKey: String, CaseIterable {
        case workflow, state, waitingOn = "waiting_on", age, idle, escalated

        /// Times and escalations read best largest first; names in alphabetical order.
        var descendingFirst: Bool { [.age, .idle, .escalated].contains(self) }
    }

    /// `sort=age` (ascending) or `sort=-age` (descending); by default the oldest in its state first.
    struct Sort: Equatable {
        var key: SortKey
        var descending: Bool

        static let standard = Sort(key: .age, descending: true)

        init(key: SortKey, descending: Bool) {
            self.key = key
            self.descending = descending
        }

        init(_ text: String?) {
            guard let text, !text.isEmpty else { self = .standard; return }
            let descending = text.hasPrefix("-")
            guard let key = SortKey(rawValue: descending ? String(text.dropFirst()) : text) else { self = .standard; return }
            self.init(key: key, descending: descending)
        }

        var text: String { (descending ? "-" : "") + key.rawValue }
    }

    /// What the visitor asked, as given (empty fields are no filter).
    struct Filters {
        var workflow: String?
        var state: String?
        var waitingOn: String?
        var agency: String?
        var minAge: String?
        var escalated: Bool?
        var period = SupervisionPage.defaultPeriod
        var sort = Sort.standard

        init(_ query: [String: String]) {
            func value(_ name: String) -> String? {
                guard let text = query[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
                return text
            }
            workflow = value("workflow")
            state = value("state")
            waitingOn = value("waiting_on")
            agency = value("agency")
            minAge = value("min_age")
            escalated = value("escalated").flatMap { ["true": true, "false": false][$0] }
            if let days = value("period").flatMap(Int.init), SupervisionPage.periods.contains(days) { period = days }
            sort = Sort(value("sort"))
        }

        /// The query of this page with another sort (the filters kept).
        func query(sort: Sort) -> String {
            var parts: [(String, String)] = []
            for (name, value) in [("agency", agency), ("workflow", workflow), ("state", state), ("waiting_on", waitingOn),
                                  ("min_age", minAge), ("escalated", escalated.map { $0 ? "true" : "false" })] {
                if let value { parts.append((name, value)) }
            }
            if period != SupervisionPage.defaultPeriod { parts.append(("period", String(period))) }
            if sort != .standard { parts.append(("sort", sort.text)) }
            return "/supervision" + (parts.isEmpty ? "" : "?" + parts.map { "\($0.0)=\(WebPaths.query($0.1))" }.joined(separator: "&"))
        }
    }

    /// `min_age`: a number of days, or a duration as workflows write them (`12h`, `2w`, `P10D`).
    static func minAge(_ text: String?) -> (duration: WorkflowDuration?, valid: Bool) {
        guard let text else { return (nil, true) }
        let duration = Int(text).flatMap { $0 >= 0 ? WorkflowDuration.days($0) : nil } ?? WorkflowDuration(text)
        guard let duration, SupervisionRoutes.isReasonable(duration) else { return (nil, false) }
        return (duration, true)
    }

    @Sendable func show(_ request: Request, context: WebContext) async throws -> Response {
        let agent = try context.agent()
        guard agent.supervisor else { throw WebFailure(status: .forbidden, key: "sup_forbidden") }
        let texts = context.texts
        let accesses = try await SupervisionRoutes.supervised(by: agent, services: site.services)
        var query: [String: String] = [:]
        for (name, value) in request.uri.queryParameters { query[String(name)] = String(value) }
        let filters = Filters(query)
        let (minAge, minAgeValid) = Self.minAge(filters.minAge)

        // The agency filter keeps the workflows that agency takes part in, within what the
        // supervisor may know: the scope only ever narrows.
        let inScope = accesses.filter { access in
            filters.agency.map { agency in access.definition.agencies.contains { $0.id.value == agency } } ?? true
        }
        let scope = SupervisionScope.of(inScope)
        let names = Names(accesses.map(\.definition), texts)

        var stuckFilter = StuckReport.Filter()
        stuckFilter.workflowID = filters.workflow
        stuckFilter.state = filters.state
        stuckFilter.waitingOn = filters.waitingOn
        stuckFilter.escalated = filters.escalated
        stuckFilter.minAge = minAge
        stuckFilter.limit = Self.rowLimit
        let stuck = try await StuckReport(site.services.database).run(stuckFilter, scope: scope)
        let now = stuck.asOf
        let from = now.addingTimeInterval(-Double(filters.period) * 86_400)
        var escalationFilter = EscalationReport.Filter(from: from, to: now)
        escalationFilter.workflowID = filters.workflow
        escalationFilter.asOf = now
        let escalations = try await EscalationReport(site.services.database).run(escalationFilter, scope: scope)
        var delayFilter = DelayReport.Filter(from: from, to: now)
        delayFilter.workflowID = filters.workflow
        delayFilter.asOf = now
        let delays = try await DelayReport(site.services.database).run(delayFilter, scope: scope)

        let rows = Self.sorted(stuck.rows, by: filters.sort, names: names).map { row -> [String: Any] in
            var values: [String: Any] = [
                "case": WebPaths.text(row.caseID), "case_short": String(WebPaths.text(row.caseID).prefix(8)),
                "workflow": names.workflow(row.workflowID), "state": names.state(row.state, row.workflowID, row.workflowVersion),
                "state_id": row.state, "waiting_on": row.whoseMove.map(names.party).joined(separator: " · "), "waiting_on_id": row.whoseMove.joined(separator: ","),
                "age": TimeText.span(row.secondsInState, texts), "since": TimeText.date(row.enteredStateAt, texts),
                "idle": TimeText.ago(row.lastEventAt, now: now, texts),
                "escalated": row.escalated, "breached": row.breached,
            ]
            if !row.escalationReasons.isEmpty { values["reasons"] = row.escalationReasons.joined(separator: ", ") }
            if let deadline = row.deadline { values["deadline"] = TimeText.date(deadline, texts) }
            return values
        }

        let columns: [(SortKey?, String)] = [(nil, "sup_col_case"), (.workflow, "sup_col_workflow"), (.state, "sup_col_state"),
                                             (.waitingOn, "sup_col_waiting_on"), (.age, "sup_col_age"), (.idle, "sup_col_idle"),
                                             (.escalated, "sup_col_escalated")]
        let headers: [[String: Any]] = columns.map { key, label in
            var header: [String: Any] = ["label": texts[label]]
            guard let key else { return header }
            let current = filters.sort.key == key
            let next = current ? Sort(key: key, descending: !filters.sort.descending) : Sort(key: key, descending: key.descendingFirst)
            header["href"] = filters.query(sort: next)
            header["sort_hint"] = texts[next.descending ? "sup_sort_descending" : "sup_sort_ascending"]
            if current {
                header["aria_sort"] = filters.sort.descending ? "descending" : "ascending"
                header["arrow"] = filters.sort.descending ? "▼" : "▲"
            }
            return header
        }

        let series = [SVGBarChart.Series(name: texts["sup_open"], style: "alert", fill: "#b3261e"),
                      SVGBarChart.Series(name: texts["sup_resolved"], style: "", fill: "#000091")]
        let byReason = escalations.byReason.map { (label: names.reason($0.key), count: $0) }
        let byState = escalations.byState.map { count in
            (label: "\(names.workflow(count.workflowID ?? "")) — \(names.state(count.key, count.workflowID ?? "", nil))", count: count)
        }
        // The chart's labels are cut to its width: the step first, the workflow by its short id.
        let byStateCharted = escalations.byState.map { count in (label: names.step(count.key, count.workflowID ?? ""), count: count) }
        let period = texts.format("sup_period", ["from": TimeText.date(from, texts), "to": TimeText.date(now, texts)])
        func chart(_ id: String, _ title: String, _ lines: [(label: String, count: EscalationReport.Count)]) -> String {
            SVGBarChart(id: id, title: title,
                        description: texts.format("sup_chart_desc", ["period": period, "open": String(escalations.open),
                                                                     "resolved": String(escalations.resolved)]),
                        series: series, bars: lines.map { .init(label: $0.label, values: [$0.count.open, $0.count.resolved]) }).svg
        }
        func table(_ lines: [(label: String, count: EscalationReport.Count)]) -> [[String: Any]] {
            lines.map { ["label": $0.label, "open": $0.count.open, "resolved": $0.count.resolved, "total": $0.count.total] }
        }

        let totalSeconds = max(delays.totalSeconds, 1)
        func share(_ item: DelayReport.Share, label: String) -> [String: Any] {
            ["label": label, "time": TimeText.span(item.seconds, texts), "days": Self.decimal(item.seconds / 86_400, texts),
             "share": Self.decimal(100 * item.seconds / totalSeconds, texts) + " %", "cases": item.cases]
        }

        let overrides: [[String: Any]] = escalations.overrides.map { entry in
            var values: [String: Any] = [
                "case": WebPaths.text(entry.caseID), "case_short": String(WebPaths.text(entry.caseID).prefix(8)),
                "workflow": names.workflow(entry.workflowID), "actor": WebLabels.actor(entry.actor, texts),
                "at": TimeText.date(entry.at, texts),
                "to": names.state(entry.toState, entry.workflowID, entry.workflowVersion, track: entry.track), "note": entry.note,
                "reopened": entry.reopened,
            ]
            if let state = entry.fromState { values["from"] = names.state(state, entry.workflowID, entry.workflowVersion, track: entry.track) }
            if let track = entry.track { values["track"] = track }
            return values
        }

        // Legal clocks due within the period ahead, and cases silence decided in the period.
        var clockFilter = ClockReport.Filter(until: now.addingTimeInterval(Double(filters.period) * 86_400), from: from)
        clockFilter.workflowID = filters.workflow
        let clockReport = try await ClockReport(site.services.database, catalog: site.services.catalog).run(clockFilter, scope: scope)
        func clockRow(_ row: ClockReport.Row) -> [String: Any] {
            var values: [String: Any] = [
                "case": WebPaths.text(row.caseID), "case_short": String(WebPaths.text(row.caseID).prefix(8)),
                "workflow": names.workflow(row.workflowID), "clock": row.label, "at": TimeText.date(row.at, texts),
                "state": names.state(row.state, row.workflowID, row.workflowVersion),
            ]
            if row.silence != "none" { values["silence"] = texts["sup_clock_silence_\(row.silence)"] }
            return values
        }
        let expiring = clockReport.expiring.map(clockRow), silent = clockReport.decidedBySilence.map(clockRow)

        let agencies = Set(accesses.flatMap { $0.definition.agencies.map(\.id.value) })
        let webhooks: [[String: Any]] = try await WebhookStore(site.services.database).list().filter { agencies.contains($0.agency) }.map { endpoint in
            var values: [String: Any] = [
                "id": endpoint.id, "agency": names.party(endpoint.agency), "url": endpoint.url, "status_id": endpoint.status,
                "status": texts["sup_webhook_\(endpoint.status)"], "delivered": endpoint.delivered, "pending": endpoint.pending,
                "alert": endpoint.status != "enabled",
            ]
            if let since = endpoint.failingSince {
                values["failing"] = texts.format("sup_webhook_failing_since", ["since": TimeText.date(since, texts), "attempts": String(endpoint.attempts),
                                                                               "next": TimeText.date(endpoint.nextAttemptAt, texts)])
            }
            if let at = endpoint.disabledAt { values["disabled"] = texts.format("sup_webhook_disabled_at", ["at": TimeText.date(at, texts)]) }
            values["problem"] = endpoint.disabledReason ?? endpoint.lastError ?? ""
            return values
        }

        // Who answers for the cases: those without a referent, and each referent's load.
        let referents = try await site.services.door.referentReport(by: .agent(agent, via: "GET /supervision (page)"))
        let unassigned: [[String: Any]] = referents.unassigned.map { row in
            ["workflow_id": row.workflowID, "workflow": names.workflow(row.workflowID), "count": row.count,
             "week": row.underAWeek, "month": row.weekToMonth, "older": row.overAMonth,
             "oldest": row.oldestCreatedAt.map { TimeText.ago($0, texts) } ?? ""]
        }
        let load: [[String: Any]] = referents.load.map { row in
            ["agent": row.agent, "agency": row.agency.map { names.party($0) } ?? "", "open": row.open, "escalated": row.escalated]
        }

        var values: [String: Any] = [
            "title": texts["sup_title"], "nav_supervision": true,
            "unassigned": unassigned, "has_unassigned": !unassigned.isEmpty, "referent_load": load, "has_referent_load": !load.isEmpty,
            "webhooks": webhooks, "has_webhooks": !webhooks.isEmpty,
            "clocks_expiring": expiring, "has_clocks_expiring": !expiring.isEmpty,
            "clocks_silence": silent, "has_clocks_silence": !silent.isEmpty,
            "as_of": TimeText.date(now, texts), "period_text": period,
            "headers": headers, "rows": rows, "has_rows": !rows.isEmpty, "row_count": rows.count,
            "escalations_open": escalations.open, "escalations_resolved": escalations.resolved,
            "has_escalations": escalations.open + escalations.resolved > 0,
            "by_reason": table(byReason), "by_state": table(byState),
            "chart_reason": chart("chart-reasons", texts["sup_chart_reason_title"], byReason),
            "chart_state": chart("chart-states", texts["sup_chart_state_title"], byStateCharted),
            "delays_party": delays.byParty.map { share($0, label: names.party($0.key)) },
            "delays_state": delays.byState.map {
                share($0, label: "\(names.workflow($0.workflowID ?? "")) — \(names.state($0.key, $0.workflowID ?? "", nil))")
            },
            "has_delays": !delays.byParty.isEmpty, "delay_total": TimeText.span(delays.totalSeconds, texts), "delay_cases": delays.cases,
            "overrides": overrides, "has_overrides": !overrides.isEmpty,
            "options": options(names: names, filters: filters, texts: texts),
        ]
        if stuck.next != nil { values["truncated"] = texts.format("sup_truncated", ["n": String(Self.rowLimit)]) }
        if let asked = filters.minAge { values["min_age"] = asked }
        if !minAgeValid { values["min_age_error"] = texts["sup_min_age_invalid"] }
        return site.renderer.page("supervision", values, context: context, status: minAgeValid ? .ok : .badRequest)
    }

    /// The choices of the filters: the workflows, states, parties and agencies of what the
    /// supervisor may know, the asked one selected.
    private func options(names: Names, filters: Filters, texts: Texts) -> [String: Any] {
        func option(_ value: String, _ label: String, _ chosen: String?) -> [String: Any] {
            var option: [String: Any] = ["value": value, "label": label]
            if value == chosen { option["selected"] = true }
            return option
        }
        let workflows = names.latest.values.sorted { names.workflow($0.id.value) < names.workflow($1.id.value) }
        let shown = workflows.filter { filters.workflow == nil || $0.id.value == filters.workflow }
        var parties = ["usager", "engine"]
        for id in names.agencies.keys.sorted() where !parties.contains(id) { parties.append(id) }
        let escalated = [("true", "sup_escalated_yes"), ("false", "sup_escalated_no")]
        return [
            "workflows": workflows.map { option($0.id.value, names.workflow($0.id.value), filters.workflow) },
            "state_groups": shown.map { definition -> [String: Any] in
                ["label": names.workflow(definition.id.value),
                 "states": definition.states.map { option($0.id.value, names.state($0.id.value, definition.id.value, nil), filters.state) }]
            },
            "parties": parties.map { option($0, names.party($0), filters.waitingOn) },
            "agencies": names.agencies.keys.sorted().map { option($0, names.party($0), filters.agency) },
            "escalated": escalated.map { option($0.0, texts[$0.1], filters.escalated.map { $0 ? "true" : "false" }) },
            "periods": Self.periods.map { option(String($0), texts.format("sup_period_days", ["n": String($0)]), String(filters.period)) },
        ]
    }

    /// Rows in the asked order; ties keep the report's order (oldest in the state first).
    static func sorted(_ rows: [StuckReport.Row], by sort: Sort, names: Names) -> [StuckReport.Row] {
        let indexed = Array(rows.enumerated())
        func ordered(_ a: StuckReport.Row, _ b: StuckReport.Row) -> ComparisonResult {
            func compare<T: Comparable>(_ x: T, _ y: T) -> ComparisonResult { x < y ? .orderedAscending : x > y ? .orderedDescending : .orderedSame }
            switch sort.key {
            case .workflow: return compare(names.workflow(a.workflowID).lowercased(), names.workflow(b.workflowID).lowercased())
            case .state: return compare(names.state(a.state, a.workflowID, a.workflowVersion).lowercased(),
                                        names.state(b.state, b.workflowID, b.workflowVersion).lowercased())
            case .waitingOn: return compare(a.whoseMove.map(names.party).joined().lowercased(), b.whoseMove.map(names.party).joined().lowercased())
            case .age: return compare(a.secondsInState, b.secondsInState)
            case .idle: return compare(a.secondsSinceLastEvent, b.secondsSinceLastEvent)
            case .escalated: return compare(a.escalated ? 1 : 0, b.escalated ? 1 : 0)
            }
        }
        return indexed.sorted { x, y in
            let result = ordered(x.element, y.element)
            if result == .orderedSame { return x.offset < y.offset }
            return sort.descending ? result == .orderedDescending : result == .orderedAscending
        }.map(\.element)
    }

    static func decimal(_ value: Double, _ texts: Texts) -> String {
        let text = String(format: "%.1f", value)
        return texts.language == .french ? text.replacingOccurrences(of: ".", with: ",") : text
    }

    /// The words of the workflows the supervisor may know: titles of workflows and states,
    /// names of agencies, of the citizen and of the engine.
    struct Names {
        let latest: [String: WorkflowDefinition]
        let versions: [String: WorkflowDefinition]
        let agencies: [String: String]
        let texts: Texts

        init(_ definitions: [WorkflowDefinition], _ texts: Texts) {
            var latest: [String: WorkflowDefinition] = [:]
            var versions: [String: WorkflowDefinition] = [:]
            var agencies: [String: String] = [:]
            for definition in definitions {
                versions["\(definition.id.value)@\(definition.version.value)"] = definition
                if (latest[definition.id.value]?.version.value ?? Int.min) < definition.version.value { latest[definition.id.value] = definition }
                for agency in definition.agencies { agencies[agency.id.value] = agency.name }
            }
            self.latest = latest
            self.versions = versions
            self.agencies = agencies
            self.texts = texts
        }

        func workflow(_ id: String) -> String { latest[id]?.title ?? id }

        /// The state's title in that version (or the latest one), in its track if any, else its id.
        func state(_ id: String, _ workflowID: String, _ version: Int?, track: String? = nil) -> String {
            guard let definition = version.flatMap({ versions["\(workflowID)@\($0)"] }) ?? latest[workflowID] else { return id }
            return track.map { WebLabels.state(id, track: $0, in: definition) } ?? WebLabels.state(id, in: definition)
        }

        /// A step for a narrow label: the state's title (or id), then the workflow's id, which is
        /// short where its title is not.
        func step(_ id: String, _ workflowID: String) -> String {
            "\(state(id, workflowID, nil)) · \(workflowID)"
        }

        func party(_ id: String) -> String {
            switch id {
            case "usager": return texts["sup_party_usager"]
            case "engine": return texts["sup_party_engine"]
            default: return agencies[id].map { "\($0) (\(id))" } ?? id
            }
        }

        /// An escalation reason: an exception's title when a workflow declares it, with its code.
        func reason(_ id: String) -> String {
            for definition in latest.values {
                if let title = definition.exceptions.first(where: { $0.code.value == id })?.title { return "\(title) (\(id))" }
            }
            return id
        }
    }
}
