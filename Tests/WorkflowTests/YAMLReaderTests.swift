import Testing
@testable import Workflow

@Suite("YAML reader")
struct YAMLReaderTests {
    @Test("every node carries its 1-based line and column")
    func positions() throws {
        let result = YAMLReader.read("id: demo\nstates:\n  depot:\n    queue: accueil\n  liste: [a, 'b']\n")
        #expect(result.diagnostics.isEmpty)
        let root = try #require(result.root?.mapping)
        #expect(root[0].keyLocation == SourceLocation(line: 1, column: 1))
        #expect(root[0].value.location == SourceLocation(line: 1, column: 5))
        let states = try #require(root[1].value.mapping)
        #expect(states[0].keyLocation == SourceLocation(line: 3, column: 3))
        let queue = try #require(states[0].value.mapping?.first)
        #expect(queue.value.location == SourceLocation(line: 4, column: 12))
        let list = try #require(states[1].value.sequence)
        #expect(list.map(\.location) == [SourceLocation(line: 5, column: 11), SourceLocation(line: 5, column: 14)])
    }

    @Test("scalars stay text: YAML 1.1's on, NO and 010 are not booleans or numbers")
    func scalarsAreText() throws {
        let root = try #require(YAMLReader.read("on: NO\ncode: 010\nyes: off\n").root?.mapping)
        #expect(root.map(\.key) == ["on", "code", "yes"])
        #expect(root.map { $0.value.scalar?.value } == ["NO", "010", "off"])
    }

    @Test("a duplicate key is reported at the second key")
    func duplicateKey() {
        let result = YAMLReader.read("a: 1\nb:\n  c: 2\n  c: 3\n")
        #expect(result.diagnostics.count == 1)
        #expect(result.diagnostics.first?.location == SourceLocation(line: 4, column: 3))
        #expect(result.diagnostics.first?.message.contains("duplicate key 'c'") == true)
    }

    @Test("syntax errors have a position and a hint")
    func syntaxError() throws {
        let result = YAMLReader.read("a:\n  b: 1\n c: 2\n")
        let diagnostic = try #require(result.diagnostics.first)
        #expect(result.root == nil)
        #expect(diagnostic.location.line == 3)
        #expect(diagnostic.message.hasPrefix("YAML syntax error"))
        #expect(diagnostic.message.contains(";"))
    }

    @Test("a tab used for indentation gets a hint about spaces")
    func tabs() throws {
        let diagnostic = try #require(YAMLReader.read("a:\n\tb: 1\n").diagnostics.first)
        #expect(diagnostic.location == SourceLocation(line: 2, column: 1))
        #expect(diagnostic.message.contains("tabs"))
    }

    @Test("an empty file, or one of comments only, is reported at 1:1")
    func emptyFile() {
        for text in ["", "\n\n", "# only a comment\n"] {
            let result = YAMLReader.read(text)
            #expect(result.root == nil)
            #expect(result.diagnostics.first?.location == .start)
            #expect(result.diagnostics.first?.message.contains("empty") == true)
        }
    }

    @Test("invalid UTF-8 is reported at the line and column of the bad byte")
    func invalidUTF8() throws {
        let bytes = Array("id: demo\ntitle: caf".utf8) + [0xC3, 0x28] + Array("\n".utf8)
        let diagnostic = try #require(YAMLReader.read(bytes).diagnostics.first)
        #expect(diagnostic.location == SourceLocation(line: 2, column: 11))
        #expect(diagnostic.message.contains("UTF-8"))
    }

    @Test("a UTF-8 byte order mark is accepted and does not shift columns")
    func byteOrderMark() throws {
        let result = YAMLReader.read([0xEF, 0xBB, 0xBF] + Array("id: démo\nx: y\n".utf8))
        #expect(result.diagnostics.isEmpty)
        let root = try #require(result.root?.mapping)
        #expect(root[0].value.scalar?.value == "démo")
        #expect(root[1].value.location == SourceLocation(line: 2, column: 4))
    }

    @Test("tags are refused with a clear message")
    func tags() throws {
        let diagnostic = try #require(YAMLReader.read("a: !!str 12\n").diagnostics.first)
        #expect(diagnostic.location == SourceLocation(line: 1, column: 4))
        #expect(diagnostic.message.contains("'!!str'"))
    }

    @Test("a second document is refused at its marker")
    func multiDocument() throws {
        let diagnostic = try #require(YAMLReader.read("a: 1\n---\nb: 2\n").diagnostics.first)
        #expect(diagnostic.location == SourceLocation(line: 2, column: 1))
        #expect(diagnostic.message.contains("one YAML document"))
    }

    @Test("anchors and aliases are expanded; an unknown alias is an error")
    func aliases() throws {
        let result = YAMLReader.read("base: &d { role: agent, sla: 5d }\ncopy: *d\n")
        let root = try #require(result.root?.mapping)
        #expect(root[1].value.mapping?.map(\.key) == ["role", "sla"])
        let unknown = try #require(YAMLReader.read("copy: *nowhere\n").diagnostics.first)
        #expect(unknown.location.line == 1)
    }

    @Test("alias bombs stop at a bound instead of exhausting memory")
    func aliasBomb() throws {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...8 {
            let items = Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
            text += "a\(level): &a\(level) [\(items)]\n"
        }
        let diagnostic = try #require(YAMLReader.read(text).diagnostics.first)
        #expect(diagnostic.message.contains("aliases expand"))
    }

    @Test("very deep nesting is refused, not a stack overflow")
    func deepNesting() throws {
        let depth = 10_000
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        let diagnostic = try #require(YAMLReader.read(text).diagnostics.first)
        #expect(diagnostic.message.contains("nest deeper"))
    }

    @Test("characters of quoted and plain scalars map back to their columns")
    func offsetMaps() throws {
        let root = try #require(YAMLReader.read("a: x == 1\nb: 'it''s y'\nc: \"t\\\"u v\"\n").root?.mapping)
        let plain = try #require(root[0].value.scalar?.offsetMap)
        #expect(plain[5] == SourceLocation(line: 1, column: 9))
        let single = try #require(root[1].value.scalar)
        #expect(single.value == "it's y")
        #expect(single.offsetMap?[5] == SourceLocation(line: 2, column: 11))
        let double = try #require(root[2].value.scalar)
        #expect(double.value == "t\"u v")
        #expect(double.offsetMap?[4] == SourceLocation(line: 3, column: 10))
    }
}
