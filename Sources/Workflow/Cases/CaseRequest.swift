import Foundation

/// A change a caller asks of a case: what the API, the pages and the command line hand the
/// door once they have parsed their input.
public struct CaseRequest: Sendable {
    public var kind: CaseEvent.Kind
    public var note: String?
    /// Who may read the note (`note_visible_to`); nil: the author's agency.
    public var noteVisibleTo: [String]?
    /// The version the caller read; a case changed since is a conflict, never a lost update.
    public var expectedVersion: Int?

    public init(_ kind: CaseEvent.Kind, note: String? = nil, noteVisibleTo: [String]? = nil, expectedVersion: Int? = nil) {
        self.kind = kind
        self.note = note
        self.noteVisibleTo = noteVisibleTo
        self.expectedVersion = expectedVersion
    }

    /// The data the request writes, for the edit checks.
    var data: JSONValue? {
        switch kind {
        case .action(_, let data, _): data
        case .correctData(let data): data
        default: nil
        }
    }
}
