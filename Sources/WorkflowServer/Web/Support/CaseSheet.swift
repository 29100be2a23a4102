import Foundation
import Workflow

/// What the case page shows one agent, as template values: only what `CaseAccess` lets them
/// see (the same filtering as the API), and only the forms for what they may do.
struct CaseSheet {
    let record: CaseRecord
    let access: CaseAccess
    /// The actions the agent may fire now, as the door computed them.
    let offers: [AvailableAction]
    let texts: Texts
    /// Where a refusal is shown: the key of the form it concerns, and the message.
    var refusal: (form: String, message: String)?
    /// What the agent's last change did, said at the top of the page they land on.
    var done: CaseChangeDone?
    var journal: [AccessJournal.Entry]?
    /// The legal clocks the case has started.
    let clocks: [CaseClock]
    /// The agents this agent may name referent (a supervisor's choice), by id.
    var referentCandidates: [String] = []
    /// Whether this agent may take the case as its referent.
    var mayTakeAsReferent = false

    private var definition: WorkflowDefinition { access.definition }

    /// The page of an agent's reading of the case (the door filtered it already).
    init(reading: CaseReading, texts: Texts, refusal: (form: String, message: String)? = nil) {
        record = reading.record
        access = reading.rules.access!
        offers = reading.actions
        clocks = reading.clocks
        self.texts = texts
        self.refusal = refusal
    }

    func values() -> [String: Any] {
        // The door filtered the record for this agent already.
        let snapshot = record.snapshot
        let id = WebPaths.text(snapshot.id)
        let work = work(snapshot), deadlines = deadlines(snapshot)
        let forms = actions()
        let ordinary = forms.filter { $0["closes"] == nil }, closing = forms.filter { $0["closes"] != nil }
        var values: [String: Any] = [
            "title": texts.format("case_title", ["id": String(id.prefix(8))]),
            "case": summary(snapshot, id: id),
            "groups": groups(snapshot.data),
            "tracks": tracks(snapshot), "has_tracks": !snapshot.tracks.isEmpty,
            "actions": ordinary, "closing_actions": closing, "has_actions": !forms.isEmpty, "has_closing_actions": !closing.isEmpty,
            "escalations": escalations(snapshot),
            "work": work, "deadlines": deadlines, "has_work": !work.isEmpty, "has_deadlines": !deadlines.isEmpty,
            "clocks": clockLines(), "has_clocks": !clocks.isEmpty,
            "requests": requestLines(snapshot), "has_requests": !snapshot.requests.isEmpty,
            "timeline": timeline(record.history),
            "correction": correction(snapshot), "nav_cases": true, "note_audiences": noteAudiences(),
        ]
        // Who the case is about, from the fields of `summary` the agent may see.
        let people = WebWords.summary(access.summary(of: snapshot.data))
        if !people.isEmpty { values["summary"] = people; values["has_summary"] = true }
        if let journal {
            values["journal"] = journal.reversed().prefix(200).map { entry -> [String: Any] in
                // A value another administration provided: its request, who provided it and
                // on what legal basis, as the journal kept them when it was read.
                let sources = entry.sources.filter { access.mayView(field: $0.field) }.map { source in
                    ["request": source.request, "agency": source.to,
                     "words": texts.format("journal_source", ["label": source.label, "agency": source.toName, "basis": source.legalBasis])]
                }
                return ["at": TimeText.date(entry.at, texts), "actor": WebLabels.actor(entry.actor, texts), "agency": entry.agency ?? "",
                        "kind": texts["journal_\(entry.kind)"], "via": entry.via,
                        "fields": entry.fields.filter { access.mayView(field: $0) }.joined(separator: ", "),
                        "sources": sources, "has_sources": !sources.isEmpty]
            }
            values["has_journal"] = true
        }
        values["referent"] = referent(snapshot)
        if let done { values["done"] = texts[done.textKey] }
        if let refusal, refusal.form == "page" { values["page_refusal"] = refusal.message }
        if let refusal, refusal.form == "note" { values["note_refusal"] = refusal.message }
        return values
    }

