import Foundation
import Hummingbird
import Workflow

/// `/designer/migrate`: moving the open cases of a workflow to another version, for designers
/// and supervisors, with the rules of `POST /api/v1/workflows/{id}/migrations` (the door's):
/// the form, then the dry run's report beside the diff of the versions, then a button that
/// confirms; each post moves at most `MigrationRoutes.defaultLimit` cases (fewer when
/// `MigrationRoutes.budget` runs out) and offers to go on after the last one it looked at.
struct MigrationPages {
    let site: WebSite

    func add(to pages: RouterGroup<WebContext>) {
        pages.getPage("/designer/migrate", use: form)
        pages.postPage("/designer/migrate", use: run)
    }

    /// What the form carries, from the query (a link from a workflow's page) or the form.
    struct Fields {
        var workflow = ""
        var version = ""
        var map = ""
        var state = ""
        var after = ""

        var values: [String: Any] { ["workflow": workflow, "version": version, "map": map, "state": state, "after": after] }
    }

    @Sendable func form(_ request: Request, context: WebContext) async throws -> Response {
        let agent = try context.agent()
        guard agent.designer || agent.supervisor else { throw WebFailure(status: .forbidden, key: "migrate_only") }
        let fields = Fields(workflow: request.uri.queryParameters["workflow"].map(String.init) ?? "",
                            version: request.uri.queryParameters["version"].map(String.init) ?? "")
        return render(fields, context: context)
    }

    @Sendable func run(_ request: Request, context: WebContext) async throws -> Response {
        let agent = try context.agent()
        guard agent.designer || agent.supervisor else { throw WebFailure(status: .forbidden, key: "migrate_only") }
        let form = context.form
        let texts = context.texts
        let fields = Fields(workflow: form["workflow"]?.trimmingCharacters(in: .whitespaces) ?? "",
                            version: form["version"]?.trimmingCharacters(in: .whitespaces) ?? "",
                            map: form["map"] ?? "", state: form["state"]?.trimmingCharacters(in: .whitespaces) ?? "")
        guard !fields.workflow.isEmpty, let version = Int(fields.version), version > 0 else {
            return render(fields, refusal: texts["migrate_missing"], context: context, status: .badRequest)
        }
        let items = fields.map.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let via = "POST /designer/migrate"
        let mapping: StateMapping
        do {
            mapping = try StateMapping(parsing: items)
        } catch {
            // With the request's other problems (its version, its state), all at once.
            var problems = error.problems
            do {
                problems += try await site.services.door.migrationProblems(
                    MigrationRequest(workflow: fields.workflow, toVersion: version, mapping: .readable(items), state: fields.state.isEmpty ? nil : fields.state),
                    by: .agent(agent, via: via)).map(\.detail)
            } catch let failure as CaseFailure {
                return refuse(failure, fields: fields, context: context)
            }
            return render(fields, problems: problems, context: context, status: .badRequest)
        }
        let confirmed = form["confirm"] == "1"
        let after = confirmed ? form["after"].flatMap { UUID(uuidString: $0.trimmingCharacters(in: .whitespaces)) } : nil
        let migration = MigrationRequest(workflow: fields.workflow, toVersion: version, mapping: mapping,
                                         state: fields.state.isEmpty ? nil : fields.state, dryRun: !confirmed,
                                         limit: confirmed ? MigrationRoutes.defaultLimit : Self.dryRunLimit, after: after,
                                         budget: MigrationRoutes.budget)
        let report: MigrationReport
        do {
            report = try await site.services.door.migrate(migration, by: .agent(agent, via: via))
        } catch let failure as CaseFailure {
            return refuse(failure, fields: fields, context: context)
        }
        // The diff from the version most cases are on, for the person to see what they confirm.
        var values: [String: Any] = ["report": Self.report(report, texts: texts)]
        var next = fields
        next.after = report.after?.lowercasedString ?? ""
        values["next"] = next.values
        let fromVersion = Dictionary(grouping: report.items, by: \.fromVersion).max { $0.value.count < $1.value.count }?.key
        if let fromVersion, fromVersion != version,
           let old = try? await site.services.catalog.definition(id: fields.workflow, version: fromVersion),
           let new = try? await site.services.catalog.definition(id: fields.workflow, version: version) {
            values["diff"] = Self.diff(WorkflowDiff(from: old, to: new), texts: texts)
        }
        return render(fields, extra: values, context: context)
    }

