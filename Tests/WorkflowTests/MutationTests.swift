import Foundation
import Testing
@testable import Workflow

/// Random edits of the example files, as a designer's typos would make them: the tool
/// never crashes and every diagnostic points inside the file.
@Suite("Random mutations of the examples")
struct MutationTests {
    static let mutationsPerFile = 400

    @Test("no crash, and every diagnostic has a position inside the file", arguments: Repository.examples.map(\.lastPathComponent))
    func mutations(name: String) throws {
        let original = try String(contentsOf: Repository.file("workflows/\(name)"), encoding: .utf8)
        var random = SplitMix64(state: UInt64(name.utf8.reduce(0) { $0 &* 31 &+ UInt64($1) }))
        for round in 0..<Self.mutationsPerFile {
            let mutated = Self.mutate(original, using: &random)
            let document = WorkflowDocument.parse(mutated)
            let lines = mutated.split(separator: "\n", omittingEmptySubsequences: false)
            for diagnostic in document.diagnostics {
                let line = diagnostic.location.line
                let inside = line >= 1 && line <= lines.count && diagnostic.location.column >= 1
                    && diagnostic.location.column <= lines[line - 1].unicodeScalars.count + 1
                #expect(inside, "round \(round): \(diagnostic) is outside the file")
                #expect(!diagnostic.message.isEmpty)
            }
        }
    }

    static func mutate(_ text: String, using random: inout SplitMix64) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let edits = Int.random(in: 1...3, using: &random)
        for _ in 0..<edits {
            let index = Int.random(in: 0..<lines.count, using: &random)
            switch Int.random(in: 0..<9, using: &random) {
            case 0: lines.remove(at: index)
            case 1: lines.insert(lines[index], at: index)
            case 2: lines[index] = " " + lines[index]
            case 3: lines[index] = String(lines[index].dropFirst(min(2, lines[index].count)))
            case 4:
                let inserted = ["[", "]", "{", ":", "'", "\"", "\t", "- ", "&a ", "*a", "!!str ", "#", "é", "---"].randomElement(using: &random)!
                var scalars = Array(lines[index].unicodeScalars)
                scalars.insert(contentsOf: inserted.unicodeScalars, at: Int.random(in: 0...scalars.count, using: &random))
                lines[index] = String(String.UnicodeScalarView(scalars))
            case 5:
                var scalars = Array(lines[index].unicodeScalars)
                if !scalars.isEmpty { scalars.remove(at: Int.random(in: 0..<scalars.count, using: &random)) }
                lines[index] = String(String.UnicodeScalarView(scalars))
            case 6: lines = Array(lines.prefix(index))
            case 7: lines.swapAt(index, Int.random(in: 0..<lines.count, using: &random))
            default:
                let words = ["to", "queue", "when", "final", "choose", "tracks", "next", "start", "sla"]
                lines[index] = lines[index].replacingOccurrences(of: words.randomElement(using: &random)!, with: words.randomElement(using: &random)!)
            }
            if lines.isEmpty { lines = [""] }
        }
        return lines.joined(separator: "\n")
    }
}
