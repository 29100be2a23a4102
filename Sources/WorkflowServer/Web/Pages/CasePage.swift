import Foundation
import Hummingbird
import Workflow

/// `/cases/{id}`: the case as this agent may see it, and what they may do to it: fire an
/// action, correct data, write a note, resolve an escalation. Every change goes through the
/// same store calls and checks as the API; a refusal is shown in the page next to its form.
struct CasePage {
    let site: WebSite

    func add(to pages: RouterGroup<WebContext>) {
        pages.getPage("/cases/{id}", use: show)
        pages.postPage("/cases/{id}/actions", use: act)
        pages.postPage("/cases/{id}/data", use: correct)
        pages.postPage("/cases/{id}/notes", use: note)
        pages.postPage("/tasks/{id}/resolve", use: resolve)
    }

    @Sendable func show(_ request: Request, context: WebContext) async throws -> Response {
        let (record, access) = try await site.services.knownCase(try WebPaths.id(context), for: try context.agent())
        return try await render(record, access: access, context: context)
    }

    @Sendable func act(_ request: Request, context: WebContext) async throws -> Response {
        let (record, access) = try await site.services.knownCase(try WebPaths.id(context), for: try context.agent())
        let form = context.form
        guard let action = form.trimmed("action") else { throw WebFailure(status: .badRequest, key: "error_bad_form") }
        let track = form.trimmed("track")
        let key = "action-\(action)-\(track ?? "")"
        return try await change(record, access: access, context: context, form: key) {
            let requires = WorkflowEngine(definition: access.definition, calendar: .french).actions(for: access.actor, record.snapshot)
                .first { $0.action == action && $0.track == track }?.requires ?? []
            let fields = requires.compactMap { access.definition.field($0) }.filter { access.mayEdit(field: $0.path.value) }
            let data = try FieldInput.data(from: form, fields: fields, files: form.files, issuer: access.agent.agency,
                                           current: record.snapshot.data)
            try EditCheck.ensure(access, mayWrite: data)
            return CaseEvent(.action(name: action, data: data, track: track), actor: access.actor, note: form.trimmed("note"))
        }
    }

    /// Corrects the fields whose value the agent changed in the form; the others are not sent.
    @Sendable func correct(_ request: Request, context: WebContext) async throws -> Response {
        let (record, access) = try await site.services.knownCase(try WebPaths.id(context), for: try context.agent())
        let form = context.form
        return try await change(record, access: access, context: context, form: "data") {
            let fields = access.definition.fields.filter { access.mayView(field: $0.path.value) && access.mayEdit(field: $0.path.value) }
            guard let sent = try FieldInput.data(from: form, fields: fields, files: form.files, issuer: access.agent.agency,
                                                 current: record.snapshot.data) else {
                throw CasePageRefusal(key: "refusal_nothing_changed")
            }
            var changed = JSONValue.object([:])
            for path in EditCheck.dataPaths(sent) where sent.value(at: path) != record.snapshot.data.value(at: path) {
                try? changed.setValue(sent.value(at: path)!, at: path)
            }
            guard changed.objectValue?.isEmpty == false else { throw CasePageRefusal(key: "refusal_nothing_changed") }
            try EditCheck.ensure(access, mayWrite: changed)
            return CaseEvent(.correctData(changed), actor: access.actor, note: form.trimmed("note"))
        }
    }

    @Sendable func note(_ request: Request, context: WebContext) async throws -> Response {
        let (record, access) = try await site.services.knownCase(try WebPaths.id(context), for: try context.agent())
        let form = context.form
        return try await change(record, access: access, context: context, form: "note", checkVersion: false) {
            guard let text = form.trimmed("note") else { throw CasePageRefusal(key: "refusal_note_blank") }
            guard text.count <= 10_000 else { throw CasePageRefusal(key: "refusal_note_long") }
            return CaseEvent(.addNote, actor: access.actor, note: text)
        }
    }