    /// The door's refusal: its one problem, or a heading and each problem once.
    private func refuse(_ failure: CaseFailure, fields: Fields, context: WebContext) -> Response {
        let status: HTTPResponse.Status = failure.code == .notFound ? .notFound : failure.code == .forbidden ? .forbidden : .badRequest
        if failure.problems.count > 1 {
            return render(fields, problems: failure.problems.map(\.detail), context: context, status: status)
        }
        return render(fields, refusal: failure.message, context: context, status: status)
    }

    private func render(_ fields: Fields, refusal: String? = nil, problems: [String] = [], extra: [String: Any] = [:],
                        context: WebContext, status: HTTPResponse.Status = .ok) -> Response {
        var values: [String: Any] = ["title": context.texts["migrate_title"], "nav_designer": true, "fields": fields.values]
        if problems.count == 1 {
            values["refusal"] = problems[0]
        } else if problems.count > 1 {
            values["refusal"] = context.texts.format("migrate_problems", ["count": String(problems.count)])
            values["refusal_items"] = problems
            values["has_refusal_items"] = true
        }
        if let refusal { values["refusal"] = refusal }
        values.merge(extra) { _, new in new }
        return site.renderer.page("migrate", values, context: context, status: status)
    }

    /// The report as the page shows it: the counts, the cases that did not simply move (with
    /// their reasons), and whether to confirm or go on.
    /// Cases a dry run judges per post: it writes nothing, so it is quick.
    static let dryRunLimit = 500

    static func report(_ report: MigrationReport, texts: Texts) -> [String: Any] {
        let counts = MigrationReport.Outcome.allCases.compactMap { outcome -> [String: Any]? in
            let number = report.count(outcome)
            let key = "migrate_outcome_\(outcome.rawValue.replacingOccurrences(of: "-", with: "_"))" + (number == 1 ? "_one" : "")
            return number == 0 ? nil : ["outcome": texts[key], "count": number]
        }
        let unsettled = report.items.filter { $0.outcome != .migrated && $0.outcome != .fits }.prefix(200).map { item -> [String: Any] in
            ["case": item.caseID.lowercasedString, "short": String(item.caseID.lowercasedString.prefix(8)),
             "state": item.state, "from_version": item.fromVersion,
             "outcome": texts["migrate_outcome_\(item.outcome.rawValue.replacingOccurrences(of: "-", with: "_"))_one"],
             "message": item.message ?? "", "reasons": item.reasons.map { ["code": $0.code.name, "message": reason($0, version: report.toVersion, texts: texts)] }]
        }
        let moving = report.count(.fits)
        // Every open case this confirmation will look at: those the dry run judged (misfits too,
        // escalated when confirmed) and those beyond it.
        let looked = report.items.count + report.remaining
        return [
            "dry_run": report.dryRun, "counts": counts, "has_cases": !report.items.isEmpty,
            "unsettled": Array(unsettled), "has_unsettled": !unsettled.isEmpty,
            "confirm_text": texts.format(looked == 1 ? "migrate_confirm_one" : "migrate_confirm",
                                         ["count": String(looked), "version": String(report.toVersion)]),
            "can_confirm": report.dryRun && (moving > 0 || report.count(.misfit) > 0),
            "remaining": report.remaining, "has_remaining": report.remaining > 0,
        ]
    }

    /// A reason a case does not fit, in the page's language, from what the reason names.
    static func reason(_ reason: MisfitReason, version: Int, texts: Texts) -> String {
        let place = reason.track.map { "\($0).\(reason.state ?? "")" } ?? reason.state ?? ""
        return texts.format("migrate_reason_\(reason.code.name.replacingOccurrences(of: "-", with: "_"))",
                            ["state": place, "track": reason.track ?? "", "field": reason.field ?? "", "version": String(version)])
    }

    static func diff(_ diff: WorkflowDiff, texts: Texts) -> [String: Any] {
        let mark: [WorkflowDiff.Kind: String] = [.added: "+", .removed: "−", .changed: "~"]
        return [
            "from": diff.fromVersion, "to": diff.toVersion, "identical": diff.isEmpty,
            "changes": diff.changes.map { change -> [String: Any] in
                ["section": change.section.rawValue, "section_label": texts["migrate_section_\(change.section.rawValue)"],
                 "name": change.name, "kind": change.kind.rawValue, "kind_label": texts["migrate_kind_\(change.kind.rawValue)"],
                 "mark": mark[change.kind] ?? "",
                 "differences": change.differences.map { ["attribute": $0.attribute, "from": $0.from ?? "", "to": $0.to ?? ""] }]
            },
        ]
    }
}
