import Foundation
import Hummingbird
import Workflow

/// `/designer/validate`: paste or upload a workflow file and see its diagnostics against its
/// numbered lines, with the same checks as `POST /api/v1/workflows/validate` and `workflow
/// validate`; any agent may check a file. `/designer/publish`: designers publish it, with the
/// rules of `POST /api/v1/workflows` (designers only; a version taken by another file and a
/// file with errors are refused).
struct DesignerPages {
    let site: WebSite

    func add(to pages: RouterGroup<WebContext>) {
        pages.getPage("/designer/validate", use: form)
        pages.postPage("/designer/validate", use: validate)
        pages.postPage("/designer/publish", use: publish)
    }

    @Sendable func form(_ request: Request, context: WebContext) async throws -> Response {
        _ = try context.agent()
        return render(source: nil, context: context)
    }

    @Sendable func validate(_ request: Request, context: WebContext) async throws -> Response {
        _ = try context.agent()
        guard let source = Self.source(context.form) else {
            return render(source: nil, refusal: context.texts["designer_nothing_sent"], context: context, status: .badRequest)
        }
        return render(source: source, context: context)
    }

    @Sendable func publish(_ request: Request, context: WebContext) async throws -> Response {
        let agent = try context.agent()
        guard agent.designer else { throw WebFailure(status: .forbidden, key: "designer_only") }
        let texts = context.texts
        guard let source = Self.source(context.form) else {
            return render(source: nil, refusal: texts["designer_nothing_sent"], context: context, status: .badRequest)
        }
        do {
            switch try await site.services.repository.publish(source.bytes, named: source.name, publishedBy: agent.actor.recorded) {
            case .published(let id, let version), .alreadyPublished(let id, let version):
                return PageRenderer.redirect(WorkflowPages.path(id, version), cookies: context.cookies)
            }
        } catch let error as StoreError where error.code == .invalidWorkflow {
            return render(source: source, refusal: texts["designer_refused_errors"], context: context, status: .unprocessableContent)
        } catch let error as StoreError where error.code == .versionTaken {
            let refusal = WorkflowLoader.loadFile(source.bytes, named: source.name).definition.map { definition in
                texts.format("designer_refused_taken", ["id": definition.id.value, "version": String(definition.version.value),
                                                        "next": String(definition.version.value + 1)])
            } ?? error.message
            return render(source: source, refusal: refusal, context: context, status: .conflict)
        }
    }

    /// A workflow file sent through the page: its bytes as they came, and its name for the loader.
    struct Source {
        var name: String
        var bytes: [UInt8]
    }

    /// The file sent: the uploaded file's bytes when there is one (undecoded, so that a file
    /// that is not UTF-8 gets the loader's diagnostic at its line and column, as from the
    /// command line), else the pasted text. Line ends are made `\n` (a browser sends a text
    /// area's lines ended by CR LF).
    static func source(_ form: WebForm) -> Source? {
        let source: Source
        if let file = form.files["file"], !file.bytes.isEmpty {
            source = Source(name: file.filename, bytes: file.bytes)
        } else if let file = form["file"], !file.isEmpty {
            source = Source(name: "file", bytes: Array(file.utf8))
        } else if let pasted = form["source"], !pasted.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            source = Source(name: "source", bytes: Array(pasted.utf8))
        } else {
            return nil
        }
        return Source(name: source.name, bytes: withoutCarriageReturns(source.bytes))
    }

    /// The bytes with each CR LF made LF (both are ASCII, so UTF-8 sequences are untouched).
    static func withoutCarriageReturns(_ bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        for (index, byte) in bytes.enumerated() where !(byte == 13 && index + 1 < bytes.count && bytes[index + 1] == 10) {
            result.append(byte)
        }
        return result
    }

    private func render(source file: Source?, refusal: String? = nil, context: WebContext,
                        status: HTTPResponse.Status = .ok) -> Response {
        let texts = context.texts
        var values: [String: Any] = ["title": texts["designer_title"], "nav_designer": true]
        if let refusal { values["refusal"] = refusal }
        if let file {
            let document = WorkflowLoader.loadFile(file.bytes, named: file.name)
            // Only to show the lines: bytes that are not UTF-8 show as U+FFFD, and the
            // diagnostics (from the bytes) say where they are.
            let source = document.text ?? String(decoding: file.bytes, as: UTF8.self)
            let lines = Self.lines(source)
            let diagnostics = document.diagnostics.sortedByLocation()
            let marked = Dictionary(grouping: diagnostics, by: \.location.line)
            values["source"] = source
            values["checked"] = true
            values["valid"] = document.isValid
            let errors = diagnostics.filter { $0.severity == .error }.count
            let warnings = diagnostics.count - errors
            values["summary"] = document.isValid
                ? texts.format(warnings == 0 ? "designer_valid" : "designer_valid_warnings", ["warnings": String(warnings)])
                : texts.format("designer_invalid", ["errors": String(errors), "warnings": String(warnings)])
            if let definition = document.definition {
                values["workflow"] = ["id": definition.id.value, "version": definition.version.value]
            }
            values["diagnostics"] = diagnostics.enumerated().map { index, diagnostic in
                Self.diagnostic(diagnostic, index: index, lineCount: lines.count, texts: texts)
            }
            values["has_diagnostics"] = !diagnostics.isEmpty
            values["lines"] = lines.enumerated().map { index, text in
                let number = index + 1
                var line: [String: Any] = ["number": number, "text": text]
                if let found = marked[number] {
                    line["marked"] = true
                    line["severity"] = found.contains { $0.severity == .error } ? "error" : "warning"
                    line["severity_text"] = texts["designer_severity_\(line["severity"]!)"]
                }
                return line
            }
        }
        return site.renderer.page("validate", values, context: context, status: status)
    }

    /// A diagnostic as the page shows it: the "did you mean" part apart, as a suggestion.
    static func diagnostic(_ diagnostic: Diagnostic, index: Int, lineCount: Int, texts: Texts) -> [String: Any] {
        var message = diagnostic.message
        var entry: [String: Any] = [
            "index": index + 1, "line": diagnostic.location.line, "column": diagnostic.location.column,
            "severity": diagnostic.severity.rawValue, "severity_text": texts["designer_severity_\(diagnostic.severity.rawValue)"],
            "linked": (1...max(1, lineCount)).contains(diagnostic.location.line) && lineCount > 0,
        ]
        if let range = message.range(of: "; did you mean ") {
            entry["suggestion"] = String(message[range.upperBound...])
            message = String(message[..<range.lowerBound])
        }
        entry["message"] = message
        return entry
    }

    /// The lines of the file, without the empty one after a final line end.
    static func lines(_ source: String) -> [String] {
        var lines = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }
}
