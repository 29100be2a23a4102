import Foundation
import Testing
@testable import Workflow

/// Requests to other administrations in the engine: opened with the state, answered, a newer
/// version, refused, late, and the citizen's consent given, refused and revoked midway. The
/// driver checks the owner invariant after every change.
@Suite("Engine: requests to other administrations")
struct EngineRequestTests {
    typealias W = RequestWorkflow
    static let acte = EngineFixtures.document("acte-naissance", issuer: "etat-civil")
    static let avis = EngineFixtures.document("avis-imposition", issuer: "dgfip")

    @Test("entering the state sends the request that needs no consent and withholds the other, explicitly")
    func opening() throws {
        let driver = try W.driver()
        let acte = try driver.run("acte")
        #expect(acte.status == .sent && acte.agency == "etat-civil" && acte.field == "pieces.acte_naissance")
        let timer = try #require(driver.snapshot.timers.first { $0.id == acte.id })
        #expect(timer.kind == .request && timer.state == "instruction")
        #expect(acte.dueAt == timer.dueAt && timer.dueAt > driver.now)
        let avis = try driver.run("avis-imposition")
        #expect(avis.status == .withheld && avis.askedCitizen && avis.dueAt == nil)
        #expect(!driver.snapshot.timers.contains { $0.id == avis.id })
        let history = driver.lastChange.history
        #expect(history.contains { $0.event == "request-opened" && $0.name == "acte" })
        let withheld = try #require(history.first { $0.event == "request-withheld" })
        #expect(withheld.reason == "the citizen has not consented to this request")
        let fallback = try #require(history.first { $0.event == "request-fallback" && $0.name == "avis-imposition" })
        #expect(fallback.reason?.contains("the citizen is asked to provide 'pieces.avis_imposition'") == true)
        #expect(driver.lastChange.whoseMove.contains("usager"))
        let opened = driver.lastChange.events.filter { $0.kind == .requestOpened }
        #expect(opened.count == 1)
        #expect(opened.first?.payload.value(at: "request.request") == "acte")
        #expect(driver.lastChange.requests.count == 2)
    }

    @Test("an answer fills the field, closes the request, lets the guard see it, and is an event")
    func answering() throws {
        var driver = try W.driver()
        let run = try driver.run("acte")
        #expect(driver.refusal(.action(name: "accorder", data: nil, track: nil), by: W.gestionnaire) != nil)
        let refused = driver.refusal(.answerRequest(id: run.id, answer: .value(Self.acte)), by: W.dgfip)
        #expect(refused?.code == .notAllowed)
        // A document issued by another than the agency answering is not its answer.
        let forged = driver.refusal(.answerRequest(id: run.id, answer: .value(Self.avis)), by: W.etatCivil)
        #expect(forged?.code == .invalidData && forged?.message.contains("'issuer' is 'dgfip'") == true)
        // What is wrong with a document, all at once.
        let partial = driver.refusal(.answerRequest(id: run.id, answer: .value(["name": "a.pdf", "sha256": "zz", "extra": 1])), by: W.etatCivil)
        let said = partial?.fieldProblems.map(\.message).joined() ?? partial?.message ?? ""
        for part in ["'extra' is not a member", "needs 'type'", "needs 'issuer'", "'sha256' must be 64 hexadecimal digits", "needs 'size'"] {
            #expect(said.contains(part), "\(part) not in \(said)")
        }
        // A wrong issuer is said with the rest.
        let both = driver.refusal(.answerRequest(id: run.id, answer: .value(["issuer": "crous", "name": ""])), by: W.etatCivil)
        let all = both?.fieldProblems.map(\.message) ?? []
        #expect(all.count == 2 && all[0].contains("'issuer' is 'crous'") && all[1].contains("needs 'type'"), "\(all)")
        let change = try driver.apply(.answerRequest(id: run.id, answer: .value(Self.acte)), by: W.etatCivil)
        #expect(driver.snapshot.data.value(at: "pieces.acte_naissance") == Self.acte)
        let answered = try driver.run("acte")
        #expect(answered.status == .answered && answered.versions == 1 && answered.closedAt == driver.now)
        #expect(!driver.snapshot.timers.contains { $0.id == run.id })
        #expect(change.events.map(\.kind) == [.requestAnswered])
        #expect(change.history.first { $0.event == "request-answered" }?.dataDiff != nil)
        #expect(change.requests.map(\.id) == [run.id])
        // The student provides the tax notice (the fallback asked them): the guard now holds.
        try driver.apply(.correctData(["pieces": ["avis_imposition": Self.avis]]))
        try driver.act("accorder", by: W.gestionnaire)
        #expect(driver.snapshot.status == .closed(outcome: "accepted"))
    }

