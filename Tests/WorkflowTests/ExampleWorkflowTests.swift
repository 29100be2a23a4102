import Foundation
import Testing
@testable import Workflow

@Suite("Example workflows")
struct ExampleWorkflowTests {
    @Test("the three examples are there")
    func examplesExist() {
        #expect(Repository.examples.map(\.lastPathComponent) == [
            "bourse-sur-criteres-sociaux.yaml", "passeport-identite.yaml", "retraite-multi-statuts.yaml",
        ])
    }

    @Test("each example validates without errors or warnings", arguments: Repository.examples.map(\.lastPathComponent))
    func validates(name: String) throws {
        let document = WorkflowLoader.loadFile(try Repository.bytes(Repository.file("workflows/\(name)")), named: "workflows/\(name)")
        #expect(document.lines == [])
        let definition = try #require(document.definition)
        #expect(definition.id.value + ".yaml" == name)
    }

    @Test("the retirement workflow's parallel state opens IRCANTEC only for contractual careers")
    func retirementTracks() throws {
        let document = WorkflowLoader.loadFile(try Repository.bytes(Repository.file("workflows/retraite-multi-statuts.yaml")), named: "workflows/retraite-multi-statuts.yaml")
        let definition = try #require(document.definition)
        let parallel = try #require(definition.states.compactMap { state -> ParallelStateDefinition? in
            if case .parallel(let p) = state.kind { return p }
            return nil
        }.first)
        #expect(parallel.tracks.count == 4)
        let ircantec = try #require(parallel.track("ircantec"))
        #expect(ircantec.when?.text.contains("contractuel") == true)
        let sharedActions = parallel.tracks.filter { track in track.states.contains { $0.action("valider-part") != nil } }
        #expect(sharedActions.count >= 2)
    }
}