    /// The case's referent and what this agent may do about it: a supervisor names one of the
    /// agents who may be (or removes it), an agent takes the case when the workflow allows it.
    private func referent(_ snapshot: CaseSnapshot) -> [String: Any] {
        // Every key the template reads, even when absent: Mustache would look further up.
        var values: [String: Any] = ["version": snapshot.version, "is_me": snapshot.referent == access.agent.id,
                                     "agent": false, "agency": false, "candidates": [[String: Any]](), "may_name": false,
                                     "may_remove": false, "may_take": false, "refusal": false]
        if let agent = snapshot.referent {
            values["agent"] = agent
            if let agency = record.referentAgency { values["agency"] = WebLabels.party(agency, in: definition, texts) }
        }
        if !referentCandidates.isEmpty {
            values["candidates"] = referentCandidates.map { ["id": $0, "selected": $0 == snapshot.referent] }
            values["may_name"] = true
            if snapshot.referent != nil { values["may_remove"] = true }
        }
        if mayTakeAsReferent { values["may_take"] = true }
        if let refusal, refusal.form == "referent" { values["refusal"] = refusal.message }
        return values
    }

    /// Who may read a note written here: the agent's agency first and preselected (notes
    /// are confidential by default), every agency of the case, or one other agency. The
    /// case's referent writes for every agency by default (their job is coordination).
    private func noteAudiences() -> [[String: Any]] {
        let mine = access.agent.agency
        let asReferent = record.snapshot.referent == access.agent.id
        var options: [[String: Any]] = [
            ["value": mine, "label": texts.format("note_audience_mine", ["agency": WebLabels.party(mine, in: definition, texts)]),
             "selected": !asReferent],
            ["value": NoteAudience.everyone, "label": texts["note_audience_all"], "selected": asReferent],
        ]
        for agency in definition.agencies.map(\.id.value) where agency != mine {
            options.append(["value": agency, "label": texts.format("note_audience_agency", ["agency": WebLabels.party(agency, in: definition, texts)])])
        }
        return options
    }

    private func summary(_ snapshot: CaseSnapshot, id: String) -> [String: Any] {
        var summary: [String: Any] = [
            "id": id, "workflow": definition.title ?? definition.id.value, "workflow_id": definition.id.value,
            "workflow_version": definition.version.value, "version": snapshot.version,
            "state": snapshot.state, "state_label": WebLabels.state(snapshot.state, in: definition),
            "status": snapshot.status.isClosed ? texts["status_closed"] : texts["status_open"],
            "closed": snapshot.status.isClosed, "waiting_on": WebLabels.parties(snapshot.whoseMove(in: definition), in: definition, texts), "escalated": snapshot.isEscalated,
            "created": TimeText.date(snapshot.createdAt, texts), "since": TimeText.ago(snapshot.enteredStateAt, texts),
            "last_event": TimeText.ago(snapshot.lastEventAt, texts),
        ]
        if let outcome = snapshot.status.outcome { summary["outcome"] = outcome }
        if let label = definition.state(snapshot.state)?.publicLabel { summary["public_label"] = label }
        if let description = definition.state(snapshot.state)?.description { summary["state_description"] = description }
        return summary
    }

    /// The visible declared fields, grouped by the first part of their path.
    private func groups(_ data: JSONValue) -> [[String: Any]] {
        let fields = definition.fields.filter { access.mayView(field: $0.path.value) }
        var order: [String] = []
        var byGroup: [String: [[String: Any]]] = [:]
        for field in fields {
            let path = field.path.value
            let group = path.split(separator: ".").first.map(String.init) ?? path
            if byGroup[group] == nil { order.append(group) }
            let rest = String(path.dropFirst(group.count + 1))
            var item: [String: Any] = ["path": path, "label": field.label ?? (rest.isEmpty ? path : rest)]
            if let description = field.description { item["help"] = description }
            if let value = data.value(at: path), !value.isNull {
                if field.type == .document, let document = document(value) {
                    item["document"] = document
                } else {
                    item["value"] = FieldInput.display(value)
                }
            } else {
                item["empty"] = true
            }
            byGroup[group, default: []].append(item)
        }
        return order.map { ["name": $0, "fields": byGroup[$0]!] }
    }

    private func document(_ value: JSONValue) -> [String: Any]? {
        guard value.objectValue != nil else { return nil }
        var document: [String: Any] = [:]
        for key in ["type", "issuer", "name"] { if let text = value.value(at: key)?.stringValue { document[key] = text } }
        if let sha = value.value(at: "sha256")?.stringValue { document["sha256"] = sha; document["sha_short"] = String(sha.prefix(12)) }
        if let size = value.value(at: "size") { document["size"] = FieldInput.display(size) }
        return document
    }

