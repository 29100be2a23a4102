import Foundation
import Hummingbird
import Workflow

/// `/workflows`: the published workflows and versions the agent may know (the API's rule:
/// designers all of them, other agents those whose cases they may know), and
/// `/workflows/ID/N`: one version with its states, the agent's queues in it and its diagram
/// (Graphviz), where `?case=` highlights the state(s) a case the agent may know is in.
struct WorkflowPages {
    let site: WebSite
    var graphviz: GraphvizRenderer = .shared

    func add(to pages: RouterGroup<WebContext>) {
        pages.getPage("/workflows", use: list)
        pages.getPage("/workflows/{id}", use: latest)
        pages.getPage("/workflows/{id}/{version}", use: show)
    }

    @Sendable func list(_ request: Request, context: WebContext) async throws -> Response {
        let agent = try context.agent()
        let texts = context.texts
        let known = try await site.services.knownWorkflowVersions(for: agent)
        // Open cases are counted only where the agent may know them all (not an agency only asked).
        let counted = Set(known.filter(\.access.mayListCases).map { "\($0.summary.id)\u{0}\($0.summary.version)" })
        let counts = counted.isEmpty ? [:] : try await openCases()
        let latest = Dictionary(known.map { ($0.summary.id, $0.summary.version) }, uniquingKeysWith: max)
        let rows: [[String: Any]] = known.map { version in
            let summary = version.summary
            let key = "\(summary.id)\u{0}\(summary.version)"
            var row: [String: Any] = [
                "id": summary.id, "version": summary.version, "title": summary.title ?? summary.id,
                "path": Self.path(summary.id, summary.version),
                "published_at": TimeText.date(summary.publishedAt, texts),
                "published_by": WebLabels.actor(summary.publishedBy, texts),
                "latest": latest[summary.id] == summary.version,
            ]
            if counted.contains(key) { row["open_cases"] = counts[key] ?? 0 }
            return row
        }
        return site.renderer.page("workflows", [
            "title": texts["workflows_title"], "nav_workflows": true,
            "rows": rows, "has_rows": !rows.isEmpty,
        ], context: context)
    }

    /// `/workflows/ID`: the latest version the agent may know.
    @Sendable func latest(_ request: Request, context: WebContext) async throws -> Response {
        let agent = try context.agent()
        let id = context.parameters.get("id") ?? ""
        let (known, _) = try await site.services.knownWorkflow(id, version: nil, for: agent)
        return PageRenderer.redirect(Self.path(id, known.summary.version), cookies: context.cookies)
    }

    @Sendable func show(_ request: Request, context: WebContext) async throws -> Response {
        let agent = try context.agent()
        let texts = context.texts
        let id = context.parameters.get("id") ?? ""
        guard let version = context.parameters.get("version").flatMap({ Int($0) }), (1...1_000_000).contains(version) else {
            throw WebFailure(status: .notFound, key: "error_not_found")
        }
        let (known, versions) = try await site.services.knownWorkflow(id, version: version, for: agent)
        let access = known.access
        let definition = access.definition

        // Where a case stands, for a case the agent may know (else: not found, as everywhere).
        var highlighted: Set<String> = []
        var values: [String: Any] = [:]
        if let asked = request.uri.queryParameters["case"].map(String.init) {
            guard let caseID = UUID(uuidString: asked) else { throw WebFailure(status: .notFound, key: "error_not_found") }
            let caller = CaseCaller.agent(agent, via: "GET /workflows/{id}/{version}?case")
            let snapshot = try await site.services.door.look(caseID, by: caller).record.snapshot
            guard snapshot.workflowID == id, snapshot.workflowVersion == version else {
                // The case follows another version: show that one.
                throw WebRedirect(location: Self.path(snapshot.workflowID, snapshot.workflowVersion) + "?case=\(WebPaths.text(caseID))")
            }
            try await site.services.door.journalListing([caseID], by: caller)
            highlighted = WorkflowDiagram.positionIDs(state: snapshot.state, tracks: snapshot.tracks.map { ($0.track, $0.state) })
            var shown: [String: Any] = [
                "id": WebPaths.text(caseID), "short": String(WebPaths.text(caseID).prefix(8)),
                "state": WebLabels.state(snapshot.state, in: definition), "plain_path": Self.path(id, version),
            ]
            if !snapshot.tracks.isEmpty {
                shown["tracks"] = snapshot.tracks.map { texts.format("workflow_case_track", ["track": $0.track, "state": $0.state]) }
                    .joined(separator: ", ")
            }
            values["case"] = shown
            values["case_states"] = Set([snapshot.state] + snapshot.tracks.map { "\(snapshot.state)/\($0.track)/\($0.state)" })
        }

        let dot = WorkflowDiagram(definition).dot(highlighted: highlighted)
        let label = texts.format("workflow_diagram_label", ["title": definition.title ?? id, "version": String(version)])
        do {
            let key = "\(id)\u{0}\(version)\u{0}\(highlighted.sorted().joined(separator: "\u{0}"))"
            let svg = try await graphviz.svg(key: key, dot: dot)
            values["svg"] = Self.accessible(svg, label: label)
        } catch {
            values["diagram_problem"] = error == .missing ? texts["workflow_diagram_missing"] : texts["workflow_diagram_failed"]
            values["dot"] = dot
        }

        let here = (values["case_states"] as? Set<String>) ?? []
        values.merge([
            "title": definition.title ?? id, "nav_workflows": true,
            "id": id, "version": version,
            "diagram_label": label,
            "published_at": TimeText.date(known.summary.publishedAt, texts),
            "published_by": WebLabels.actor(known.summary.publishedBy, texts),
            "sha256": known.summary.sha256,
            // Designers and supervisors may move open cases of other versions to this one.
            "can_migrate": (agent.designer || agent.supervisor) && versions.count > 1,
            "versions": versions.map { other in
                ["version": other.version, "path": Self.path(id, other.version), "current": other.version == version] as [String: Any]
            },
            "states": definition.states.map { Self.state($0, prefix: nil, here: here, texts: texts) },
            "queues": access.queues, "has_queues": !access.queues.isEmpty,
        ]) { _, new in new }
        if let description = definition.description { values["description"] = description }
        return site.renderer.page("workflow", values, context: context)
    }

