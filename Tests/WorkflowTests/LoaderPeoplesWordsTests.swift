import Testing
@testable import Workflow

/// `label` on fields and actions, `summary` at the top: the words people read.
@Suite("Loader: people's words")
struct LoaderPeoplesWordsTests {
    static func workflow(summary: String = "[usager.nom, usager.date_naissance]",
                         fieldLabel: String = "\"Nom de naissance\"", actionLabel: String = "\"Accorder la demande\"") -> String {
        """
        id: mots
        version: 1
        agencies:
          mairie: { name: Mairie }
        roles:
          agent: { agency: mairie }
        queues:
          accueil: { role: agent, sla: 5d }
        fields:
          usager.nom: { type: string, label: \(fieldLabel) }
          usager.date_naissance: { type: date }
        summary: \(summary)
        escalation: { queue: accueil }
        start: examen
        states:
          examen:
            queue: accueil
            on:
              accorder: { to: accorde, label: \(actionLabel) }
              refuser: { to: refuse }
          accorde: { final: true, outcome: accepted }
          refuse: { final: true, outcome: rejected }
        """
    }

    @Test("labels and summary are read; the id stands where there is no label")
    func good() throws {
        let document = WorkflowDocument.parse(Self.workflow())
        #expect(document.lines == [])
        let definition = try #require(document.definition)
        #expect(definition.field("usager.nom")?.label == "Nom de naissance")
        #expect(definition.label(ofField: "usager.nom") == "Nom de naissance")
        #expect(definition.label(ofField: "usager.date_naissance") == "usager.date_naissance")
        #expect(definition.summary.map(\.value) == ["usager.nom", "usager.date_naissance"])
        let actions = try #require(definition.state("examen")?.actions)
        #expect(actions.first { $0.action.value == "accorder" }?.label == "Accorder la demande")
        #expect(actions.first { $0.action.value == "refuser" }?.label == nil)
    }

    @Test("an empty label is refused at its place")
    func emptyLabel() {
        let document = WorkflowDocument.parse(Self.workflow(fieldLabel: "\"\""))
        #expect(!document.isValid)
        #expect(document.lines.contains { $0.hasPrefix("10:38: error: the 'label' of field 'usager.nom' is empty") }, "\(document.lines)")
    }

    @Test("a label that is not text is refused")
    func labelNotText() {
        let document = WorkflowDocument.parse(Self.workflow(actionLabel: "{ fr: Accorder }"))
        #expect(!document.isValid)
        #expect(document.lines.contains { $0.hasPrefix("19:39: error: the 'label' of action 'accorder' must be a single value") }, "\(document.lines)")
    }

    @Test("a summary path that is no declared field is refused at its place, with the closest field")
    func unknownSummaryPath() {
        let document = WorkflowDocument.parse(Self.workflow(summary: "[usager.nom, usager.date_naisance]"))
        #expect(!document.isValid)
        #expect(document.lines.contains {
            $0.hasPrefix("12:23: error: 'summary' names unknown field 'usager.date_naisance'; did you mean 'usager.date_naissance'?")
        }, "\(document.lines)")
    }
}