    private func tracks(_ snapshot: CaseSnapshot) -> [[String: Any]] {
        snapshot.tracks.map { position in
            var track: [String: Any] = [
                "track": position.track, "state": position.state,
                "state_label": WebLabels.state(position.state, track: position.track, in: definition),
                "finished": position.finished, "waiting_on": WebLabels.party(position.waitingOn, in: definition, texts),
                "since": TimeText.ago(position.enteredStateAt, texts),
                "escalated": snapshot.tasks.contains { $0.track == position.track && $0.escalation != nil },
            ]
            if let agency = WebLabels.trackDefinition(position.track, in: definition)?.agency?.value { track["agency"] = agency }
            return track
        }
    }

    /// A form per action offered to this agent now, with the inputs its `requires` asks for, in
    /// the library's work order (the agent's own work first, what ends the case last).
    private func actions() -> [[String: Any]] {
        guard !record.snapshot.status.isClosed else { return [] }
        return access.inWorkOrder(offers, on: record.snapshot).map { offer in
            let key = "action-\(offer.action)-\(offer.track ?? "")"
            var inputs: [[String: Any]] = []
            var shown: [[String: Any]] = []
            for path in offer.requires {
                guard let field = definition.field(path), access.mayView(field: path) else { continue }
                let current = record.snapshot.data.value(at: path)
                if access.mayEdit(field: path) {
                    inputs.append(FieldInput.input(field, current: current, texts: texts, required: current == nil, form: key))
                } else {
                    shown.append(["path": path, "label": field.label ?? path, "value": current.map(FieldInput.display) ?? texts["value_missing"]])
                }
            }
            var form: [String: Any] = [
                "action": offer.action, "key": key, "inputs": inputs, "shown": shown,
                "multipart": inputs.contains { $0["is_file"] != nil }, "note_required": offer.noteRequired,
                // An action that escalates: its note is the escalation's reason, read by every agency.
                "escalates": offer.target == nil,
                "version": record.snapshot.version,
                "label": offer.track.map { texts.format("action_in_track", ["action": offer.label, "track": $0]) } ?? offer.label,
            ]
            if let track = offer.track { form["track"] = track }
            if let target = offer.target { form["target"] = WebLabels.state(target, in: definition) }
            if offer.closesCase {
                // Sent only with this box ticked: the server checks it (no script in the pages).
                form["closes"] = true
                form["confirm_label"] = texts.format("action_confirm_closing", ["target": WebLabels.state(offer.target ?? "", in: definition)])
            }
            if let refusal, refusal.form == key { form["refusal"] = refusal.message }
            return form
        }
    }

    /// The open escalations, with the ways to resolve each for those who work its queue.
    private func escalations(_ snapshot: CaseSnapshot) -> [[String: Any]] {
        let me = access.actor.recorded
        return snapshot.tasks.filter { $0.escalation != nil }.map { task in
            let escalation = task.escalation!
            let id = WebPaths.text(task.id)
            let misfit = escalation.reason == EscalationReason.migrationMisfit.rawValue
            let context = misfit ? misfitItems(escalation.context) : contextItems(escalation.context)
            var item: [String: Any] = [
                "id": id, "reason": escalation.reason, "queue": task.queue,
                "title": definition.exception(escalation.reason)?.title
                    ?? (misfit ? misfitTitle(escalation.context) : texts.format("reason_engine", ["reason": escalation.reason])),
                "context": context, "has_context": !context.isEmpty, "opened": TimeText.ago(task.openedAt, texts),
                "version": record.snapshot.version, "back": "/cases/\(WebPaths.text(snapshot.id))",
            ]
            if let left = TimeText.left(until: task.slaDueAt, texts) { item["left"] = left.text; item["overdue"] = left.overdue }
            if let track = task.track { item["track"] = track }
            if let holder = task.assignee { item["assignee"] = WebLabels.actor(holder, texts) }
            let mayWork = access.mayWorkOn(queue: task.queue) || access.agent.supervisor
            if mayWork && !snapshot.status.isClosed {
                item["may_work"] = true
                item["free"] = task.assignee == nil
                item["mine"] = task.assignee == me
                item["states"] = overrideStates(track: task.track)
                item["queues"] = definition.queues.map(\.id.value).filter { $0 != task.queue }.map { ["queue": $0] }
            }
            if let refusal, refusal.form == "resolve-\(id)" { item["refusal"] = refusal.message }
            return item
        }
    }

