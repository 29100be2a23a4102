/// The one way a workflow file becomes a checked document, whatever brought it: a file on
/// disk, the body of an API request, a file uploaded or text pasted in the designer's page.
extension WorkflowLoader {
    /// Reads, loads and validates a workflow file from its bytes as they arrived.
    ///
    /// Front-ends hand over the raw bytes, never a `String` they decoded themselves: decoding
    /// bytes that are not UTF-8 into a `String` replaces them with U+FFFD silently, and the
    /// file would then load (and publish) with text nobody wrote. Here invalid UTF-8 is an
    /// error at its line and column, the same for every way in. `name` is what diagnostics
    /// are printed against (`NAME:LINE:COL: …`): a path, or a name for a body or a form.
    public static func loadFile(_ bytes: [UInt8], named name: String, options: Options = .init()) -> WorkflowDocument {
        let yaml = YAMLReader.read(bytes)
        let text = String(validating: bytes, as: UTF8.self)
        guard let root = yaml.root else {
            return WorkflowDocument(name: name, text: text, definition: nil, diagnostics: yaml.diagnostics.sortedByLocation())
        }
        var loader = WorkflowLoader(options: options)
        var definition = loader.load(root)
        var diagnostics = yaml.diagnostics + loader.diagnostics
        if var loaded = definition {
            diagnostics += loaded.compileExpressions()
            definition = loaded
        }
        if let definition {
            var validator = WorkflowValidator(definition)
            diagnostics += validator.validate()
        }
        var seen = Set<Diagnostic>()
        let unique = diagnostics.filter { seen.insert($0).inserted }
        return WorkflowDocument(name: name, text: text, definition: definition, diagnostics: unique.sortedByLocation())
    }
}
