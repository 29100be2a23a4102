import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Workflow
@testable import WorkflowServer

/// `GET /supervision`: supervisors only (others get a 403 page), over the workflows they may
/// know; the stuck cases filtered and sorted on the server, the escalation charts drawn as
/// inline SVG with every label escaped, the delays per party and the overrides to review.
@Suite("Web: supervision page")
struct WebSupervisionTests {
    /// The cases' ids in `table#stuck`, in the order shown.
    static func stuckRows(_ html: String) -> [String] {
        guard let start = html.range(of: "<table id=\"stuck\">"),
              let end = html.range(of: "</table>", range: start.upperBound..<html.endIndex) else { return [] }
        return html[start.upperBound..<end.lowerBound].matches(of: /<tr data-case="([0-9a-f-]+)"/).map { String($0.1) }
    }

    struct Fixture {
        /// Escalated by an agent through the API, a few seconds old, engine's move.
        var escalated: String
        /// Ten days in `depot`, the citizen's move, with an override whose note holds markup.
        var old: String
        /// A passport case, with an override: the coordinator may not know passports.
        var passport: String
    }

    static func fixture(_ harness: APIHarness, _ api: APIClient) async throws -> Fixture {
        let (escalated, passport) = try await APISupervisionTests.fixture(harness, api)
        let now = Date()
        func ago(_ days: Double) -> Date { now.addingTimeInterval(-days * 86_400) }
        let old = try await SupervisionReportTests.insertCase(
            harness.database, workflow: "retraite-multi-statuts", state: "depot", waitingOn: "usager", escalated: true,
            created: ago(12), entered: ago(10), lastEvent: ago(2),
            tasks: [.init(queue: "cellule-coordination", state: "depot", reason: "<script>alert('raison')</script>", opened: ago(2))],
            history: [.init(at: ago(12), event: "created", to: "depot", waitingOn: "usager"),
                      .init(at: ago(2), event: "override", to: "depot", waitingOn: "usager",
                            note: "<script>alert('note')</script> pièces vérifiées au guichet")])
        _ = try await SupervisionReportTests.insertCase(
            harness.database, state: "instruction", waitingOn: "cert-titres", created: ago(3), entered: ago(3), lastEvent: ago(1),
            history: [.init(at: ago(1), event: "override", to: "instruction", waitingOn: "cert-titres", note: "NOTE-PASSEPORT-CACHEE")])
        return Fixture(escalated: escalated, old: WebPaths.text(old), passport: WebPaths.text(passport))
    }