    @Test("a later answer from the issuer replaces the value and is recorded as a new version")
    func newerVersion() throws {
        var driver = try W.driver()
        let run = try driver.run("acte")
        try driver.apply(.answerRequest(id: run.id, answer: .value(Self.acte)), by: W.etatCivil)
        var newer = Self.acte
        try newer.setValue("acte-naissance-2026.pdf", at: "name")
        driver.now += 3600
        let change = try driver.apply(.answerRequest(id: run.id, answer: .value(newer)), by: W.etatCivil)
        #expect(driver.snapshot.data.value(at: "pieces.acte_naissance") == newer)
        #expect(try driver.run("acte").versions == 2)
        let line = try #require(change.history.first { $0.event == "request-answered" })
        #expect(line.reason == "version 2 from the issuer replaces version 1")
        #expect(line.context?.value(at: "version") == 2)
        #expect(change.events.map(\.kind) == [.requestAnswered])
        // A refusal after an answer is not one: the issuer sends a newer version instead.
        #expect(driver.refusal(.answerRequest(id: run.id, answer: .refused("no")), by: W.etatCivil)?.code == .requestClosed)
    }

    @Test("consent given midway sends the withheld request; a refusal applies the fallback")
    func consentThenRefusal() throws {
        var driver = try W.driver()
        #expect(driver.refusal(.setConsent(request: "avis-imposition", granted: true), by: W.gestionnaire)?.code == .notAllowed)
        let change = try driver.apply(.setConsent(request: "avis-imposition", granted: true), by: Actors.citizen)
        #expect(change.history.map(\.event).prefix(2) == ["consent-given", "request-opened"])
        #expect(change.events.contains { $0.kind == .requestOpened })
        let run = try driver.run("avis-imposition")
        #expect(run.status == .sent && !run.askedCitizen)
        #expect(!change.whoseMove.contains("usager"))
        let refused = try driver.apply(.answerRequest(id: run.id, answer: .refused("no tax notice for 2025")), by: W.dgfip)
        #expect(try driver.run("avis-imposition").status == .refused)
        #expect(try driver.run("avis-imposition").askedCitizen)
        #expect(refused.history.map(\.event).contains("request-fallback"))
        #expect(refused.whoseMove.contains("usager"))
        #expect(driver.snapshot.state == "instruction")
        #expect(driver.refusal(.answerRequest(id: run.id, answer: .value(Self.avis)), by: W.dgfip)?.code == .requestClosed)
    }

