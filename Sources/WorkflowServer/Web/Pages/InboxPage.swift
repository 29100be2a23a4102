import Foundation
import Hummingbird
import Workflow

/// `/inbox`: the agent's queues with their counts and the open tasks, most urgent first
/// (escalations, then by SLA due time), with claim and release.
struct InboxPage {
    let site: WebSite

    func add(to pages: RouterGroup<WebContext>) {
        pages.getPage("/inbox", use: show)
        pages.postPage("/tasks/{id}/claim", use: claim)
        pages.postPage("/tasks/{id}/release", use: release)
        pages.postPage("/requests/{id}/answer", use: answer)
    }

    /// The agency asked answers a request from its inbox: the field's input (a file for a
    /// document, hashed, not kept), or the reason of a refusal; the door decides, as for the API.
    @Sendable func answer(_ request: Request, context: WebContext) async throws -> Response {
        let agent = try context.agent()
        let id = try WebPaths.id(context)
        let open = try await site.services.door.openRequests(for: agent, id: id, limit: 1).first
        guard let open, let field = open.field else { throw WebFailure(status: .notFound, key: "error_not_found") }
        let form = context.form
        let reason = form.trimmed("refused")
        let value: JSONValue?
        do {
            value = try FieldInput.data(from: form, fields: [field], files: form.files, issuer: agent.agency, current: .object([:]))?
                .value(at: field.path.value)
        } catch {
            return try await render(request, context: context, refusal: context.texts["refusal_answer_unreadable"], status: .unprocessableContent)
        }
        let answer: RequestAnswer
        switch (value, reason) {
        case (let value?, nil): answer = .value(value)
        case (nil, let reason?): answer = .refused(reason)
        default:
            return try await render(request, context: context, refusal: context.texts["refusal_answer_one"], status: .unprocessableContent)
        }
        do {
            _ = try await site.services.door.answerRequest(id, answer: answer, note: nil,
                                                           by: .agent(agent, via: "POST /requests/{id}/answer (page)"))
        } catch let failure as CaseFailure {
            // A task a colleague holds is said in the page's words, as on the case page.
            let message = failure.details["holder"].map { context.texts.format("refusal_task_held", ["holder": WebLabels.actor($0, context.texts)]) }
            return try await render(request, context: context, refusal: message ?? failure.message,
                                    status: failure.code == .forbidden ? .forbidden : failure.code == .conflict ? .conflict : .unprocessableContent)
        }
        // The inbox the agent lands on says what was recorded (a fixed word in the query).
        let done = if case .refused = answer { "request-refused" } else { "request-answered" }
        return PageRenderer.redirect("/inbox?done=\(done)", cookies: context.cookies)
    }

    /// What the agent's last answer did, said at the top of the inbox (`/inbox?done=…`): one
    /// of these keys or nothing, so that no text of the URL reaches the page.
    static let doneKeys = ["request-answered": "done_request_answered", "request-refused": "done_request_refused"]

    @Sendable func show(_ request: Request, context: WebContext) async throws -> Response {
        try await render(request, context: context)
    }

    @Sendable func claim(_ request: Request, context: WebContext) async throws -> Response {
        try await change(request, context: context, "claim") { id, caller in _ = try await site.services.door.claim(id, by: caller) }
    }

    @Sendable func release(_ request: Request, context: WebContext) async throws -> Response {
        try await change(request, context: context, "release") { id, caller in _ = try await site.services.door.release(id, by: caller) }
    }

    /// Claims or releases, then goes back to the page the form was on; a refusal (the task
    /// was taken meanwhile) is shown at the top of the inbox, or next to the task on its case page.
    private func change(_ request: Request, context: WebContext, _ verb: String,
                        _ body: (UUID, CaseCaller) async throws -> Void) async throws -> Response {
        let agent = try context.agent()
        let caller = CaseCaller.agent(agent, via: "POST /tasks/{id}/\(verb) (page)")
        let task = try await site.services.door.openTask(try WebPaths.id(context), by: caller)
        do {
            try await body(task.id, caller)
        } catch let failure as CaseFailure where failure.code == .conflict {
            if context.form["back"]?.hasPrefix("/cases/") == true {
                let reading = try await site.services.door.read(task.caseID, by: .agent(agent, via: "GET /cases/{id} (page)"), history: true)
                return try await CasePage(site: site).render(reading, context: context,
                                                              refusal: ("resolve-\(WebPaths.text(task.id))", failure.message), status: .conflict)
            }
            return try await render(request, context: context, refusal: failure.message, status: .conflict)
        }
        return PageRenderer.redirect(WebPaths.back(context.form["back"], otherwise: "/inbox"), cookies: context.cookies)
    }

