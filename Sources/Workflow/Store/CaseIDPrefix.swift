import Foundation

/// The start of a case's id, as an agent types it from a page or a letter: the short id the
/// inbox shows (its first 8 hex digits) or more, with or without hyphens, in either case.
/// It is a range of ids, from the prefix followed by zeros to the prefix followed by `f`s,
/// since PostgreSQL orders uuids as their hex text.
struct CaseIDPrefix: Equatable {
    /// Fewer digits would match cases by chance (4 digits: one case in 65,536).
    static let minimumDigits = 8

    let first: UUID
    let last: UUID

    /// Nil when `text` is not the start of an id (too short, or not hex digits).
    init?(_ text: String) {
        let digits = text.trimmingCharacters(in: .whitespaces).lowercased().filter { $0 != "-" }
        guard (Self.minimumDigits...32).contains(digits.count), digits.allSatisfy({ "0123456789abcdef".contains($0) }),
              let first = Self.uuid(digits.padding(toLength: 32, withPad: "0", startingAt: 0)),
              let last = Self.uuid(digits.padding(toLength: 32, withPad: "f", startingAt: 0))
        else { return nil }
        self.first = first
        self.last = last
    }

    /// 32 hex digits as a UUID (8-4-4-4-12).
    private static func uuid(_ digits: String) -> UUID? {
        var text = digits
        for offset in [20, 16, 12, 8] {
            text.insert("-", at: text.index(text.startIndex, offsetBy: offset))
        }
        return UUID(uuidString: text)
    }
}
