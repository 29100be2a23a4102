/// A workflow file read, loaded and validated: the model when it could be built, and
/// every diagnostic in file order. Made by `WorkflowLoader.loadFile(_:named:)`.
public struct WorkflowDocument: Sendable {
    /// What the diagnostics are printed against: the file's path, or a name for a request body.
    public var name: String
    /// The file's text, when its bytes are valid UTF-8 (nil otherwise): what a publication stores.
    public var text: String?
    public var definition: WorkflowDefinition?
    public var diagnostics: [Diagnostic]

    /// True when there is a model and no error (warnings allowed).
    public var isValid: Bool { definition != nil && text != nil && !diagnostics.hasErrors }

    /// Each diagnostic as `NAME:LINE:COL: severity: message`, the way compilers print them.
    public var formattedDiagnostics: [String] { diagnostics.map { $0.formatted(file: name) } }

    /// Text already held as a `String` (a published version read back, a test's literal):
    /// the same checks as for a file's bytes.
    public static func parse(_ text: String, named name: String = "workflow.yaml",
                             options: WorkflowLoader.Options = .init()) -> WorkflowDocument {
        WorkflowLoader.loadFile(Array(text.utf8), named: name, options: options)
    }
}
