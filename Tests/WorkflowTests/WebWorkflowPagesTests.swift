import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Workflow
@testable import WorkflowServer

/// The workflow pages and the designer's pages: the list and the diagrams show only the
/// workflows the agent may know (the API's rule), `?case=` only a case the agent may know,
/// any agent may check a file, only designers publish.
@Suite("Web: workflows and designer pages")
struct WebWorkflowPagesTests {
    static let dotInstalled = FileManager.default.isExecutableFile(atPath: "/usr/bin/dot")

    @Test("the list shows the workflows the agent may know, each version linking to its page")
    func list() async throws {
        let harness = try await APIHarness.make("web-workflows-list")
        defer { harness.database.close() }
        try await harness.run { api in
            let rh = try await WebBrowser.signedIn(api, as: "rh")
            let page = try await rh.get("/workflows")
            #expect(page.status == 200)
            #expect(page.html.contains("id=\"workflows\""))
            #expect(page.html.contains("data-workflow=\"retraite-multi-statuts\" data-version=\"1\""))
            #expect(page.html.contains("href=\"/workflows/retraite-multi-statuts/1\""))
            #expect(!page.html.contains("data-workflow=\"passeport-identite\""), "rh may not know the passport's cases")

            let designer = try await WebBrowser.signedIn(api, as: "designer")
            let all = try await designer.get("/workflows")
            for example in ["retraite-multi-statuts", "passeport-identite", "bourse-sur-criteres-sociaux"] {
                #expect(all.html.contains("data-workflow=\"\(example)\" data-version=\"1\""), "the designer sees \(example)")
            }

            let stranger = try await WebBrowser.signedIn(api, as: "stranger")
            #expect(!(try await stranger.get("/workflows")).html.contains("data-workflow="))
            #expect((try await stranger.get("/workflows/retraite-multi-statuts/1")).status == 404)
            #expect((try await rh.get("/workflows/passeport-identite/1")).status == 404)
            #expect((try await rh.get("/workflows/retraite-multi-statuts/9")).status == 404)
            #expect((try await rh.get("/workflows/retraite-multi-statuts")).location == "/workflows/retraite-multi-statuts/1")
        }
    }

    @Test("a version's page has its states, the agent's queues and the diagram drawn by Graphviz")
    func diagram() async throws {
        let harness = try await APIHarness.make("web-workflows-diagram")
        defer { harness.database.close() }
        try await harness.run { api in
            let rh = try await WebBrowser.signedIn(api, as: "rh")
            let page = try await rh.get("/workflows/retraite-multi-statuts/1")
            #expect(page.status == 200)
            #expect(page.html.contains("<figure id=\"diagram\">"))
            #expect(page.html.contains("data-state=\"controle-dossier\""), "the states as text")
            #expect(page.html.contains("/inbox?queue=rh-carriere"), "rh's queue in this workflow")
            if Self.dotInstalled {
                #expect(page.html.contains("<svg role=\"img\" aria-label=\""))
                #expect(!page.html.contains("<?xml") && !page.html.contains("<!DOCTYPE svg"))
            } else {
                #expect(page.html.contains("digraph workflow"), "without Graphviz, the DOT source")
            }
        }
    }

    @Test("?case= highlights where a case the agent may know stands; another's case is not found")
    func caseHighlight() async throws {
        let harness = try await APIHarness.make("web-workflows-case")
        defer { harness.database.close() }
        try await harness.run { api in
            let id = try await WebCasePagesTests.caseWithTracks(api)
            let passport = try await api.send(.post, "/api/v1/cases", as: "mairie",
                                              json: ["workflow": "passeport-identite", "data": try APICaseFlowTests.example("passeport")])
            let passportID = try #require(passport["id"]?.stringValue)

            let rh = try await WebBrowser.signedIn(api, as: "rh")
            let page = try await rh.get("/workflows/retraite-multi-statuts/1?case=\(id)")
            #expect(page.status == 200)
            #expect(page.html.contains("id=\"case-position\""))
            #expect(page.html.contains("<li data-state=\"instruction-parts\" class=\"here\">"))
            #expect(page.html.contains("<li data-state=\"instruction-part-sre\" class=\"here\">"), "the states of its tracks too")
            #expect(!page.html.contains("<li data-state=\"depot\" class=\"here\">"))
            if Self.dotInstalled {
                #expect(page.html.contains("stroke=\"#000091\""), "the highlighted nodes drawn")
            }
            // Another agency's case, an unknown case, a malformed id: not found, the same page.
            #expect((try await rh.get("/workflows/retraite-multi-statuts/1?case=\(passportID)")).status == 404)
            #expect((try await rh.get("/workflows/retraite-multi-statuts/1?case=\(UUID())")).status == 404)
            #expect((try await rh.get("/workflows/retraite-multi-statuts/1?case=nope")).status == 404)
            // The designer knows the workflow, not its cases.
            let designer = try await WebBrowser.signedIn(api, as: "designer")
            #expect((try await designer.get("/workflows/retraite-multi-statuts/1")).status == 200)
            #expect((try await designer.get("/workflows/retraite-multi-statuts/1?case=\(id)")).status == 404)
        }
    }