    @Test("a supervisor sees the stuck cases, the charts, the delays and the overrides of what it may know, escaped")
    func supervisorPage() async throws {
        let harness = try await APIHarness.make("web-supervision")
        defer { harness.database.close() }
        try await harness.run { api in
            let fixture = try await Self.fixture(harness, api)
            let coord = try await WebBrowser.signedIn(api, as: "coord")
            let page = try await coord.get("/supervision")
            let (status, html) = (page.status, page.html)
            #expect(status == 200)
            #expect(html.contains("<form id=\"stuck-filters\" method=\"get\" action=\"/supervision\""))
            for name in ["agency", "workflow", "state", "waiting_on", "min_age"] {
                #expect(html.contains("name=\"\(name)\""), "no filter \(name)")
            }
            #expect(html.contains("<label for=\"f-workflow\">"))
            // The oldest in its state first, each linking to its case page.
            #expect(Self.stuckRows(html) == [fixture.old, fixture.escalated])
            #expect(html.contains("<a class=\"case-link\" href=\"/cases/\(fixture.escalated)\">"))
            #expect(html.contains("aria-sort=\"descending\""))
            #expect(html.contains("agent-raised"))
            // Two charts, each an image with a title and a table of the same numbers.
            #expect(html.matches(of: /<svg class="chart" id="[a-z-]+" role="img" aria-labelledby=/).count == 2)
            #expect(html.contains("<title id=\"chart-reasons-title\">"))
            // Each bar of "by step" names the step, the workflow by its short id, not its long
            // title cut at the chart's width.
            let chartStart = try #require(html.range(of: "id=\"chart-states\""))
            let chartEnd = try #require(html.range(of: "</svg>", range: chartStart.upperBound..<html.endIndex))
            let byStep = String(html[chartStart.upperBound..<chartEnd.lowerBound])
            let labels = byStep.matches(of: /<g class="row"><text x="0" y="[0-9]+">([^<]*)<\/text>/).map { String($0.1) }
            #expect(labels.contains("depot · retraite-multi-statuts"), "\(labels)")
            #expect(!labels.isEmpty && labels.allSatisfy { !$0.hasPrefix("Retraite d") && !$0.hasSuffix("…") }, "\(labels)")
            #expect(html.contains("<table id=\"escalations-by-reason\">"))
            #expect(html.contains("<table id=\"delays\">") && html.contains("<table id=\"overrides\">"))
            // The override to review, its justification escaped, linking to its case.
            #expect(html.contains("pièces vérifiées au guichet"))
            #expect(html.contains("&lt;script&gt;alert(&#39;note&#39;)&lt;/script&gt;") || html.contains("&lt;script&gt;alert("))
            #expect(html.contains("href=\"/cases/\(fixture.old)\""))
            // No markup from the data, anywhere: the reason in the chart and tables, the note.
            #expect(!html.contains("<script"))
            // Nothing of the passport case: not its row, its override, nor its note; no case data.
            #expect(!html.contains(fixture.passport))
            #expect(!html.contains("NOTE-PASSEPORT-CACHEE"))
            for secret in ["Secret", "Lefèvre", "2620575123456"] { #expect(!html.contains(secret), "\(secret)") }
            #expect(html.contains("href=\"/supervision\" aria-current=\"page\""))
            let english = try await coord.get("/supervision?lang=en")
            #expect(english.status == 200 && english.html.contains("<html lang=\"en\">"))
            #expect(english.html.contains("Stuck cases") && english.html.contains("Escalations by reason"))
            #expect(!english.html.contains("sup_"), "a text without its English translation")
        }
    }

    @Test("the filters narrow the stuck cases; an age that does not parse is said, not applied")
    func filters() async throws {
        let harness = try await APIHarness.make("web-supervision-filters")
        defer { harness.database.close() }
        try await harness.run { api in
            let fixture = try await Self.fixture(harness, api)
            let coord = try await WebBrowser.signedIn(api, as: "coord")
            let expected: [(String, [String])] = [
                ("?workflow=retraite-multi-statuts&state=&waiting_on=&agency=&min_age=&escalated=", [fixture.old, fixture.escalated]),
                ("?waiting_on=usager", [fixture.old]),
                // In parallel work every open track's party holds the case; "engine" none.
                ("?waiting_on=sre", [fixture.escalated]),
                ("?waiting_on=cnracl", [fixture.escalated]),
                ("?waiting_on=engine", []),
                ("?state=depot", [fixture.old]),
                ("?min_age=5", [fixture.old]),
                ("?min_age=12h", [fixture.old]),
                ("?agency=sre", [fixture.old, fixture.escalated]),
                ("?agency=ants", []),
                ("?workflow=passeport-identite", []),
                ("?waiting_on=cert-titres", []),
            ]
            for (query, rows) in expected {
                let page = try await coord.get("/supervision\(query)")
                let (status, html) = (page.status, page.html)
                #expect(status == 200, "\(query)")
                #expect(Self.stuckRows(html) == rows, "\(query)")
            }
            let chosen = try await coord.get("/supervision?waiting_on=usager")
            #expect(chosen.html.contains("<option value=\"usager\" selected>"))
            let wrong = try await coord.get("/supervision?min_age=trois")
            #expect(wrong.status == 400)
            #expect(wrong.html.contains("role=\"alert\"") && wrong.html.contains("aria-invalid=\"true\""))
            #expect(Self.stuckRows(wrong.html).count == 2)
        }
    }

    @Test("the sort links order the rows on the server and mark the sorted column")
    func sort() async throws {
        let harness = try await APIHarness.make("web-supervision-sort")
        defer { harness.database.close() }
        try await harness.run { api in
            let fixture = try await Self.fixture(harness, api)
            let coord = try await WebBrowser.signedIn(api, as: "coord")
            let standard = try await coord.get("/supervision")
            // The age header, sorted descending, links to the ascending order.
            #expect(standard.html.contains("<th scope=\"col\" aria-sort=\"descending\"><a href=\"/supervision?sort=age\">"))
            let ascending = try await coord.get("/supervision?sort=age")
            #expect(Self.stuckRows(ascending.html) == [fixture.escalated, fixture.old])
            #expect(ascending.html.contains("aria-sort=\"ascending\""))
            #expect(ascending.html.matches(of: /aria-sort=/).count == 1)
            let byParty = try await coord.get("/supervision?sort=waiting_on")
            // "l'usager" before "le moteur…": alphabetical on what the page shows.
            #expect(Self.stuckRows(byParty.html) == [fixture.old, fixture.escalated])
            let byPartyDown = try await coord.get("/supervision?sort=-waiting_on")
            #expect(Self.stuckRows(byPartyDown.html) == [fixture.escalated, fixture.old])
            let byIdle = try await coord.get("/supervision?sort=-idle")
            #expect(Self.stuckRows(byIdle.html) == [fixture.old, fixture.escalated])
            // Sorting keeps the filters in its links.
            let filtered = try await coord.get("/supervision?waiting_on=usager&sort=state")
            #expect(filtered.html.contains("href=\"/supervision?waiting_on=usager&amp;sort=-state\""))
            let unknown = try await coord.get("/supervision?sort=nonsense")
            #expect(unknown.status == 200 && Self.stuckRows(unknown.html) == [fixture.old, fixture.escalated])
        }
    }

    @Test("agents who are not supervisors get a 403 page; a visitor is sent to sign in")
    func notSupervisors() async throws {
        let harness = try await APIHarness.make("web-supervision-403")
        defer { harness.database.close() }
        try await harness.run { api in
            _ = try await Self.fixture(harness, api)
            for agent in ["rh", "sre", "designer", "stranger"] {
                let browser = try await WebBrowser.signedIn(api, as: agent)
                let page = try await browser.get("/supervision")
                let (status, html) = (page.status, page.html)
                #expect(status == 403, "\(agent)")
                #expect(html.contains("<h1>") && !html.contains("table id=\"stuck\""), "\(agent)")
                #expect(!html.contains("href=\"/supervision\""), "\(agent) sees the link")
            }
            let visitor = try await api.client.execute(uri: "/supervision", method: .get)
            #expect(visitor.status == .seeOther && visitor.headers[.location]?.hasPrefix("/login") == true)
        }
    }

    @Test("SVGBarChart escapes every label and title, and draws one bar segment per value")
    func chartEscapes() {
        let chart = SVGBarChart(id: "c\"x", title: "Titre <b>", description: "a & b",
                                series: [.init(name: "<i>ouvertes</i>", style: "alert", fill: "#b3261e"),
                                         .init(name: "résolues", style: "", fill: "#000091")],
                                bars: [.init(label: "<script>alert(\"x\")</script>", values: [2, 1]),
                                       .init(label: String(repeating: "é", count: 200), values: [0, 3])]).svg
        #expect(!chart.contains("<script") && !chart.contains("<b>") && !chart.contains("<i>"))
        #expect(chart.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"))
        #expect(chart.contains("<title id=\"c&quot;x-title\">Titre &lt;b&gt;</title>"))
        #expect(chart.contains("<desc id=\"c&quot;x-desc\">a &amp; b</desc>"))
        #expect(chart.hasPrefix("<svg class=\"chart\"") && chart.contains("role=\"img\""))
        #expect(chart.matches(of: /<rect class="bar [a-z]*" fill="[^"]+" x="[0-9.]+"/).count == 3)
        #expect(chart.contains("…"))
    }

    @Test("the page lists the endpoints of its workflows' agencies, a disabled one with its reason; not another workflow's")
    func webhookEndpoints() async throws {
        let harness = try await APIHarness.make("web-supervision-hooks")
        defer { harness.database.close() }
        try await harness.run { api in
            let catalog = WorkflowCatalog(WorkflowRepository(harness.database))
            let registry = WebhookRegistry(database: harness.database, catalog: catalog)
            let key = SecretsKey(.init(size: .bits256))
            let policy = WebhookAddressPolicy(allowedHosts: ["127.0.0.1"])
            let cnracl = try await registry.add(agency: "cnracl", roles: [], url: "http://127.0.0.1:9/cnracl", types: nil, policy: policy, key: key, by: "cli:test")
            let ants = try await registry.add(agency: "ants", roles: [], url: "http://127.0.0.1:9/ants", types: nil, policy: policy, key: key, by: "cli:test")
            #expect(try await WebhookStore(harness.database).disable(cnracl.id, reason: "failing since hier: HTTP 500"))
            let html = try await WebBrowser.signedIn(api, as: "coord").get("/supervision").html
            #expect(html.contains("<tr data-webhook=\"\(cnracl.id)\" data-status=\"disabled\">"))
            #expect(html.contains("failing since hier: HTTP 500"))
            #expect(!html.contains("data-webhook=\"\(ants.id)\""), "the passport's agencies are not the coordinator's to see")
        }
    }
}
