import YAMLShim

/// Reads a YAML file into a `YAMLNode` tree through libyaml's event parser, keeping the
/// line and column of every node.
///
/// One document per file; anchors and aliases work (expanded, with a bound against
/// alias bombs); tags and multi-document streams are refused; duplicate keys are reported
/// at the second key. Reading never crashes on bad input: it returns diagnostics.
public enum YAMLReader {
    /// How deep mappings and lists may nest: far beyond any workflow, and a guard for the
    /// recursive code that walks the tree.
    public static let maximumDepth = 200
    /// How many nodes aliases may expand into, against "billion laughs" files.
    public static let maximumAliasExpansion = 100_000

    public struct Result: Sendable {
        public var root: YAMLNode?
        public var diagnostics: [Diagnostic]
    }

    public static func read(_ bytes: [UInt8]) -> Result {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        if let bad = UTF8Check.firstInvalidByte(in: body) {
            let location = UTF8Check.location(ofByte: bad, in: body)
            let byte = String(body[bad], radix: 16, uppercase: true)
            return Result(root: nil, diagnostics: [.error(
                "the file is not valid UTF-8 (byte 0x\(byte)); save it with the UTF-8 encoding",
                at: location)])
        }
        let text = String(decoding: body, as: UTF8.self)
        var builder = YAMLTreeBuilder(source: Array(text.unicodeScalars))
        Array(body).withUnsafeBufferPointer { buffer in
            builder.parse(buffer)
        }
        return Result(root: builder.root, diagnostics: builder.diagnostics)
    }

    public static func read(_ text: String) -> Result {
        read(Array(text.utf8))
    }
}

/// The event loop over libyaml that assembles nodes on an explicit stack.
struct YAMLTreeBuilder {
    /// A collection being built; a class so that appending to it does not copy it.
    private final class Frame {
        let location: SourceLocation
        let anchor: String?
        let isMapping: Bool
        var items: [YAMLNode] = []
        var entries: [YAMLMappingEntry] = []
        var pendingKey: (String, SourceLocation)?
        var seen: [String: SourceLocation] = [:]
        /// How many nodes it holds so far, aliases expanded: what an anchor on it costs at each use.
        var size = 1

        init(location: SourceLocation, anchor: String?, isMapping: Bool) {
            self.location = location
            self.anchor = anchor
            self.isMapping = isMapping
        }
    }

    let source: [Unicode.Scalar]
    var root: YAMLNode?
    var diagnostics: [Diagnostic] = []
    private var stack: [Frame] = []
    private var anchors: [String: (node: YAMLNode, size: Int)] = [:]
    private var expandedNodes = 0
    private var documents = 0

    init(source: [Unicode.Scalar]) {
        self.source = source
    }

