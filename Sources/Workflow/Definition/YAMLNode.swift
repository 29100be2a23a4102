/// A node of a YAML document: a scalar, a sequence or a mapping, with the place it starts.
///
/// Scalars stay strings: the workflow loader types them by where they stand, never by
/// YAML 1.1's implicit rules (`on` is a key, `NO` a country code, `010` a string).
public struct YAMLNode: Sendable {
    public indirect enum Content: Sendable {
        case scalar(YAMLScalar)
        case sequence([YAMLNode])
        case mapping([YAMLMappingEntry])
    }

    public var content: Content
    public var location: SourceLocation

    public init(_ content: Content, at location: SourceLocation) {
        self.content = content
        self.location = location
    }

    public var scalar: YAMLScalar? {
        if case .scalar(let s) = content { return s }
        return nil
    }

    public var sequence: [YAMLNode]? {
        if case .sequence(let items) = content { return items }
        return nil
    }

    public var mapping: [YAMLMappingEntry]? {
        if case .mapping(let entries) = content { return entries }
        return nil
    }

    /// A word for the kind of node, for messages ("expected a mapping, found a list").
    public var kindName: String {
        switch content {
        case .scalar(let s): return s.isNull ? "nothing" : "a scalar ('\(s.value.prefix(40))')"
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        }
    }
}

/// A scalar's text and how it was written; `offsetMap` maps its characters back to the file.
public struct YAMLScalar: Sendable {
    public enum Style: Sendable {
        case plain, singleQuoted, doubleQuoted, literal, folded
    }

    public var value: String
    public var style: Style
    /// Where the scalar was written, kept so that `offsetMap` can be computed when asked:
    /// only expressions need it, and computing it for every scalar cost a tenth of a
    /// large workflow's validation.
    var written: ScalarOffsets.Written?

    public init(value: String, style: Style) {
        self.value = value
        self.style = style
    }

    init(value: String, style: Style, written: ScalarOffsets.Written?) {
        self.value = value
        self.style = style
        self.written = written
    }

    /// The file location of each Unicode scalar of `value` (plus one past the end), when
    /// it could be recovered exactly; nil for block and multi-line scalars.
    public var offsetMap: [SourceLocation]? {
        written.flatMap { ScalarOffsets.map($0, style: style, valueLength: value.unicodeScalars.count) }
    }

    /// An empty plain scalar, or `~` / `null`: a key written with no value.
    public var isNull: Bool {
        style == .plain && (value.isEmpty || value == "~" || value == "null")
    }
}

/// One `key: value` pair of a mapping; keys are scalars.
public struct YAMLMappingEntry: Sendable {
    public var key: String
    public var keyLocation: SourceLocation
    public var value: YAMLNode

    public init(key: String, keyLocation: SourceLocation, value: YAMLNode) {
        self.key = key
        self.keyLocation = keyLocation
        self.value = value
    }
}
