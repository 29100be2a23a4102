import Foundation

/// One lexical unit of an expression.
struct ExpressionToken: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        case integer(Int)
        case decimal(Decimal)
        case string(String)
        case date(CalendarDate)
        case duration(WorkflowDuration)
        /// A name or a dotted field path (`usager.nir`).
        case path(String)
        case keyword(Keyword)
        case symbol(Symbol)
        case end
    }

    /// The reserved words.
    enum Keyword: String, Sendable, Hashable, CaseIterable {
        case and, or, not, `in`, contains, `true`, `false`, null
    }

    /// Punctuation and operators.
    enum Symbol: String, Sendable, Hashable {
        case leftParenthesis = "(", rightParenthesis = ")", leftBracket = "[", rightBracket = "]", comma = ","
        case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
        case plus = "+", minus = "-", star = "*", slash = "/"
    }

    let kind: Kind
    let span: ExpressionSpan
    /// The token's text as written, for messages.
    let text: String

    /// How the token is named in a message: `'and'`, or `the end of the expression`.
    var quoted: String {
        kind == .end ? "the end of the expression" : "'\(text)'"
    }
}
