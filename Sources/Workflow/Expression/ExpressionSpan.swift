/// Where something sits in an expression's text: `offset` and `length` count Unicode scalars
/// from the start of the expression (libyaml columns count characters too).
public struct ExpressionSpan: Sendable, Hashable, CustomStringConvertible {
    public var offset: Int
    public var length: Int

    public init(offset: Int, length: Int) {
        self.offset = offset
        self.length = length
    }

    /// The offset just past the end.
    public var end: Int { offset + length }

    /// The span from the start of `self` to the end of `other`.
    public func through(_ other: ExpressionSpan) -> ExpressionSpan {
        ExpressionSpan(offset: offset, length: max(end, other.end) - offset)
    }

    public var description: String { "\(offset)+\(length)" }
}