    static func path(_ id: String, _ version: Int) -> String {
        "/workflows/\(WebPaths.query(id))/\(version)"
    }

    /// A state for the text equivalent of the diagram: its title, its kind, where its actions
    /// lead, and the states of its tracks.
    private static func state(_ state: StateDefinition, prefix: String?, here: Set<String>, texts: Texts) -> [String: Any] {
        let key = prefix.map { "\($0)/\(state.id.value)" } ?? state.id.value
        var exits: [String] = state.actions.map { texts.format("workflow_exit_action", ["action": $0.action.value, "target": target($0.target)]) }
        exits += state.timedExits.map { texts.format("workflow_exit_timed", ["delay": "\($0.delay.value)", "target": target($0.target)]) }
        // Every key is set, to a false value when it does not apply: a state drawn inside a
        // track would otherwise find its parallel state's keys (Mustache looks up the stack).
        var row: [String: Any] = ["id": state.id.value, "title": state.title ?? state.id.value,
                                  "kind": texts["workflow_kind_\(state.kind.name)"], "here": here.contains(key),
                                  "titled": state.title != nil, "queue": false, "tracks": [[String: Any]](), "has_exits": false, "exits": [String]()]
        switch state.kind {
        case .human(let queue): row["queue"] = queue.value
        case .auto(let rules, let otherwise):
            exits += rules.map { texts.format("workflow_exit_rule", ["when": $0.when.text, "target": target($0.target)]) }
            if let otherwise { exits.append(texts.format("workflow_exit_otherwise", ["target": target(otherwise)])) }
        case .parallel(let parallel):
            row["tracks"] = parallel.tracks.map { track in
                var entry: [String: Any] = ["id": track.id.value, "states": track.states.map {
                    Self.state($0, prefix: "\(key)/\(track.id.value)", here: here, texts: texts)
                }]
                entry["agency"] = track.agency.map { $0.value as Any } ?? false
                return entry
            }
            exits.append(texts.format("workflow_exit_join", ["join": parallel.join.rawValue, "target": parallel.next.value]))
        case .final, .wait: break
        }
        row["exits"] = exits
        row["has_exits"] = !exits.isEmpty
        return row
    }

    private static func target(_ target: TransitionTarget) -> String {
        switch target {
        case .state(let state): state.value
        case .escalate(let code): "⚑ \(code.value)"
        }
    }

    /// The drawing as an image with a name, for the page: `role="img"` and an `aria-label` on
    /// the `svg` element (its own `title` elements name only the graph and its parts).
    static func accessible(_ svg: String, label: String) -> String {
        guard svg.hasPrefix("<svg") else { return svg }
        return "<svg role=\"img\" aria-label=\"\(escaped(label))\" focusable=\"false\"" + svg.dropFirst("<svg".count)
    }

    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    /// Open cases per workflow version ("id\0version"), in one query.
    private func openCases() async throws -> [String: Int] {
        let database = site.services.database
        let rows = try await database.client.query("""
            SELECT workflow_id, workflow_version, count(*)::integer FROM cases
            WHERE status = 'open' GROUP BY workflow_id, workflow_version
            """, logger: database.logger)
        var result: [String: Int] = [:]
        for try await (id, version, count) in rows.decode((String, Int, Int).self) {
            result["\(id)\u{0}\(version)"] = count
        }
        return result
    }
}
