import Foundation
import Hummingbird
import Workflow

/// `/cases`: the cases the agent may know, newest activity first as the API lists them (by
/// id pages), with a text search over the fields they may see and a few filters.
struct CaseListPage {
    let site: WebSite

    func add(to pages: RouterGroup<WebContext>) {
        pages.getPage("/cases", use: show)
    }

    @Sendable func show(_ request: Request, context: WebContext) async throws -> Response {
        let agent = try context.agent()
        let texts = context.texts
        let query = request.uri.queryParameters
        func parameter(_ name: String) -> String? {
            query[Substring(name)].map(String.init).flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        }
        var filter = CaseSearch.Filter()
        filter.workflowID = parameter("workflow")
        filter.state = parameter("state")
        filter.escalated = parameter("escalated") == "1" ? true : nil
        filter.open = parameter("open") == "0" ? nil : true
        var problem: String?
        if let text = parameter("q") {
            if (2...200).contains(text.count) { filter.text = text } else { problem = texts["cases_q_length"] }
        }
        filter.after = parameter("after").flatMap(UUID.init(uuidString:))
        filter.limit = 51
        let accesses = try await site.services.door.accessToAll(for: agent)
        let visibility = CaseService.searchVisibility(accesses)
        let found = try await site.services.search.find(filter, visibility: visibility)
        let page = Array(found.prefix(50))
        // Each row shows who the case is about: its summary, journaled as a read of those fields.
        let summaries = try await site.services.door.listing(page.map(\.id), accesses: accesses, by: .agent(agent, via: "GET /cases (page)"))
        let titles = Dictionary(accesses.map {
            ("\($0.definition.id.value)", $0.definition)
        }, uniquingKeysWith: { _, latest in latest })
        let rows: [[String: Any]] = page.map { summary in
            let definition = titles[summary.workflowID]
            var row: [String: Any] = [
                "id": WebPaths.text(summary.id), "short": String(WebPaths.text(summary.id).prefix(8)),
                "workflow": definition?.title ?? summary.workflowID,
                "state": definition.map { WebLabels.state(summary.state, in: $0) } ?? summary.state,
                "status": summary.status == "closed" ? texts["status_closed"] : texts["status_open"],
                "waiting_on": WebLabels.parties(summary.whoseMove, in: definition, texts), "escalated": summary.escalated,
                "last_event": TimeText.ago(summary.lastEventAt, texts),
            ]
            if summary.status == "closed" { row["closed"] = true }
            if let people = summaries[summary.id], !people.isEmpty { row["summary"] = WebWords.summary(people); row["has_summary"] = true }
            return row
        }
        var values: [String: Any] = [
            "title": texts["cases_title"], "nav_cases": true, "cases": rows, "has_cases": !rows.isEmpty,
            "q": parameter("q") ?? "", "state": parameter("state") ?? "",
            "escalated_checked": filter.escalated == true, "closed_too": parameter("open") == "0",
            "workflows": visibility.map(\.workflowID).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }.map { id in
                ["id": id, "title": titles[id]?.title ?? id, "selected": id == filter.workflowID] as [String: Any]
            },
        ]
        if found.count > 50, let last = page.last {
            var items = URLComponents()
            items.queryItems = query.map { URLQueryItem(name: String($0.key), value: String($0.value)) }.filter { $0.name != "after" }
                + [URLQueryItem(name: "after", value: WebPaths.text(last.id))]
            values["next"] = "/cases?" + (items.percentEncodedQuery ?? "")
        }
        if let problem { values["problem"] = problem }
        return site.renderer.page("cases", values, context: context)
    }
}
