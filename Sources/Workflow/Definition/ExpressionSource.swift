/// An expression as written in the file (a guard, a rule, a `set` value, a track's
/// `when`), with what it takes to point at a token inside it.
public struct ExpressionSource: Sendable {
    public var text: String
    /// Where the YAML scalar holding the expression starts.
    public var location: SourceLocation
    /// The file location of each character of `text`, when it could be followed exactly.
    public var offsetMap: [SourceLocation]?
    /// The parsed and type-checked expression, set when the workflow is compiled; nil
    /// while the workflow has an error in it.
    public var compiled: CompiledExpression?

    public init(text: String, location: SourceLocation, offsetMap: [SourceLocation]? = nil) {
        self.text = text
        self.location = location
        self.offsetMap = offsetMap
    }

    /// The file location of the character at `offset` (in Unicode scalars) of the text;
    /// the scalar's start when the text spans lines or uses escapes.
    public func location(ofOffset offset: Int) -> SourceLocation {
        guard let map = offsetMap, !map.isEmpty else { return location }
        return map[min(max(offset, 0), map.count - 1)]
    }
}
