import Foundation
import Testing
@testable import Workflow
@testable import WorkflowServer

/// A workflow file reaches the loader as the bytes that arrived, whatever brought it: the API's
/// publish and validate and the designer's page give the diagnostics the command line gives for
/// the same file, and publish nothing a file on disk could not publish. A Latin-1 file (é as the
/// single byte 0xE9) used to be decoded with U+FFFD by each front-end, and published so.
@Suite("Loader: one path for every way a workflow arrives")
struct LoaderEveryWayInTests {
    /// The example passport workflow as version 2, its title saved in Latin-1.
    static func latin1File() throws -> [UInt8] {
        let text = try String(contentsOf: Repository.file("workflows/passeport-identite.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "\nversion: 1", with: "\nversion: 2")
        let title = try #require(text.range(of: "\ntitle: Passeport et carte nationale d'identit"))
        let before = Array(text[..<title.upperBound].utf8)
        let after = Array(text[title.upperBound...].utf8)
        #expect(after.starts(with: [0xC3, 0xA9]), "é in UTF-8")
        return before + [0xE9] + after.dropFirst(2)
    }

    /// What the command line says of the file: read from disk as `workflow validate` reads it.
    static func fromFile(_ bytes: [UInt8]) throws -> WorkflowDocument {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("latin1-\(UUID().uuidString).yaml").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        guard case .success(let read) = WorkflowFiles.read(path) else { throw Unreadable() }
        return WorkflowLoader.loadFile(read, named: path)
    }

    struct Unreadable: Error {}

    /// The diagnostics as the API writes them: line, column, severity, message.
    static func entries(_ json: JSONValue?) -> [String] {
        (json?.arrayValue ?? []).map { entry in
            "\(entry.value(at: "line")?.numberValue?.int ?? 0):\(entry.value(at: "column")?.numberValue?.int ?? 0): "
                + "\(entry.value(at: "severity")?.stringValue ?? ""): \(entry.value(at: "message")?.stringValue ?? "")"
        }
    }

    @Test("the file on disk: one error at the byte 0xE9, on the title's line")
    func fileOnDisk() throws {
        let document = try Self.fromFile(try Self.latin1File())
        #expect(!document.isValid)
        #expect(document.text == nil)
        #expect(document.lines == ["7:46: error: the file is not valid UTF-8 (byte 0xE9); save it with the UTF-8 encoding"])
        #expect(document.formattedDiagnostics.first?.hasPrefix(document.name + ":7:46: error: ") == true)
    }

    @Test("POST /workflows/validate gives the file's diagnostic; POST /workflows refuses it and publishes nothing")
    func api() async throws {
        let bytes = try Self.latin1File()
        let expected = try Self.fromFile(bytes).lines
        let harness = try await APIHarness.make("loader-latin1-api")
        defer { harness.database.close() }
        try await harness.run { api in
            let checked = try await api.send(.post, "/api/v1/workflows/validate", as: "rh", bytes: bytes, contentType: "application/yaml")
            #expect(checked.status == 200)
            #expect(checked["valid"] == .bool(false))
            #expect(Self.entries(checked["diagnostics"]) == expected)

            let published = try await api.send(.post, "/api/v1/workflows", as: "designer", bytes: bytes, contentType: "application/yaml")
            #expect(published.status == 422)
            #expect(Self.entries(published["diagnostics"]) == expected)
            // Inside JSON, bytes that are not UTF-8 are not JSON: refused, not replaced.
            let inJSON = Array(#"{"source": "id: x\ntitle: caf"#.utf8) + [0xE9] + Array(#""}"#.utf8)
            let json = try await api.send(.post, "/api/v1/workflows", as: "designer", bytes: inJSON)
            #expect(json.status == 400)
        }
        let versions = try await harness.services.repository.list().filter { $0.id == "passeport-identite" }
        #expect(versions.map(\.version) == [1])
        #expect(!versions.contains { $0.title?.contains("\u{FFFD}") == true })
    }

    @Test("the designer's page shows the file's diagnostic at its line; its publish refuses the file")
    func designer() async throws {
        let bytes = try Self.latin1File()
        let expected = try #require(try Self.fromFile(bytes).diagnostics.first)
        let harness = try await APIHarness.make("loader-latin1-designer")
        defer { harness.database.close() }
        try await harness.run { api in
            let designer = try await WebBrowser.signedIn(api, as: "designer")
            let checked = try await designer.postMultipart("/designer/validate", parts: ["file": bytes])
            #expect(checked.status == 200)
            #expect(checked.contains("data-valid=\"false\""))
            #expect(checked.contains("data-line=\"\(expected.location.line)\" data-column=\"\(expected.location.column)\" data-severity=\"error\""))
            #expect(checked.contains("<span class=\"message\">\(expected.message)</span>"))
            #expect(checked.contains("<li id=\"L\(expected.location.line)\" class=\"has-diagnostic error\">"))

            let published = try await designer.postMultipart("/designer/publish", parts: ["file": bytes])
            #expect(published.status == 422)
            #expect(published.contains("<span class=\"message\">\(expected.message)</span>"))
        }
        let versions = try await harness.services.repository.list().filter { $0.id == "passeport-identite" }
        #expect(versions.map(\.version) == [1])
    }
}
