import Foundation
import Testing
@testable import Workflow
@testable import WorkflowServer

/// `GET /api/v1/cases?q=` as agents type it: a name without its accents or in capitals, the
/// short id the inbox shows; never beyond the cases and fields the agent may see.
@Suite("API: case search")
struct APICaseSearchTests {
    static func found(_ api: APIClient, _ query: String, as agent: String) async throws -> [String] {
        let listed = try await api.send(.get, "/api/v1/cases?q=\(query)", as: agent)
        #expect(listed.status == 200, "\(agent) q=\(query): \(listed.json)")
        return listed["items"]?.arrayValue?.compactMap { $0.value(at: "id")?.stringValue } ?? []
    }

    @Test("a name is found whatever its accents and case; a hidden field is still not searched")
    func accentsAndCase() async throws {
        let harness = try await APIHarness.make("api-search-accents")
        defer { harness.database.close() }
        try await harness.run { api in
            let id = try await APIAccessTests.invalidityCase(api)
            for query in ["lefevre", "LEFEVRE", "Lef%C3%A8vre", "LEF%C3%88VRE", "efe"] {
                #expect(try await Self.found(api, query, as: "rh") == [id], "q=\(query)")
            }
            #expect(try await Self.found(api, "lefebvre", as: "rh").isEmpty)
            // The medical report's name, in capitals: only the medical adviser may see it.
            #expect(try await Self.found(api, "RAPPORT.PDF", as: "rh").isEmpty)
            #expect(try await Self.found(api, "RAPPORT.PDF", as: "medecin") == [id])
            // LIKE's wildcards are searched as themselves.
            #expect(try await Self.found(api, "lef%25vre", as: "rh").isEmpty)
            #expect(try await Self.found(api, "lef_vre", as: "rh").isEmpty)
        }
    }

    @Test("the first 8 characters of an id find that case, with or without hyphens, only for agents who know it")
    func byShortID() async throws {
        let harness = try await APIHarness.make("api-search-id")
        defer { harness.database.close() }
        try await harness.run { api in
            let id = try await APIAccessTests.invalidityCase(api)
            let other = try await APIAccessTests.invalidityCase(api)
            let short = String(id.prefix(8))
            #expect(try await Self.found(api, short, as: "rh") == [id])
            #expect(try await Self.found(api, short.uppercased(), as: "rh") == [id])
            #expect(try await Self.found(api, String(id.prefix(13)), as: "rh") == [id], "with its hyphen")
            #expect(try await Self.found(api, id.replacingOccurrences(of: "-", with: ""), as: "rh") == [id], "without hyphens")
            #expect(try await Self.found(api, String(other.prefix(8)), as: "cnracl") == [other])
            // Fewer than 8 characters is too short to be an id.
            #expect(try await Self.found(api, String(id.prefix(7)), as: "rh").contains(id) == false)
            // An agent who may not know the case does not find it by its id either.
            #expect(try await Self.found(api, short, as: "mairie").isEmpty)
            #expect(try await Self.found(api, id, as: "stranger").isEmpty)
        }
    }
}

@Suite("Web: case search")
struct WebCaseSearchTests {
    @Test("the cases page finds a name typed without accents, and a case by the short id it shows")
    func casesPage() async throws {
        let harness = try await APIHarness.make("web-search")
        defer { harness.database.close() }
        try await harness.run { api in
            let id = try await APIAccessTests.invalidityCase(api)
            let rh = try await WebBrowser.signedIn(api, as: "rh")
            #expect(try await rh.get("/cases?q=lefevre").contains("data-case=\"\(id)\""))
            #expect(try await rh.get("/cases?q=\(id.prefix(8))").contains("data-case=\"\(id)\""))
            let mairie = try await WebBrowser.signedIn(api, as: "mairie")
            #expect(try await mairie.get("/cases?q=\(id.prefix(8))").contains("data-case=\"\(id)\"") == false)
        }
    }
}

@Suite("Case search: the start of an id")
struct CaseIDPrefixTests {
    @Test("8 to 32 hex digits, hyphens and case ignored, as the range of ids that start so")
    func range() throws {
        let prefix = try #require(CaseIDPrefix(" 3F2A9C1B-0d "))
        #expect(prefix.first == UUID(uuidString: "3f2a9c1b-0d00-0000-0000-000000000000"))
        #expect(prefix.last == UUID(uuidString: "3f2a9c1b-0dff-ffff-ffff-ffffffffffff"))
        let whole = "3f2a9c1b-0d4e-4a5b-8c6d-7e8f9a0b1c2d"
        #expect(CaseIDPrefix(whole)?.first == UUID(uuidString: whole) && CaseIDPrefix(whole)?.last == UUID(uuidString: whole))
        for text in ["3f2a9c1", "lefevre1", "3f2a9c1g", whole + "0", "３f2a9c1b", "3f2a 9c1b"] {
            #expect(CaseIDPrefix(text) == nil, "\(text)")
        }
    }
}
