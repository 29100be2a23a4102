/// A workflow file read, loaded and validated: the model when it could be built, and
/// every diagnostic in file order.
public struct WorkflowDocument: Sendable {
    public var definition: WorkflowDefinition?
    public var diagnostics: [Diagnostic]

    /// True when there is a model and no error (warnings allowed).
    public var isValid: Bool { definition != nil && !diagnostics.hasErrors }

    public static func parse(_ bytes: [UInt8], options: WorkflowLoader.Options = .init()) -> WorkflowDocument {
        let yaml = YAMLReader.read(bytes)
        guard let root = yaml.root else {
            return WorkflowDocument(definition: nil, diagnostics: yaml.diagnostics.sortedByLocation())
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
        return WorkflowDocument(definition: definition, diagnostics: unique.sortedByLocation())
    }

    public static func parse(_ text: String, options: WorkflowLoader.Options = .init()) -> WorkflowDocument {
        parse(Array(text.utf8), options: options)
    }
}