    @Test("a request whose sla passes applies its on_timeout: a state (it expires), or an escalation (still awaited, late)")
    func timeout() throws {
        var driver = try W.driver()
        try driver.apply(.setConsent(request: "avis-imposition", granted: true), by: Actors.citizen)
        let avis = try driver.run("avis-imposition")
        let acte = try driver.run("acte")
        driver.now = try #require(avis.dueAt)
        let change = try driver.apply(.timerFired(timerID: avis.id), by: .engine)
        #expect(try driver.run("avis-imposition").status == .expired)
        #expect(try driver.run("avis-imposition").reason == "no answer from dgfip within 10d")
        #expect(driver.snapshot.state == "relance")
        // Leaving the state stops the other request, unanswered.
        #expect(try driver.run("acte").status == .cancelled)
        #expect(!driver.snapshot.timers.contains { $0.id == acte.id })
        #expect(change.history.map(\.event).contains("request-expired"))

        // What a fallback asked of the student belongs to the state: once left, they are asked nothing.
        var asked = try W.driver()
        #expect(asked.lastChange.whoseMove.contains("usager"))
        let moved = try asked.apply(.override(state: "relance", track: nil), by: Actors.operatorUser, note: "dossier repris")
        #expect(!moved.whoseMove.contains("usager") && asked.snapshot.requests.allSatisfy { !$0.askedCitizen })

        var other = try W.driver()
        let late = try other.run("acte")
        other.now = try #require(late.dueAt)
        let overdue = try other.apply(.timerFired(timerID: late.id), by: .engine)
        #expect(try other.run("acte").status == .sent)
        #expect(overdue.history.first { $0.event == "request-overdue" }?.reason == "no answer from etat-civil within 15d; still awaited")
        #expect(other.escalations == ["piece-non-recue"])
        #expect(other.snapshot.state == "instruction")
        // The registry answers late: taken, as the escalation chased it for, which ends with it.
        let answeredLate = try other.apply(.answerRequest(id: late.id, answer: .value(Self.acte)), by: W.etatCivil)
        #expect(try other.run("acte").status == .answered)
        #expect(other.escalations.isEmpty)
        #expect(answeredLate.closedTasks.map(\.resolution) == ["the etat-civil answered request 'acte'"])

        // A timeout that asks the person keeps the request open too: whoever provides it first.
        let askText = W.text.replacingOccurrences(of: "    on_timeout: { escalate: piece-non-recue }\n", with: "")
        #expect(askText != W.text)
        var asked2 = try CaseDriver(EngineFixtures.workflow(askText), data: ["nom": "Durand"])
        let run = try asked2.run("acte")
        asked2.now = try #require(run.dueAt)
        let change2 = try asked2.apply(.timerFired(timerID: run.id), by: .engine)
        #expect(try asked2.run("acte").status == .sent && (try asked2.run("acte").askedCitizen))
        #expect(change2.whoseMove.contains("usager"))
        try asked2.apply(.answerRequest(id: run.id, answer: .value(Self.acte)), by: W.etatCivil)
        #expect(!asked2.snapshot.stillAsksCitizen(try asked2.run("acte")))
    }

    @Test("a withheld request ends with its state: consent given after a return sends one request, not one per stay")
    func withheldEndsWithState() throws {
        var driver = try W.driver()
        let first = try driver.run("avis-imposition")
        #expect(first.status == .withheld)
        try driver.apply(.override(state: "relance", track: nil), by: Actors.operatorUser, note: "dossier repris")
        #expect(driver.snapshot.requests.first { $0.id == first.id }?.status == .cancelled)
        try driver.apply(.action(name: "reprendre", data: nil, track: nil), by: W.gestionnaire)
        #expect(driver.snapshot.requests.filter { $0.request == "avis-imposition" && $0.status == .withheld }.count == 1)
        let change = try driver.apply(.setConsent(request: "avis-imposition", granted: true), by: Actors.citizen)
        #expect(change.events.filter { $0.kind == .requestOpened }.count == 1)
        #expect(driver.snapshot.requests.filter { $0.request == "avis-imposition" && $0.status == .sent }.count == 1)
    }

    @Test("revoking consent stops the request not yet answered, keeps what was received, and is recorded")
    func revocation() throws {
        var driver = try W.driver()
        try driver.apply(.setConsent(request: "avis-imposition", granted: true), by: Actors.citizen)
        let run = try driver.run("avis-imposition")
        let change = try driver.apply(.setConsent(request: "avis-imposition", granted: false), by: Actors.citizen)
        #expect(change.history.map(\.event).prefix(2) == ["consent-revoked", "request-stopped"])
        #expect(try driver.run("avis-imposition").status == .stopped)
        #expect(!driver.snapshot.timers.contains { $0.id == run.id })
        #expect(change.whoseMove.contains("usager"))
        #expect(driver.snapshot.consents["avis-imposition"]?.granted == false)
        #expect(driver.refusal(.answerRequest(id: run.id, answer: .value(Self.avis)), by: W.dgfip)?.code == .requestClosed)

        // Given again then answered, a revocation erases nothing received.
        var kept = try W.driver()
        try kept.apply(.setConsent(request: "avis-imposition", granted: true), by: Actors.citizen)
        let sent = try kept.run("avis-imposition")
        try kept.apply(.answerRequest(id: sent.id, answer: .value(Self.avis)), by: W.dgfip)
        let revoked = try kept.apply(.setConsent(request: "avis-imposition", granted: false), by: Actors.citizen)
        #expect(kept.snapshot.data.value(at: "pieces.avis_imposition") == Self.avis)
        #expect(try kept.run("avis-imposition").status == .answered)
        #expect(revoked.history.map(\.event) == ["consent-revoked"])
    }

