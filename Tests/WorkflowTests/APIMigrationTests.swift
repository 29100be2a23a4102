import Foundation
import Logging
import Testing
@testable import Workflow
@testable import WorkflowServer

/// The API's migration: the diff of two versions, a designer's dry run then confirmation,
/// and the refusals, as problems naming every problem.
@Suite("API: moving cases to a new version")
struct APIMigrationTests {
    @Test("a designer sees the diff, gets a dry run by default, then confirms; an agent is refused; a bad mapping is a 400 with every problem")
    func dryRunThenConfirm() async throws {
        let harness = try await APIHarness.make("api-migration")
        defer { harness.database.close() }
        let v2 = try String(contentsOf: Repository.file("docs/examples/retraite-multi-statuts-v2.yaml"), encoding: .utf8)
        try await harness.run { api in
            let data = try APICaseFlowTests.example("retraite")
            let caseID = try #require(try await api.send(.post, "/api/v1/cases", as: "rh",
                                                         json: ["workflow": "retraite-multi-statuts", "data": data])["id"]?.stringValue)
            let published = try await api.send(.post, "/api/v1/workflows", as: "designer", raw: v2, contentType: "application/yaml")
            #expect(published.status == 201)

            let diff = try await api.send(.get, "/api/v1/workflows/retraite-multi-statuts/diff?from=1&to=2", as: "designer")
            #expect(diff.status == 200 && diff["identical"] == false)
            #expect(diff["changes"]?.arrayValue?.contains { $0.value(at: "name")?.stringValue == "avis-medical" } == true)
            #expect(try await api.send(.get, "/api/v1/workflows/retraite-multi-statuts/diff?from=1", as: "designer").status == 400)

            let body: JSONValue = ["to_version": 2, "map": ["expertise-medicale": "avis-medical"]]
            #expect(try await api.send(.post, "/api/v1/workflows/retraite-multi-statuts/migrations", as: "rh", json: body).status == 403)
            let bad = try await api.send(.post, "/api/v1/workflows/retraite-multi-statuts/migrations", as: "designer",
                                         json: ["to_version": 2, "map": ["expertise-medicale": "nulle-part", "inconnu": "depot"]])
            #expect(bad.status == 400 && bad["errors"]?.arrayValue?.count == 2)

            // A supervisor who knows the workflow's cases may too; a dry run by default.
            #expect(try await api.send(.post, "/api/v1/workflows/retraite-multi-statuts/migrations", as: "coord", json: body)["dry_run"] == true)
            let dry = try await api.send(.post, "/api/v1/workflows/retraite-multi-statuts/migrations", as: "designer", json: body)
            #expect(dry.status == 200 && dry["dry_run"] == true && dry["counts.fits"]?.numberValue?.int == 1)
            let unchanged = try await api.send(.get, "/api/v1/cases/\(caseID)", as: "rh")
            #expect(unchanged["workflow_version"]?.numberValue?.int == 1)

