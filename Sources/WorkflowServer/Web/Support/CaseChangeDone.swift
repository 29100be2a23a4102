import Foundation

/// What a change made from the case page did, carried through the redirect after the POST
/// (`/cases/ID?done=action`) so that the page the agent lands on says it. A fixed set: the
/// query names one of these or nothing is said, so no text of the URL reaches the page.
enum CaseChangeDone: String, CaseIterable {
    case action
    /// An action that ended the case.
    case closed
    case correction
    case note
    case evaluated
    case overridden
    case handedOver = "handed-over"
    /// The case's referent named, changed or removed.
    case referent

    /// Its message in `case.json`.
    var textKey: String { "done_" + rawValue.replacingOccurrences(of: "-", with: "_") }

    /// The message asked for by the page's query, if it is one of these.
    init?(query: Substring?) {
        guard let query else { return nil }
        self.init(rawValue: String(query))
    }
}
