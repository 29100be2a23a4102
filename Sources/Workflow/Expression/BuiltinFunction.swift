/// The functions of the language; there are no others.
public enum BuiltinFunction: String, Sendable, Hashable, CaseIterable {
    case today, now, len, exists

    /// How many values the function takes.
    public var arity: Int {
        switch self {
        case .today, .now: return 0
        case .len, .exists: return 1
        }
    }

    /// How the function is written, for messages.
    var usage: String {
        switch self {
        case .today: return "today()"
        case .now: return "now()"
        case .len: return "len(carriere.statuts)"
        case .exists: return "exists(avis.abf)"
        }
    }

    /// The list of functions, for messages.
    static let allUsages = "today(), now(), len(x) and exists(x)"
}