    mutating func parse(_ buffer: UnsafeBufferPointer<UInt8>) {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            diagnostics.append(.error("the YAML parser could not start (out of memory)", at: .start))
            return
        }
        defer { yaml_parser_delete(&parser) }
        // libyaml keeps this pointer: it stays valid for the whole loop below.
        yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)

        while true {
            var event = yaml_event_t()
            guard yaml_parser_parse(&parser, &event) == 1 else {
                diagnostics.append(syntaxError(parser))
                return
            }
            defer { yaml_event_delete(&event) }
            if event.type == YAML_STREAM_END_EVENT {
                if documents == 0 {
                    diagnostics.append(.error(
                        "the file is empty; a workflow file is a mapping that starts with 'id:', 'version:' and 'states:'",
                        at: .start))
                }
                return
            }
            guard handle(event) else { return }
        }
    }

    /// Handles one event; false stops reading.
    private mutating func handle(_ event: yaml_event_t) -> Bool {
        let location = Self.location(event.start_mark)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            documents += 1
            if documents > 1 {
                return fail("a workflow file holds one YAML document; put this second document ('---') in a file of its own", at: location)
            }
        case YAML_SCALAR_EVENT:
            let data = event.data.scalar
            if let tag = data.tag, data.plain_implicit == 0, data.quoted_implicit == 0 {
                return failTag(tag, at: location)
            }
            let value = String(decoding: UnsafeBufferPointer(start: data.value, count: data.length), as: UTF8.self)
            let style = Self.style(data.style)
            let written = ScalarOffsets.written(source: source, start: event.start_mark, end: event.end_mark)
            let node = YAMLNode(.scalar(YAMLScalar(value: value, style: style, written: written)), at: location)
            return complete(node, anchor: Self.string(data.anchor), size: 1)
        case YAML_ALIAS_EVENT:
            let name = Self.string(event.data.alias.anchor) ?? ""
            guard let anchored = anchors[name] else {
                return fail("the alias '*\(name)' names no anchor defined above it; define '&\(name)' first", at: location)
            }
            expandedNodes += anchored.size
            if expandedNodes > YAMLReader.maximumAliasExpansion {
                return fail("aliases expand to more than \(YAMLReader.maximumAliasExpansion) nodes; write the repeated parts out instead of nesting aliases", at: location)
            }
            return complete(anchored.node, anchor: nil, size: anchored.size)
        case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
            let isMapping = event.type == YAML_MAPPING_START_EVENT
            let (tag, implicit, anchor) = isMapping
                ? (event.data.mapping_start.tag, event.data.mapping_start.implicit, event.data.mapping_start.anchor)
                : (event.data.sequence_start.tag, event.data.sequence_start.implicit, event.data.sequence_start.anchor)
            if let tag, implicit == 0 { return failTag(tag, at: location) }
            guard stack.count < YAMLReader.maximumDepth else {
                return fail("lists and mappings nest deeper than \(YAMLReader.maximumDepth) levels; a workflow never needs that", at: location)
            }
            stack.append(Frame(location: location, anchor: Self.string(anchor), isMapping: isMapping))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let frame = stack.popLast() else { return true }
            let content: YAMLNode.Content = frame.isMapping ? .mapping(frame.entries) : .sequence(frame.items)
            return complete(YAMLNode(content, at: frame.location), anchor: frame.anchor, size: frame.size)
        default:
            break
        }
        return true
    }

    /// Adds a finished node to the collection being built, or makes it the root.
    private mutating func complete(_ node: YAMLNode, anchor: String?, size: Int) -> Bool {
        if let anchor { anchors[anchor] = (node, size) }
        guard let top = stack.last else {
            root = node
            return true
        }
        top.size += size
        guard top.isMapping else {
            top.items.append(node)
            return true
        }
        guard let (key, keyLocation) = top.pendingKey else {
            guard let scalar = node.scalar else {
                return fail("a mapping key must be a plain word, not \(node.kindName)", at: node.location)
            }
            top.pendingKey = (scalar.value, node.location)
            return true
        }
        top.pendingKey = nil
        if let first = top.seen[key] {
            diagnostics.append(.error(
                "duplicate key '\(key)': it is already defined at line \(first.line); remove one of them or rename this one",
                at: keyLocation))
        } else {
            top.seen[key] = keyLocation
            top.entries.append(YAMLMappingEntry(key: key, keyLocation: keyLocation, value: node))
        }
        return true
    }

    private mutating func fail(_ message: String, at location: SourceLocation) -> Bool {
        diagnostics.append(.error(message, at: location))
        root = nil
        return false
    }

    private mutating func failTag(_ tag: UnsafeMutablePointer<yaml_char_t>, at location: SourceLocation) -> Bool {
        let name = String(cString: tag)
        let shown = name.hasPrefix("tag:yaml.org,2002:") ? "!!" + name.dropFirst("tag:yaml.org,2002:".count) : name
        return fail("YAML tags such as '\(shown)' are not supported in workflow files; remove the tag: each value is read as the type its place expects", at: location)
    }

    private func syntaxError(_ parser: yaml_parser_t) -> Diagnostic {
        let problem = parser.problem.map { String(cString: $0) } ?? "unreadable YAML"
        if parser.error == YAML_READER_ERROR {
            return .error("the file cannot be read as text: \(problem); save it as UTF-8 text", at: Self.location(ofScalarIndex: parser.problem_offset, in: source))
        }
        let location = clampedToSource(Self.location(parser.problem_mark))
        let context = parser.context.map { String(cString: $0) }
        let character = parser.problem_mark.index < source.count ? source[Int(parser.problem_mark.index)] : nil
        var message = "YAML syntax error: \(problem)"
        if let context { message += " (\(context) at line \(parser.context_mark.line + 1))" }
        message += "; " + YAMLSyntaxHints.hint(problem: problem, character: character)
        return .error(message, at: location)
    }

    /// libyaml reports an unexpected end of a file that lacks a final newline one line past
    /// the end; point at the end of the last line instead.
    private func clampedToSource(_ location: SourceLocation) -> SourceLocation {
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        guard location.line > lines.count, let last = lines.last else { return location }
        return SourceLocation(line: lines.count, column: last.count + 1)
    }

    static func location(_ mark: yaml_mark_t) -> SourceLocation {
        SourceLocation(line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }

    static func location(ofScalarIndex index: Int, in source: [Unicode.Scalar]) -> SourceLocation {
        var line = 1, column = 1
        for scalar in source.prefix(index) {
            if scalar == "\n" { line += 1; column = 1 } else { column += 1 }
        }
        return SourceLocation(line: line, column: column)
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    private static func style(_ style: yaml_scalar_style_t) -> YAMLScalar.Style {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: return .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: return .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: return .literal
        case YAML_FOLDED_SCALAR_STYLE: return .folded
        default: return .plain
        }
    }
}
