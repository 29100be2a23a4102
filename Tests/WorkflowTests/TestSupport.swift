import Foundation
@testable import Workflow

/// Paths of the repository's files, found from this source file's place.
enum Repository {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func file(_ relativePath: String) -> URL { root.appendingPathComponent(relativePath) }

    static func files(in folder: String) -> [URL] {
        let url = file(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted().map { url.appendingPathComponent($0) }
    }

    static func bytes(_ url: URL) throws -> [UInt8] { [UInt8](try Data(contentsOf: url)) }

    static var examples: [URL] { files(in: "workflows") }
    static var invalidFixtures: [URL] { files(in: "Tests/WorkflowTests/Fixtures/invalid") }
    static let minimalFixture = file("Tests/WorkflowTests/Fixtures/valid/minimal.yaml")
}

extension WorkflowDocument {
    /// The document's diagnostics as `LINE:COL: severity: message` lines.
    var lines: [String] {
        diagnostics.map { "\($0.location.line):\($0.location.column): \($0.severity.rawValue): \($0.message)" }
    }
}

/// A small deterministic random generator, so that a failing mutation can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
