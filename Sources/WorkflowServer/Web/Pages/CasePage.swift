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
        pages.postPage("/cases/{id}/referent", use: referent)
    }

    /// Names the case's referent (a supervisor, from the agents who may be), takes the case as
    /// its referent (an agent, when the workflow allows it), or removes it (`remove=yes`).
    @Sendable func referent(_ request: Request, context: WebContext) async throws -> Response {
        let caller = try Self.caller(context, "POST /cases/{id}/referent (page)")
        let id = try WebPaths.id(context)
        let form = context.form
        guard let expected = form.trimmed("expected_version").flatMap(Int.init) else { throw WebFailure(status: .badRequest, key: "error_bad_form") }
        let agent: String?
        if form["remove"] == "yes" {
            agent = nil
        } else if form["take"] == "yes" {
            agent = try context.agent().id
        } else {
            guard let named = form.trimmed("agent") else {
                return try await rerender(id, caller: caller, context: context, form: "referent", context.texts["refusal_choose_referent"],
                                          status: .unprocessableContent)
            }
            agent = named
        }
        do {
            _ = try await site.services.door.setReferent(id, agent: agent, note: form.trimmed("note"), expectedVersion: expected, by: caller)
        } catch let failure as CaseFailure where failure.code != .notFound {
            let problem = Problem(failure)
            return try await rerender(id, caller: caller, context: context, form: "referent", Self.message(problem, context.texts),
                                      status: problem.status)
        }
        return PageRenderer.redirect("/cases/\(WebPaths.text(id))?done=\(CaseChangeDone.referent.rawValue)", cookies: context.cookies)
    }

    @Sendable func show(_ request: Request, context: WebContext) async throws -> Response {
        let reading = try await site.services.door.read(try WebPaths.id(context), by: try Self.caller(context, "GET /cases/{id} (page)"), history: true)
        return try await render(reading, context: context, done: CaseChangeDone(query: request.uri.queryParameters["done"]))
    }

    @Sendable func act(_ request: Request, context: WebContext) async throws -> Response {
        let caller = try Self.caller(context, "POST /cases/{id}/actions (page)")
        let reading = try await site.services.door.look(try WebPaths.id(context), by: caller)
        let (record, access) = (reading.record, reading.rules.access!)
        let form = context.form
        guard let action = form.trimmed("action") else { throw WebFailure(status: .badRequest, key: "error_bad_form") }
        let track = form.trimmed("track")
        let key = "action-\(action)-\(track ?? "")"
        let offer = reading.actions.first { $0.action == action && $0.track == track }
        return try await change(reading, caller: caller, context: context, form: key, done: offer?.closesCase == true ? .closed : .action) {
            // Ending the case is sent only confirmed (the form's required box; no script can ask).
            if offer?.closesCase == true && form["confirm"] != "yes" { throw CasePageRefusal(key: "refusal_confirm_closing") }
            let requires = offer?.requires ?? []
            let fields = requires.compactMap { access.definition.field($0) }.filter { access.mayEdit(field: $0.path.value) }
            let data = try FieldInput.data(from: form, fields: fields, files: form.files, issuer: access.agent.agency,
                                           current: record.snapshot.data)
            return .action(name: action, data: data, track: track)
        }
    }

    /// Corrects the fields whose value the agent changed in the form; the others are not sent.
    @Sendable func correct(_ request: Request, context: WebContext) async throws -> Response {
        let caller = try Self.caller(context, "POST /cases/{id}/data (page)")
        let reading = try await site.services.door.look(try WebPaths.id(context), by: caller)
        let (record, access) = (reading.record, reading.rules.access!)
        let form = context.form
        return try await change(reading, caller: caller, context: context, form: "data", done: .correction) {
            let fields = access.definition.fields.filter { access.mayView(field: $0.path.value) && access.mayEdit(field: $0.path.value) }
            guard let sent = try FieldInput.data(from: form, fields: fields, files: form.files, issuer: access.agent.agency,
                                                 current: record.snapshot.data) else {
                throw CasePageRefusal(key: "refusal_nothing_changed")
            }
            var changed = JSONValue.object([:])
            for path in DataPaths.leaves(sent) where sent.value(at: path) != record.snapshot.data.value(at: path) {
                try? changed.setValue(sent.value(at: path)!, at: path)
            }
            guard changed.objectValue?.isEmpty == false else { throw CasePageRefusal(key: "refusal_nothing_changed") }
            return .correctData(changed)
        }
    }

    @Sendable func note(_ request: Request, context: WebContext) async throws -> Response {
        let caller = try Self.caller(context, "POST /cases/{id}/notes (page)")
        let reading = try await site.services.door.look(try WebPaths.id(context), by: caller)
        let form = context.form
        return try await change(reading, caller: caller, context: context, form: "note", done: .note, checkVersion: false) {
            guard let text = form.trimmed("note") else { throw CasePageRefusal(key: "refusal_note_blank") }
            guard text.count <= 10_000 else { throw CasePageRefusal(key: "refusal_note_long") }
            return .addNote
        }
    }

    /// Resolves an escalation (or any open task) in one of the ways the API's resolve offers.
    @Sendable func resolve(_ request: Request, context: WebContext) async throws -> Response {
        let caller = try Self.caller(context, "POST /tasks/{id}/resolve (page)")
        let task = try await site.services.door.openTask(try WebPaths.id(context), by: caller)
        let reading = try await site.services.door.look(task.caseID, by: caller)
        let form = context.form
        let done: CaseChangeDone = switch form["way"] {
        case "override": .overridden
        case "hand_over": .handedOver
        default: .evaluated
        }
        return try await change(reading, caller: caller, context: context, form: "resolve-\(WebPaths.text(task.id))", done: done,
                                resolving: task.id) {
            switch form["way"] {
            case "evaluate": return .evaluateAgain
            case "override":
                guard let state = form.trimmed("state") else { throw CasePageRefusal(key: "refusal_choose_state") }
                return .override(state: state, track: form.trimmed("track"))
            case "hand_over":
                guard let queue = form.trimmed("queue") else { throw CasePageRefusal(key: "refusal_choose_queue") }
                return .handOver(taskID: task.id, queue: queue)
            default:
                throw WebFailure(status: .badRequest, key: "error_bad_form")
            }
        }
    }

    /// The agent of the session, coming through the pages by `via`.
    static func caller(_ context: WebContext, _ via: String) throws -> CaseCaller { .agent(try context.agent(), via: via) }

    /// Hands the door the change `make` builds, with the form's note, who may read it, and the
    /// version the page showed (a case changed meanwhile is a conflict, never a lost update);
    /// then back to the case, saying what was `done`. A refusal re-renders the page with the
    /// message next to the form `form`, and nothing is written.
    private func change(_ reading: CaseReading, caller: CaseCaller, context: WebContext, form key: String, done: CaseChangeDone,
                        checkVersion: Bool = true,
                        resolving taskID: UUID? = nil, _ make: () throws -> CaseEvent.Kind) async throws -> Response {
        let texts = context.texts
        let form = context.form
        // Every changing form carries the version it showed: without it a change could
        // silently overwrite one made meanwhile.
        let expected = checkVersion ? form.trimmed("expected_version").flatMap(Int.init) : nil
        if checkVersion && expected == nil { throw WebFailure(status: .badRequest, key: "error_bad_form") }
        do {
            let request = CaseRequest(try make(), note: form.trimmed("note"), noteVisibleTo: form.trimmed("note_visible_to").map { [$0] },
                                      expectedVersion: expected)
            if let taskID {
                _ = try await site.services.door.resolve(taskID, request, by: caller)
            } else {
                _ = try await site.services.door.change(reading.id, request, by: caller)
            }
        } catch let refusal as CasePageRefusal {
            return try await rerender(reading.id, caller: caller, context: context, form: key, texts[refusal.key], status: .unprocessableContent)
        } catch let error as FieldInputError {
            let message = texts.format("refusal_field_type", ["field": reading.definition.label(ofField: error.path),
                                                              "type": texts["type_\(error.expected)"]])
            return try await rerender(reading.id, caller: caller, context: context, form: key, message, status: .unprocessableContent)
        } catch let failure as CaseFailure where failure.code != .notFound {
            let problem = Problem(failure)
            let message = failure.details["holder"].map { texts.format("refusal_task_held", ["holder": WebLabels.actor($0, texts)]) }
                ?? WebWords.relabel(Self.message(problem, texts), fields: failure.problems.compactMap(\.field),
                                    action: reading.actions.first { "action-\($0.action)-\($0.track ?? "")" == key }, in: reading.definition)
            return try await rerender(reading.id, caller: caller, context: context, form: key, message, status: problem.status)
        }
        return PageRenderer.redirect("/cases/\(WebPaths.text(reading.id))?done=\(done.rawValue)", cookies: context.cookies)
    }

    /// A refusal in the page's language: what kind of refusal, then the engine's own words.
    static func message(_ problem: Problem, _ texts: Texts) -> String {
        let code = problem.members["code"]?.stringValue ?? (problem.status == .conflict ? "conflict" : "refused")
        let key = "refusal_" + code.replacingOccurrences(of: "-", with: "_")
        let summary = texts[key] == key ? texts["refusal_refused"] : texts[key]
        return "\(summary) — \(problem.detail)"
    }

    private func rerender(_ id: UUID, caller: CaseCaller, context: WebContext, form: String, _ message: String,
                          status: HTTPResponse.Status) async throws -> Response {
        let reading = try await site.services.door.read(id, by: CaseCaller.agent(try context.agent(), via: "GET /cases/{id} (page)"), history: true)
        return try await render(reading, context: context, refusal: (form, message), status: status)
    }

    /// The page of a reading the door journaled; for supervisors, the access journal too
    /// (reading it is journaled as well).
    func render(_ reading: CaseReading, context: WebContext, refusal: (form: String, message: String)? = nil,
                done: CaseChangeDone? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let agent = try context.agent()
        var context = context
        context.pagePath = "/cases/\(WebPaths.text(reading.id))"
        var sheet = CaseSheet(reading: reading, texts: context.texts, refusal: refusal)
        sheet.done = done
        sheet.referentCandidates = try await site.services.door.referentCandidates(reading).map(\.id)
        sheet.mayTakeAsReferent = site.services.door.mayTakeAsReferent(reading)
        if agent.supervisor {
            sheet.journal = try await site.services.door.accessLog(reading.id, by: .agent(agent, via: "GET /cases/{id} access journal (page)"))
        }
        return site.renderer.page("case", sheet.values(), context: context, status: status)
    }
}

/// A form the page refuses before the engine sees it (nothing changed, a blank note…).
struct CasePageRefusal: Error {
    let key: String
}
