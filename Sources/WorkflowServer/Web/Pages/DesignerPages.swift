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
            switch try await site.services.repository.publish(source: source, publishedBy: agent.actor.recorded) {
            case .published(let id, let version), .alreadyPublished(let id, let version):
                return PageRenderer.redirect(WorkflowPages.path(id, version), cookies: context.cookies)
            }
        } catch let error as StoreError where error.code == .invalidWorkflow {
            return render(source: source, refusal: texts["designer_refused_errors"], context: context, status: .unprocessableContent)
        } catch let error as StoreError where error.code == .versionTaken {
            let refusal = WorkflowDocument.parse(source).definition.map { definition in
                texts.format("designer_refused_taken", ["id": definition.id.value, "version": String(definition.version.value),
                                                        "next": String(definition.version.value + 1)])
            } ?? error.message
            return render(source: source, refusal: refusal, context: context, status: .conflict)
        }
    }

    /// The file sent: the uploaded file when there is one, else the pasted text. Line ends
    /// are made `\n` (a browser sends a text area's lines ended by CR LF).
    static func source(_ form: WebForm) -> String? {
        let file = form["file"].flatMap { $0.isEmpty ? nil : $0 }
        let pasted = form["source"].flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
        guard let text = file ?? pasted else { return nil }
        return text.replacingOccurrences(of: "\r\n", with: "\n")
    }

    private func render(source: String?, refusal: String? = nil, context: WebContext,
                        status: HTTPResponse.Status = .ok) -> Response {
        let texts = context.texts
        var values: [String: Any] = ["title": texts["designer_title"], "nav_designer": true]
        if let refusal { values["refusal"] = refusal }
        if let source {
            let document = WorkflowDocument.parse(source)
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