    /// The states an override may lead to: a track's, or the workflow's; closing the case (a
    /// final state) only for supervisors, as the engine decides.
    private func overrideStates(track: String?) -> [[String: Any]] {
        if let track, let states = WebLabels.trackDefinition(track, in: definition)?.states {
            return states.map { ["state": $0.id.value, "label": $0.title ?? $0.id.value] }
        }
        return definition.states.filter { access.agent.supervisor || !$0.isFinal }
            .map { ["state": $0.id.value, "label": $0.title ?? $0.id.value] }
    }

    /// "Ne s'accorde pas à la version 2", from a `migration-misfit` escalation's context.
    private func misfitTitle(_ context: JSONValue) -> String {
        texts.format("reason_migration_misfit", ["version": context.value(at: "to_version")?.numberValue?.int.map { String($0) } ?? "?"])
    }

    /// A `migration-misfit` escalation's reasons in words, one item each, as the migrate page says them.
    private func misfitItems(_ context: JSONValue) -> [[String: String]] {
        let version = context.value(at: "to_version")?.numberValue?.int ?? 0
        return (context.value(at: "reasons")?.arrayValue ?? []).map { reason in
            let code = reason.value(at: "code")?.stringValue ?? ""
            let misfit = MisfitReason(.init(code), reason.value(at: "message")?.stringValue ?? "", state: reason.value(at: "state")?.stringValue,
                                      track: reason.value(at: "track")?.stringValue, field: reason.value(at: "field")?.stringValue)
            return ["key": code, "value": MigrationPages.reason(misfit, version: version, texts: texts)]
        }
    }

    private func contextItems(_ context: JSONValue) -> [[String: String]] {
        guard let members = context.objectValue else { return context.isNull ? [] : [["key": "", "value": FieldInput.display(context)]] }
        return members.keys.sorted().map { ["key": $0, "value": FieldInput.display(members[$0]!)] }
    }

    private func work(_ snapshot: CaseSnapshot) -> [[String: Any]] {
        snapshot.tasks.filter { $0.escalation == nil }.map { task in
            var item: [String: Any] = ["id": WebPaths.text(task.id), "queue": task.queue,
                                       "state_label": WebLabels.state(task.state, in: definition)]
            if let track = task.track { item["track"] = track }
            if let holder = task.assignee { item["assignee"] = WebLabels.actor(holder, texts) }
            if let left = TimeText.left(until: task.slaDueAt, texts) { item["left"] = left.text; item["overdue"] = left.overdue }
            if let request = task.request, let run = snapshot.requests.first(where: { $0.id == request }) {
                item["request"] = definition.request(run.request)?.title ?? run.request
            }
            return item
        }
    }

    /// A line per request to another administration: its label, the agency asked, where it
    /// stands, the consent it needs or has, its due date and the answers received.
    private func requestLines(_ snapshot: CaseSnapshot) -> [[String: Any]] {
        snapshot.requests.map { run in
            let request = definition.request(run.request)
            let consent = RequestWords.consent(run.request, snapshot, definition).replacingOccurrences(of: "-", with: "_")
            var item: [String: Any] = ["id": WebPaths.text(run.id), "request": run.request, "label": request?.title ?? run.request,
                                       "to": WebLabels.party(run.agency, in: definition, texts),
                                       "status_id": run.status.rawValue, "status": texts["request_status_\(run.status.rawValue)"],
                                       "consent": texts["request_consent_\(consent)"]]
            if let due = run.dueAt, run.status == .sent { item["due"] = TimeText.date(due, texts) }
            if run.versions > 0 { item["versions"] = texts.format("request_versions", ["count": String(run.versions)]) }
            return item
        }
    }

    /// A line per legal clock: its label, where it stands, its due date and the days left,
    /// and how it was computed, in the page's language.
    private func clockLines() -> [[String: Any]] {
        clocks.map { clock in
            var item: [String: Any] = ["name": clock.clock.id.value, "label": clock.clock.title,
                                       "status": texts["clock_\(clock.run.status.rawValue)"], "status_id": clock.run.status.rawValue,
                                       "explanation": clock.lines(texts.language == .french ? .french : .english)]
            if clock.run.status == .running, let due = clock.run.dueAt {
                item["due"] = TimeText.date(due, texts)
                if let left = TimeText.left(until: due, texts) { item["left"] = left.text; item["overdue"] = left.overdue }
            }
            if clock.clock.silence != .none { item["silence"] = texts["clock_silence_\(clock.clock.silence.rawValue)"] }
            return item
        }
    }