    private func render(_ request: Request, context: WebContext, refusal: String? = nil,
                        status: HTTPResponse.Status = .ok) async throws -> Response {
        let agent = try context.agent()
        let texts = context.texts
        let queue = request.uri.queryParameters["queue"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        // The counts of every queue read no case data; only the rows shown are journaled.
        let accesses = try await site.services.door.accessToAll(for: agent)
        let all = try await site.services.door.inbox(for: agent, accesses: accesses, limit: 5000, route: nil)
        var queues = Dictionary(grouping: all, by: \.entry.task.queue)
        // Every queue the agent works is listed, an empty one too (0 is an answer).
        for access in accesses where access.mayKnowCases {
            for name in access.queues where queues[name] == nil { queues[name] = [] }
        }
        // The rows shown come back with each case's summary, journaled as read.
        let shown = try await site.services.door.journalInbox(
            Array(all.filter { queue == nil || $0.entry.task.queue == queue }.sorted(by: Self.moreUrgent).prefix(500)), of: agent, via: "GET /inbox")
        // The requests other administrations' cases ask of the agent's agency (its answer
        // goes through the API, by its agents or its systems).
        let requests = try await site.services.door.openRequests(for: agent, limit: 200)
        let requestLabels = Dictionary(requests.map { ($0.id, $0.label) }, uniquingKeysWith: { first, _ in first })
        let me = "agent:\(agent.id)"
        let rows: [[String: Any]] = shown.map { found in
            let task = found.access.visibleTask(found.entry.task)
            let left = TimeText.left(until: task.slaDueAt, texts)
            let definition = found.access.definition
            var row: [String: Any] = [
                "id": WebPaths.text(task.id), "case": WebPaths.text(found.entry.caseID),
                "case_short": String(WebPaths.text(found.entry.caseID).prefix(8)),
                "workflow": definition.title ?? definition.id.value,
                "state": task.track.map { texts.format("state_in_track", ["state": WebLabels.state(task.state, track: $0, in: definition),
                                                                           "track": $0]) }
                    ?? WebLabels.state(found.entry.caseState, in: definition),
                // A task waits on its queue's agency, whatever the case as a whole waits on.
                "queue": task.queue,
                "waiting_on": WebLabels.party(definition.agency(ofQueue: task.queue) ?? found.entry.waitingOn, in: definition, texts),
                "kind": task.kind.rawValue,
                "escalation": task.escalation != nil, "reason": task.escalation?.reason ?? "",
                "mine": task.assignee == me, "free": task.assignee == nil,
                "left": left?.text ?? texts["no_deadline"], "overdue": left?.overdue ?? false,
                "opened": TimeText.ago(task.openedAt, texts),
            ]
            // Mustache shows a section for an empty string too: absent keys only.
            if let holder = task.assignee { row["assignee"] = WebLabels.actor(holder, texts) }
            if let request = task.request {
                // Answered in the requests section below, where its form is.
                row["request"] = ["id": WebPaths.text(request),
                                  "label": requestLabels[request].map { texts.format("task_request_label", ["label": $0]) } ?? texts["task_request"]]
            }
            if !found.summary.isEmpty { row["summary"] = WebWords.summary(found.summary); row["has_summary"] = true }
            return row
        }
        // Beside the queues: what waits on the agent's agency, wait states and tracks included.
        let waiting = try await site.services.door.waitingOnAgency(of: agent, accesses: accesses, limit: 200, route: "GET /inbox")
        let waitingRows: [[String: Any]] = waiting.map { part in
            let definition = part.access.definition
            let left = TimeText.left(until: part.deadline, texts)
            var row: [String: Any] = [
                "case": WebPaths.text(part.caseID), "case_short": String(WebPaths.text(part.caseID).prefix(8)),
                "workflow": definition.title ?? definition.id.value,
                "state": part.track.map { texts.format("state_in_track", ["state": WebLabels.state(part.state, track: $0, in: definition),
                                                                           "track": $0]) }
                    ?? WebLabels.state(part.state, in: definition),
                "since": TimeText.ago(part.since, texts),
                "left": left?.text ?? texts["no_deadline"], "overdue": left?.overdue ?? false,
                "actions": part.actions.isEmpty ? texts["waiting_no_action"] : part.actions.map(\.label).joined(separator: ", "),
            ]
            if !part.summary.isEmpty { row["summary"] = WebWords.summary(part.summary); row["has_summary"] = true }
            return row
        }
        // The cases the agent answers for as their referent, where their role may have no task.
        let referred = try await site.services.door.referredCases(of: agent, accesses: accesses, limit: 200, route: "GET /inbox")
        let referredRows: [[String: Any]] = referred.map { found in
            let definition = found.access.definition
            let parts: [[String: Any]] = found.parts.map { part in
                let state = part.track.map { texts.format("state_in_track", ["state": WebLabels.state(part.state, track: $0, in: definition),
                                                                              "track": $0]) }
                    ?? WebLabels.state(part.state, in: definition)
                return ["party": part.waitingOn,
                        "text": texts.format("referred_part", ["party": WebLabels.party(part.waitingOn, in: definition, texts),
                                                               "state": state, "since": TimeText.ago(part.since, texts)])]
            }
            let escalations: [[String: Any]] = found.escalations.map { escalation in
                ["reason": escalation.reason, "queue": escalation.queue,
                 "agency": escalation.agency.map { WebLabels.party($0, in: definition, texts) } ?? "",
                 "opened": TimeText.ago(escalation.openedAt, texts)]
            }
            var row: [String: Any] = [
                "case": WebPaths.text(found.caseID), "case_short": String(WebPaths.text(found.caseID).prefix(8)),
                "workflow": definition.title ?? definition.id.value,
                "parts": parts, "escalations": escalations, "has_escalations": !escalations.isEmpty,
                "escalated": !escalations.isEmpty,
            ]
            if !found.summary.isEmpty { row["summary"] = WebWords.summary(found.summary); row["has_summary"] = true }
            return row
        }
        // A request whose task a colleague holds is theirs to answer: said, without a form.
        let holders = Dictionary(all.compactMap { found in found.entry.task.request.flatMap { id in found.entry.task.assignee.map { (id, $0) } } },
                                 uniquingKeysWith: { first, _ in first })
        let requestRows: [[String: Any]] = requests.map { open in
            let left = TimeText.left(until: open.dueAt, texts)
            var row: [String: Any] = ["id": WebPaths.text(open.id), "case": WebPaths.text(open.caseID),
                    "case_short": String(WebPaths.text(open.caseID).prefix(8)), "label": open.label,
                    "opened": TimeText.ago(open.openedAt, texts), "left": left?.text ?? texts["no_deadline"],
                    "overdue": left?.overdue ?? false]
            if let holder = holders[open.id], holder != me, !agent.supervisor {
                row["held_by"] = WebLabels.actor(holder, texts)
            } else if let field = open.field {
                row["input"] = FieldInput.input(field, current: nil, texts: texts, required: false, form: "request-\(WebPaths.text(open.id))")
            }
            return row
        }
        var values: [String: Any] = [
            "title": texts["inbox_title"], "nav_inbox": true,
            "requests": requestRows, "has_requests": !requestRows.isEmpty,
            "referred": referredRows, "has_referred": !referredRows.isEmpty,
            "waiting": waitingRows, "has_waiting": !waitingRows.isEmpty,
            "waiting_intro": texts.format("inbox_waiting_intro", ["agency": agent.agency]),
            "queues": queues.keys.sorted().map { name in
                var item: [String: Any] = ["name": name, "count": queues[name]!.count, "current": name == queue]
                // Mustache shows a section for 0 too: the badge only when there are escalations.
                let escalations = queues[name]!.filter { $0.entry.task.escalation != nil }.count
                if escalations > 0 { item["escalations"] = escalations }
                return item
            },
            "all_current": queue == nil, "total": all.count,
            "tasks": rows, "has_tasks": !rows.isEmpty,
            "back": queue.map { "/inbox?queue=\(WebPaths.query($0))" } ?? "/inbox",
        ]
        if let refusal { values["refusal"] = refusal }
        if refusal == nil, let done = request.uri.queryParameters["done"].flatMap({ Self.doneKeys[String($0)] }) {
            values["done"] = texts[done]
        }
        return site.renderer.page("inbox", values, context: context, status: status)
    }

    /// Escalations first, then the earliest SLA due time (none last), then the oldest.
    static func moreUrgent(_ a: CaseService.InboxEntry, _ b: CaseService.InboxEntry) -> Bool {
        let (x, y) = (a.entry.task, b.entry.task)
        if (x.escalation != nil) != (y.escalation != nil) { return x.escalation != nil }
        switch (x.slaDueAt, y.slaDueAt) {
        case let (p?, q?) where p != q: return p < q
        case (.some, nil): return true
        case (nil, .some): return false
        default: return x.openedAt < y.openedAt
        }
    }
}