            var confirm = body
            try confirm.setValue(false, at: "dry_run")
            let done = try await api.send(.post, "/api/v1/workflows/retraite-multi-statuts/migrations", as: "designer", json: confirm)
            #expect(done.status == 200 && done["counts.migrated"]?.numberValue?.int == 1 && done["remaining"]?.numberValue?.int == 0)
            #expect(done["after"]?.isNull == true)
            // A continuation names where to go on from; a bad one is refused.
            var next = confirm
            try next.setValue(JSONValue.string(caseID), at: "after")
            let after = try await api.send(.post, "/api/v1/workflows/retraite-multi-statuts/migrations", as: "designer", json: next)
            #expect(after.status == 200 && after["cases"]?.arrayValue?.isEmpty == true)
            try next.setValue("plus-loin", at: "after")
            #expect(try await api.send(.post, "/api/v1/workflows/retraite-multi-statuts/migrations", as: "designer", json: next).status == 400)
            let moved = try await api.send(.get, "/api/v1/cases/\(caseID)", as: "rh")
            #expect(moved["workflow_version"]?.numberValue?.int == 2)
        }
        #expect(try await OwnerInvariant(harness.database).casesWithoutOwner() == [])
    }

    @Test("a case that does not fit is escalated; the escalation queue's agent settles it into the new version with a justification")
    func misfitSettled() async throws {
        let harness = try await APIHarness.make("api-migration-misfit")
        defer { harness.database.close() }
        let v2 = try String(contentsOf: Repository.file("docs/examples/retraite-multi-statuts-v2.yaml"), encoding: .utf8)
        try await harness.run { api in
            // Contract years: an IRCANTEC track, which version 2 hands to a track of another name.
            let caseID = try #require(try await api.send(.post, "/api/v1/cases", as: "rh", json: [
                "workflow": "retraite-multi-statuts", "data": try APICaseFlowTests.example("retraite")])["id"]?.stringValue)
            let deposited = try await api.send(.post, "/api/v1/cases/\(caseID)/events", as: "rh",
                                               json: ["action": "deposer", "data": try APICaseFlowTests.example("retraite-depot")])
            #expect(deposited["tracks"]?.arrayValue?.contains { $0.value(at: "track") == "ircantec" } == true)
            _ = try await api.send(.post, "/api/v1/workflows", as: "designer", raw: v2, contentType: "application/yaml")
            let done = try await api.send(.post, "/api/v1/workflows/retraite-multi-statuts/migrations", as: "designer",
                                          json: ["to_version": 2, "dry_run": false])
            #expect(done["counts.misfit"]?.numberValue?.int == 1)
            #expect(done["cases"]?.arrayValue?.first?.value(at: "reasons")?.arrayValue?.first?.value(at: "code") == "track-missing")

            let path = "/api/v1/cases/\(caseID)/migrate"
            #expect(try await api.send(.post, path, as: "rh", json: ["to_version": 2, "state": "instruction-parts", "note": "x"]).status == 403)
            let noNote = try await api.send(.post, path, as: "cellule", json: ["to_version": 2, "state": "instruction-parts"])
            #expect(noNote.status == 422 && noNote["code"] == "note-required")
            func pointers(_ answer: APIResponse) -> Set<String> {
                Set(answer["errors"]?.arrayValue?.compactMap { $0.value(at: "pointer")?.stringValue } ?? [])
            }
            let refusedRH = try await api.send(.post, path, as: "rh", json: ["to_version": 2, "state": "instruction-parts", "note": "x"])
            #expect(refusedRH["detail"]?.stringValue?.contains("agents of the queue") == true)
            // Every problem at once, with its pointer.
            let empty = try await api.send(.post, path, as: "cellule", json: [:])
            #expect(empty.status == 400 && pointers(empty) == ["/to_version", "/state"])
            let badState = try await api.send(.post, path, as: "cellule", json: ["to_version": 2, "state": "nulle-part"])
            #expect(badState.status == 422 && pointers(badState) == ["/state", "/note"])
            let badVersion = try await api.send(.post, path, as: "cellule", json: ["to_version": 9, "state": "nulle-part"])
            #expect(badVersion.status == 404 && pointers(badVersion) == ["/to_version", "/note"])
            // The migrations: the unknown version and the mapping's problems together; a plain
            // agent gets the same answer for an unknown version as for an existing one.
            let migrations = "/api/v1/workflows/retraite-multi-statuts/migrations"
            let both = try await api.send(.post, migrations, as: "designer", json: ["to_version": 9, "map": ["inconnu": "depot"]])
            #expect(both.status == 404 && both["errors"]?.arrayValue?.count == 2)
            let unknownForRH = try await api.send(.post, migrations, as: "rh", json: ["to_version": 9])
            let knownForRH = try await api.send(.post, migrations, as: "rh", json: ["to_version": 2])
            #expect(unknownForRH.status == 403 && knownForRH.status == 403)
            let settled = try await api.send(.post, path, as: "cellule",
                                             json: ["to_version": 2, "state": "instruction-parts", "note": "part IRCANTEC reprise"])
            #expect(settled.status == 200 && settled["workflow_version"]?.numberValue?.int == 2)
            #expect(settled["tracks"]?.arrayValue?.contains { $0.value(at: "track") == "complementaire" } == true)
        }
        #expect(try await OwnerInvariant(harness.database).casesWithoutOwner() == [])
    }

    @Test("a request past its deadline is not said to be a database that is unavailable")
    func deadlineNotDatabase() {
        let logger = Logger(label: "test")
        let timeout = ProblemMiddleware.problem(for: StoreError(.unavailable, "the page got no answer within 10.0 seconds"), logger: logger)
        #expect(timeout.status == .serviceUnavailable && !timeout.detail.contains("database is unavailable"))
        #expect(timeout.detail.contains("time limit"))
        let down = ProblemMiddleware.problem(for: StoreError(.unavailable, "connection refused"), logger: logger)
        #expect(down.detail.contains("database is unavailable"))
    }
}
