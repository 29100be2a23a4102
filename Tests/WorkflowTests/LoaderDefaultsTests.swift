import Testing
@testable import Workflow

@Suite("Loader defaults")
struct LoaderDefaultsTests {
    static let workflow = """
        id: defaults
        version: 3
        agencies:
          mairie: { name: Mairie }
          prefecture: { name: Préfecture }
        roles:
          agent: { agency: mairie }
          chef: { agency: prefecture }
        queues:
          accueil: { role: agent, sla: 2d }
          sans-delai: { role: [chef, agent] }
        fields:
          dossier.note: { type: int, min: 0, max: 20 }
        escalation: { queue: accueil }
        global_actions:
          retrait: { to: retire }
        start: guichet
        states:
          guichet:
            queue: accueil
            on:
              envoyer: { to: tri }
          tri:
            choose:
              - when: 'dossier.note >= 10'
                to: controle
            otherwise: { to: attente }
          controle:
            queue: sans-delai
            on:
              ok: { to: parts, by: [chef, usager] }
          attente:
            waiting_on: usager
            after: [{ delay: 10bd, to: retire }]
            on:
              completer: { to: tri }
          parts:
            tracks:
              prefecture:
                agency: prefecture
                start: calcul
                states:
                  calcul:
                    choose: [{ when: 'dossier.note > 0', to: fait }]
                    otherwise: { to: fait }
                  fait: { final: true }
            next: fini
            sla: 1mo
          fini: { final: true, outcome: accepted }
          retire: { final: true, outcome: withdrawn }
        """

    static func load() throws -> WorkflowDefinition {
        let document = WorkflowDocument.parse(workflow)
        #expect(document.lines.allSatisfy { $0.contains("warning") }, "\(document.lines)")
        return try #require(document.definition)
    }

    @Test("waiting_on defaults: the queue's agency, engine, the track's agency")
    func waitingOn() throws {
        let definition = try Self.load()
        #expect(definition.state("guichet")?.waitingOn.value == "mairie")
        #expect(definition.state("tri")?.waitingOn.value == "engine")
        #expect(definition.state("controle")?.waitingOn.value == "prefecture")
        #expect(definition.state("attente")?.waitingOn.value == "usager")
        #expect(definition.state("parts")?.waitingOn.value == "engine")
        guard case .parallel(let parallel)? = definition.state("parts")?.kind else {
            Issue.record("parts is not parallel")
            return
        }
        #expect(parallel.join == .all)
        #expect(parallel.track("prefecture")?.state("calcul")?.waitingOn.value == "prefecture")
    }

    @Test("the default stall_after applies to a human state whose queue has no sla, with a warning")
    func defaultStall() throws {
        let document = WorkflowDocument.parse(Self.workflow)
        let definition = try #require(document.definition)
        #expect(definition.state("controle")?.usesDefaultStall == true)
        #expect(definition.state("guichet")?.usesDefaultStall == false)
        #expect(definition.state("attente")?.usesDefaultStall == false)
        #expect(definition.state("parts")?.usesDefaultStall == false)
        #expect(definition.defaultStallAfter == .days(30))
        #expect(document.lines.contains { $0.hasPrefix("28:3: warning: state 'controle' has no deadline") })
    }

    @Test("a deployment may configure its own default stall_after")
    func configuredStall() {
        let options = WorkflowLoader.Options(defaultStallAfter: .days(10))
        let document = WorkflowDocument.parse(Self.workflow, options: options)
        #expect(document.definition?.defaultStallAfter == .days(10))
        #expect(document.lines.contains { $0.contains("default stall_after of 10d") })
    }

    @Test("who may fire an action, by default and with 'by'")
    func firers() throws {
        let definition = try Self.load()
        let guichet = try #require(definition.state("guichet"))
        #expect(definition.firers(of: try #require(guichet.action("envoyer")), in: guichet) == .roles(["agent"], citizen: false))
        let controle = try #require(definition.state("controle"))
        #expect(definition.firers(of: try #require(controle.action("ok")), in: controle) == .roles(["chef"], citizen: true))
        let attente = try #require(definition.state("attente"))
        #expect(definition.firers(of: try #require(attente.action("completer")), in: attente) == .citizenOrCounter(agencies: ["mairie", "prefecture"]))
        let retrait = try #require(definition.globalActions.first)
        #expect(definition.firers(of: retrait, in: nil) == .citizenOrCounter(agencies: ["mairie", "prefecture"]))
    }

    @Test("ids and versions the database could not store are refused at load time")
    func storableIdentity() {
        let doubleDash = WorkflowDocument.parse(Self.workflow.replacingOccurrences(of: "id: defaults", with: "id: de--faults"))
        #expect(doubleDash.lines.contains { $0.hasPrefix("1:5: error: 'id' must be a slug") })
        let huge = WorkflowDocument.parse(Self.workflow.replacingOccurrences(of: "version: 3", with: "version: 4294967296"))
        #expect(huge.lines.contains { $0.hasPrefix("2:10: error: 'version' must be a positive whole number") })
    }

    @Test("the model keeps the position of every element")
    func positions() throws {
        let definition = try Self.load()
        #expect(definition.id.location == SourceLocation(line: 1, column: 5))
        #expect(definition.version.value == 3)
        #expect(definition.state("attente")?.id.location == SourceLocation(line: 32, column: 3))
        let exit = try #require(definition.state("attente")?.timedExits.first)
        #expect(exit.delay.value == .businessDays(10))
        #expect(exit.delay.location == SourceLocation(line: 34, column: 22))
        #expect(definition.field("dossier.note")?.maximum?.value == "20")
    }
}