    @Test("checking a broken file shows each diagnostic against its numbered line; no publishing for a non-designer")
    func validate() async throws {
        let harness = try await APIHarness.make("web-designer-validate")
        defer { harness.database.close() }
        try await harness.run { api in
            let rh = try await WebBrowser.signedIn(api, as: "rh")
            let form = try await rh.get("/designer/validate")
            #expect(form.status == 200)
            #expect(form.html.contains("id=\"validate\"") && form.html.contains("enctype=\"multipart/form-data\""))
            let source = try Self.passport().replacingOccurrences(of: "\nstart: ", with: "\nstart: nulle-part-X\nold_start: ")
            let broken = try #require(source.split(separator: "\n", omittingEmptySubsequences: false)
                .firstIndex { $0.hasPrefix("start: nulle-part-X") }) + 1
            // The file wins over the text area.
            let answer = try await rh.postMultipart("/designer/validate", ["source": "id: other\n", "file": source])
            #expect(answer.status == 200)
            #expect(answer.html.contains("data-valid=\"false\""))
            #expect(answer.html.contains("class=\"diagnostic error\"") && answer.html.contains("data-line=\"\(broken)\""))
            #expect(answer.html.contains("<li id=\"L\(broken)\" class=\"has-diagnostic error\">"))
            #expect(answer.html.contains("href=\"#L\(broken)\""))
            #expect(answer.html.contains("<ol id=\"source\""))
            #expect(!answer.html.contains("name=\"publish\""), "only designers see the publish button")

            let fine = try await rh.postMultipart("/designer/validate", ["source": try Self.passport(), "file": ""])
            #expect(fine.html.contains("data-valid=\"true\""))
            // A non-designer's publish is refused, whatever the file.
            let publish = try await rh.post("/designer/publish", ["source": try Self.passport().replacingOccurrences(of: "\nversion: 1", with: "\nversion: 2")])
            #expect(publish.status == 403)
            #expect(try await harness.services.repository.list().filter { $0.id == "passeport-identite" }.count == 1)
        }
    }

    @Test("a designer publishes a new version; a version taken by another file and a broken file are refused")
    func publish() async throws {
        let harness = try await APIHarness.make("web-designer-publish")
        defer { harness.database.close() }
        try await harness.run { api in
            let designer = try await WebBrowser.signedIn(api, as: "designer")
            let version2 = try Self.passport().replacingOccurrences(of: "\nversion: 1", with: "\nversion: 2")
            let checked = try await designer.postMultipart("/designer/validate", ["source": version2])
            #expect(checked.html.contains("data-valid=\"true\"") && checked.html.contains("name=\"publish\""))
            // The browser sends the text area's lines ended by CR LF.
            let published = try await designer.post("/designer/publish", ["source": version2.replacingOccurrences(of: "\n", with: "\r\n"), "publish": "1"])
            #expect(published.status == 303)
            #expect(published.location == "/workflows/passeport-identite/2")
            let stored = try await harness.services.repository.source(id: "passeport-identite", version: 2)
            #expect(stored.source == version2)
            #expect((try await designer.get("/workflows")).html.contains("data-workflow=\"passeport-identite\" data-version=\"2\""))
            // The same file again is nothing new; another file under the same version is refused.
            #expect((try await designer.post("/designer/publish", ["source": version2])).status == 303)
            let taken = try await designer.post("/designer/publish", ["source": version2.replacingOccurrences(of: "\ntitle: ", with: "\ntitle: Nouveau ")])
            #expect(taken.status == 409)
            #expect(taken.html.contains("class=\"refusal\" role=\"alert\""))
            let broken = try await designer.post("/designer/publish", ["source": version2.replacingOccurrences(of: "\nversion: 2", with: "\nversion: 3\nstart: nulle-part")])
            #expect(broken.status == 422)
            #expect(broken.html.contains("class=\"diagnostic error\""))
            #expect(try await harness.services.repository.list().filter { $0.id == "passeport-identite" }.map(\.version) == [1, 2])
        }
    }

    @Test("the diagram's DOT marks the highlighted nodes only")
    func highlightedDot() throws {
        let document = WorkflowDocument.parse(try Self.passport())
        let definition = try #require(document.definition)
        let ids = WorkflowDiagram.positionIDs(state: definition.start.value, tracks: [])
        let dot = WorkflowDiagram(definition).dot(highlighted: ids)
        let marked = dot.split(separator: "\n").filter { $0.contains("penwidth=3") }
        #expect(marked.count == 1)
        #expect(marked.first?.contains("\"s:\(definition.start.value)\"") == true)
        #expect(!WorkflowDiagram(definition).dot().contains("penwidth=3"))
    }

    static func passport() throws -> String {
        try String(contentsOf: Repository.file("workflows/passeport-identite.yaml"), encoding: .utf8)
    }
}
