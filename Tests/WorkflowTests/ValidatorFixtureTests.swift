import Foundation
import Testing
@testable import Workflow

/// Each file of Fixtures/invalid is a workflow broken in one way; its first line says
/// the diagnostic it must produce: `# expect: LINE:COL: severity: start of the message`.
@Suite("Validator on broken fixtures")
struct ValidatorFixtureTests {
    static let fixtures = Repository.invalidFixtures.map(\.lastPathComponent)

    @Test("the fixtures are there")
    func fixturesExist() {
        #expect(Self.fixtures.count >= 45)
    }

    @Test("each fixture gets its expected diagnostic at the expected line and column", arguments: fixtures)
    func expectedDiagnostic(name: String) throws {
        let url = Repository.file("Tests/WorkflowTests/Fixtures/invalid/\(name)")
        let bytes = try Repository.bytes(url)
        let header = String(decoding: bytes.prefix { $0 != 0x0A }, as: UTF8.self)
        let expected = try #require(header.hasPrefix("# expect: ") ? String(header.dropFirst("# expect: ".count)) : nil,
                                    "\(name) has no '# expect:' line")
        let document = WorkflowLoader.loadFile(bytes, named: name)
        #expect(document.lines.contains { $0.hasPrefix(expected) }, "\(name): expected '\(expected)', got \(document.lines)")
        if expected.contains(": error: ") {
            #expect(!document.isValid)
        }
    }

    @Test("the minimal valid fixture has no diagnostic at all")
    func minimalIsClean() throws {
        let document = WorkflowLoader.loadFile(try Repository.bytes(Repository.minimalFixture), named: "minimal.yaml")
        #expect(document.lines == [])
        #expect(document.isValid)
    }
}
