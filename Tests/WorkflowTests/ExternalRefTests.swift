import Foundation
import Testing
@testable import Workflow

/// Another administration's system names a case by its own file number.
@Suite("External references: a case named by an agency's own number")
struct ExternalRefTests {
    @Test("the CNRACL sets its reference, reads and acts on the case by it; others cannot use it; one reference names one case")
    func byReference() async throws {
        let harness = try await APIHarness.make("external-refs")
        defer { harness.database.close() }
        try await harness.run { api in
            func newCase() async throws -> String {
                let created = try await api.send(.post, "/api/v1/cases", as: "rh",
                                                 json: ["workflow": "retraite-multi-statuts", "data": try APICaseFlowTests.example("retraite")])
                let id = try #require(created["id"]?.stringValue)
                _ = try await api.send(.post, "/api/v1/cases/\(id)/events", as: "rh",
                                       json: ["action": "deposer", "data": try APICaseFlowTests.example("retraite-depot")])
                return id
            }
            let id = try await newCase()
            let set = try await api.send(.put, "/api/v1/cases/\(id)/external-ref", as: "cnracl", json: ["ref": "CNR-2026-000123"])
            #expect(set.status == 200 && set["external_refs"]?.value(at: "cnracl") == "CNR-2026-000123", "\(set.json)")

            let read = try await api.send(.get, "/api/v1/cases/by-ref/cnracl/CNR-2026-000123", as: "cnracl")
            #expect(read.status == 200 && read["id"]?.stringValue == id)
            // The SRE knows the case and may address it by the CNRACL's number too.
            #expect(try await api.send(.get, "/api/v1/cases/by-ref/cnracl/CNR-2026-000123", as: "sre")["id"]?.stringValue == id)
            // An agency outside the workflow gets the answer of no such reference.
            let stranger = try await api.send(.get, "/api/v1/cases/by-ref/cnracl/CNR-2026-000123", as: "mairie")
            let nothing = try await api.send(.get, "/api/v1/cases/by-ref/cnracl/CNR-2026-999999", as: "mairie")
            #expect(stranger.status == 404 && nothing.status == 404 && stranger["detail"] != nil)

            let acted = try await api.send(.post, "/api/v1/cases/by-ref/cnracl/CNR-2026-000123/events", as: "cnracl",
                                           json: ["action": "valider-part", "track": "cnracl", "data": try APICaseFlowTests.example("retraite-cnracl")])
            #expect(acted.status == 200 && acted["id"]?.stringValue == id, "\(acted.json)")

            let other = try await newCase()
            let taken = try await api.send(.put, "/api/v1/cases/\(other)/external-ref", as: "cnracl", json: ["ref": "CNR-2026-000123"])
            #expect(taken.status == 409, "\(taken.json)")
            let blank = try await api.send(.put, "/api/v1/cases/\(other)/external-ref", as: "cnracl", json: ["ref": "  "])
            #expect(blank.status == 422 || blank.status == 400, "\(blank.json)")

            let history = try await api.send(.get, "/api/v1/cases/\(id)/history", as: "rh")
            #expect(history["items"]?.arrayValue?.contains { $0.value(at: "event") == "external-ref-set" } == true)
        }
    }
}