    /// Resolves an escalation (or any open task) in one of the ways the API's resolve offers.
    @Sendable func resolve(_ request: Request, context: WebContext) async throws -> Response {
        let agent = try context.agent()
        let task = try await site.services.openTask(try WebPaths.id(context), for: agent)
        let (record, _) = try await site.services.knownCase(task.caseID, for: agent)
        let form = context.form
        return try await change(record, access: task.access, context: context, form: "resolve-\(WebPaths.text(task.id))") {
            if let holder = task.assignee, holder != task.access.actor.recorded, !agent.supervisor {
                throw Problem(.conflict, context.texts.format("refusal_task_held", ["holder": WebLabels.actor(holder, context.texts)]))
            }
            let kind: CaseEvent.Kind
            switch form["way"] {
            case "evaluate": kind = .evaluateAgain
            case "override":
                guard let state = form.trimmed("state") else { throw CasePageRefusal(key: "refusal_choose_state") }
                kind = .override(state: state, track: form.trimmed("track"))
            case "hand_over":
                guard let queue = form.trimmed("queue") else { throw CasePageRefusal(key: "refusal_choose_queue") }
                kind = .handOver(taskID: task.id, queue: queue)
            default:
                throw WebFailure(status: .badRequest, key: "error_bad_form")
            }
            return CaseEvent(kind, actor: task.access.actor, note: form.trimmed("note"))
        }
    }

    /// Applies the event `make` builds, in one transaction, with the version the page showed
    /// (a case changed meanwhile is a conflict, never a lost update); then back to the case.
    /// A refusal re-renders the page with the message next to the form `form`.
    private func change(_ record: CaseRecord, access: CaseAccess, context: WebContext, form key: String, checkVersion: Bool = true,
                        _ make: () throws -> CaseEvent) async throws -> Response {
        let texts = context.texts
        // Every changing form carries the version it showed: without it a change could
        // silently overwrite one made meanwhile.
        let expected = checkVersion ? context.form.trimmed("expected_version").flatMap(Int.init) : nil
        if checkVersion && expected == nil { throw WebFailure(status: .badRequest, key: "error_bad_form") }
        do {
            let event = try make()
            _ = try await EngineCall.run(access: access) {
                try await site.services.cases.apply(event, toCase: record.id, expectedVersion: expected, via: "POST /cases/{id} (page)")
            }
        } catch let refusal as CasePageRefusal {
            return try await rerender(record.id, access: access, context: context, form: key, texts[refusal.key], status: .unprocessableContent)
        } catch let error as FieldInputError {
            let message = texts.format("refusal_field_type", ["field": error.path, "type": texts["type_\(error.expected)"]])
            return try await rerender(record.id, access: access, context: context, form: key, message, status: .unprocessableContent)
        } catch let problem as Problem where [.conflict, .unprocessableContent, .forbidden, .badRequest].contains(problem.status) {
            let message = Self.message(problem, texts)
            return try await rerender(record.id, access: access, context: context, form: key, message, status: problem.status)
        }
        return PageRenderer.redirect("/cases/\(WebPaths.text(record.id))", cookies: context.cookies)
    }

    /// A refusal in the page's language: what kind of refusal, then the engine's own words.
    static func message(_ problem: Problem, _ texts: Texts) -> String {
        let code = problem.members["code"]?.stringValue ?? (problem.status == .conflict ? "conflict" : "refused")
        let key = "refusal_" + code.replacingOccurrences(of: "-", with: "_")
        let summary = texts[key] == key ? texts["refusal_refused"] : texts[key]
        return "\(summary) — \(problem.detail)"
    }

    private func rerender(_ id: UUID, access: CaseAccess, context: WebContext, form: String, _ message: String,
                          status: HTTPResponse.Status) async throws -> Response {
        let record = try await site.services.cases.read(id)
        return try await render(record, access: access, context: context, refusal: (form, message), status: status)
    }

    /// The page, after journaling that the agent read the fields it shows.
    func render(_ record: CaseRecord, access: CaseAccess, context: WebContext, refusal: (form: String, message: String)? = nil,
                        status: HTTPResponse.Status = .ok) async throws -> Response {
        let agent = try context.agent()
        var context = context
        context.pagePath = "/cases/\(WebPaths.text(record.id))"
        var sheet = CaseSheet(record: record, access: access, texts: context.texts, refusal: refusal)
        if agent.supervisor {
            // As the API's access log: reading the journal is itself journaled.
            sheet.journal = try await site.services.journal.entries(record.id)
            try await site.services.journal.read(record.id, by: AccessJournal.Access(actor: access.actor.recorded, agency: agent.agency,
                                                                                    via: "GET /cases/{id} access journal (page)"), fields: [])
        }
        let fields = access.visibleFieldPaths.filter { record.snapshot.data.value(at: $0) != nil }
        try await site.services.journal.read(record.id, by: AccessJournal.Access(actor: access.actor.recorded, agency: agent.agency,
                                                                                via: "GET /cases/{id} (page)"), fields: fields)
        return site.renderer.page("case", sheet.values(), context: context, status: status)
    }
}

/// A form the page refuses before the engine sees it (nothing changed, a blank note…).
struct CasePageRefusal: Error {
    let key: String
}
