import Foundation
import Workflow

/// People's words in the pages: a case's summary (who it is about), and the labels of fields
/// and actions in place of their ids, in refusals too.
enum WebWords {
    /// A summary as template items: each field's label (for screen readers and tooltips) and
    /// value, with `sep` on all but the first so the template can join them.
    static func summary(_ fields: [CaseSummaryField]) -> [[String: Any]] {
        fields.enumerated().map { index, field in
            ["path": field.path, "label": field.label, "value": FieldInput.display(field.value), "sep": index > 0]
        }
    }

    /// A refusal's words with the fields and the action it names by their labels: the engine
    /// quotes ids (`'pension.sre.montant'`), a person reads “Montant de la pension”.
    static func relabel(_ message: String, fields: [String], action: AvailableAction?, in definition: WorkflowDefinition) -> String {
        var text = message
        // Longest first, so that a path is not replaced inside a longer one.
        for path in Set(fields).sorted(by: { $0.count > $1.count }) where definition.field(path)?.label != nil {
            text = text.replacingOccurrences(of: "'\(path)'", with: "“\(definition.label(ofField: path))”")
        }
        if let action, action.label != action.action {
            text = text.replacingOccurrences(of: "'\(action.action)'", with: "“\(action.label)”")
        }
        return text
    }
}