    @Test("a consent to a request the workflow does not have is refused with a suggestion")
    func unknownRequest() throws {
        var driver = try W.driver()
        let refusal = driver.refusal(.setConsent(request: "avis-impositon", granted: true), by: Actors.citizen)
        #expect(refusal?.code == .unknownRequest)
        #expect(refusal?.message.contains("did you mean 'avis-imposition'?") == true)
        #expect(driver.refusal(.answerRequest(id: UUID(), answer: .refused("x")), by: W.dgfip)?.code == .unknownRequest)
    }

    @Test("an opinion is read by default by the requesting and the answering agencies only")
    func opinionVisibility() throws {
        let text = W.text
            .replacingOccurrences(of: "  pieces.acte_naissance: { type: document }\n",
                                  with: "  pieces.acte_naissance: { type: document }\n  avis.fiscal: { type: string }\n  avis.public: { type: string, visible_to: [crous, etat-civil] }\n")
            .replacingOccurrences(of: "requests:\n", with: """
                requests:
                  avis-fiscal: { to: dgfip, kind: opinion, provides: avis.fiscal, legal_basis: "CRPA L114-8", consent: not-required, sla: 10d, on_timeout: { escalate: piece-non-recue } }
                  avis-public: { to: dgfip, kind: opinion, provides: avis.public, legal_basis: "CRPA L114-8", consent: not-required, sla: 10d, on_timeout: { escalate: piece-non-recue } }

                """)
            .replacingOccurrences(of: "requests: [acte, avis-imposition]", with: "requests: [acte, avis-imposition, avis-fiscal, avis-public]")
        let definition = try EngineFixtures.workflow(text)
        let shown = definition.field("avis.fiscal")?.visibleTo.map(\.value.description)
        #expect(shown == ["dgfip", "crous"], "the agency asked, then the one whose state opens it; not the civil registry")
        #expect(definition.field("avis.public")?.visibleTo.map(\.value.description) == ["crous", "etat-civil"], "what the designer wrote stands")
        #expect(definition.field("pieces.acte_naissance")?.visibleTo.isEmpty == true, "a document keeps the ordinary default")
    }

    @Test("the student grant asks the tax administration for the tax notice only with the student's consent")
    func grantExample() throws {
        var driver = try CaseDriver(EngineFixtures.example("bourse-sur-criteres-sociaux"), data: EngineGrantTests.data)
        #expect(try driver.run("avis-imposition").status == .withheld)
        #expect(try driver.run("avis-imposition").askedCitizen, "without consent, the student uploads it")
        try driver.apply(.setConsent(request: "avis-imposition", granted: true), by: Actors.citizen)
        let run = try driver.run("avis-imposition")
        #expect(run.status == .sent && run.agency == "dgfip")
        let dgfip = Actors.agent("si", agency: "dgfip", roles: ["si-impots"])
        try driver.apply(.answerRequest(id: run.id, answer: .value(Self.avis)), by: dgfip)
        #expect(driver.snapshot.data.value(at: "pieces.avis_imposition") == Self.avis)
    }

    @Test("a fallback that leads back to its state through an automatic one is stopped and escalated, not looped")
    func fallbackLoop() throws {
        let text = W.text
            .replacingOccurrences(of: "    on_timeout: { to: relance }\n    fallback: { ask: usager }", with: "    on_timeout: { to: relance }\n    fallback: { to: tri }")
            .replacingOccurrences(of: "  relance:\n", with: "  tri:\n    choose:\n      - when: \"exists(nom)\"\n        to: instruction\n    otherwise: { to: relance }\n  relance:\n")
        let driver = try CaseDriver(try EngineFixtures.workflow(text), data: ["nom": "Durand"], maxAutomaticSteps: 10)
        #expect(driver.escalations == ["action-failed"])
        #expect(driver.snapshot.requests.count <= 2 * 11, "two requests per entry, at most one entry per automatic step")
    }
}