    private func deadlines(_ snapshot: CaseSnapshot) -> [[String: Any]] {
        snapshot.timers.filter { $0.kind != .step && !$0.kind.isClock }.sorted { $0.dueAt < $1.dueAt }.map { timer in
            var item: [String: Any] = ["kind": texts["timer_\(timer.kind.rawValue)"], "state": timer.state,
                                       "due": TimeText.date(timer.dueAt, texts)]
            if let track = timer.track { item["track"] = track }
            if let left = TimeText.left(until: timer.dueAt, texts) { item["left"] = left.text; item["overdue"] = left.overdue }
            return item
        }
    }

    /// The history, newest first, as the library's steps: what a person did, with the engine's
    /// bookkeeping of the same change inside it (oldest first there, as it happened).
    private func timeline(_ history: [HistoryRecord]) -> [[String: Any]] {
        CaseTimeline.steps(history).reversed().map { step in
            var item = timelineEntry(step.lead)
            let followers = step.followers.map(timelineEntry)
            if !followers.isEmpty {
                item["followers"] = followers
                item["followers_summary"] = texts.format(step.followers.contains { $0.entry.event == "escalated" } ? "timeline_followers_escalated" : "timeline_followers",
                                                         ["n": String(followers.count)])
            }
            return item
        }
    }

    /// One entry: who, what, when, and the reason or justification given.
    private func timelineEntry(_ record: HistoryRecord) -> [String: Any] {
        let entry = record.entry
        // Every key the template reads, even when absent: a follower is rendered inside its
        // lead, and Mustache would otherwise show the lead's note or reason for it.
        var item: [String: Any] = ["kind": entry.event, "what": WebLabels.event(entry.event, texts),
                                   "who": WebLabels.actor(entry.actor, texts), "when": TimeText.date(entry.at, texts)]
        for key in ["name", "from", "to", "track", "reason", "reason_escalation", "reason_title", "note", "changed", "followers_summary"] {
            item[key] = false
        }
        if let name = entry.name { item["name"] = name }
        if entry.event == "referent", entry.name == nil { item["name"] = texts["referent_removed"] }
        if let from = entry.fromState { item["from"] = WebLabels.state(from, in: definition) }
        if let to = entry.toState {
            item["to"] = entry.track.map { WebLabels.state(to, track: $0, in: definition) } ?? WebLabels.state(to, in: definition)
        }
        if let track = entry.track { item["track"] = track }
        if let reason = entry.reason {
            item["reason"] = reason
            item["reason_escalation"] = entry.event == "escalated"
            if let title = definition.exception(reason)?.title { item["reason_title"] = title }
            if reason == EscalationReason.migrationMisfit.rawValue, entry.event == "escalated" {
                item["reason_title"] = texts.format("reason_migration_misfit", ["version": entry.context?.value(at: "to_version")?.numberValue?.int.map { String($0) } ?? "?"])
            }
        }
        if entry.event == "migrated" {
            // "Passage à une autre version : version 1 → 2"
            let number = { (key: String) in entry.context?.value(at: key)?.numberValue?.int.map { String($0) } ?? "?" }
            item["name"] = texts.format("migrated_versions", ["from": number("from_version"), "to": number("to_version")])
        }
        if entry.event == "clock", let name = entry.name, let what = entry.reason {
            // "Délai d'instruction : suspendu", the clock by its label.
            item["name"] = definition.clock(name)?.title ?? name
            item["reason"] = texts["clock_event_\(what)"]
        }
        if let note = entry.note { item["note"] = note }
        if let diff = entry.dataDiff?.objectValue, !diff.isEmpty { item["changed"] = diff.keys.sorted().joined(separator: ", ") }
        return item
    }

    /// The data this agent may correct, with the current values.
    private func correction(_ snapshot: CaseSnapshot) -> [String: Any]? {
        guard !record.snapshot.status.isClosed else { return nil }
        let fields = definition.fields.filter { access.mayView(field: $0.path.value) && access.mayEdit(field: $0.path.value) }
        guard !fields.isEmpty else { return nil }
        let inputs = fields.map {
            FieldInput.input($0, current: record.snapshot.data.value(at: $0.path.value), texts: texts, required: false, form: "correct")
        }
        var form: [String: Any] = ["inputs": inputs, "version": record.snapshot.version,
                                   "multipart": inputs.contains { $0["is_file"] != nil }]
        if let refusal, refusal.form == "data" { form["refusal"] = refusal.message }
        return form
    }
}
