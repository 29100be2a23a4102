import YAMLShim

/// Maps each character of a scalar's value back to its line and column in the file, so
/// an error inside an expression points at the token, not at the start of the line.
enum ScalarOffsets {
    /// A one-line scalar as written in the file: its characters (a slice of the file's, no
    /// copy), its line and first column.
    struct Written: Sendable {
        var raw: ArraySlice<Unicode.Scalar>
        var line: Int
        var firstColumn: Int
    }

    /// Where a scalar was written, when it fits on one line of the file; nil otherwise.
    static func written(source: [Unicode.Scalar], start: yaml_mark_t, end: yaml_mark_t) -> Written? {
        guard start.line == end.line, start.index <= end.index, Int(end.index) <= source.count else { return nil }
        return Written(raw: source[Int(start.index)..<Int(end.index)], line: Int(start.line) + 1, firstColumn: Int(start.column) + 1)
    }

    /// The location of every Unicode scalar of the value plus one past its end; nil when the
    /// scalar spans lines or its escapes cannot be followed exactly.
    static func map(_ written: Written, style: YAMLScalar.Style, valueLength: Int) -> [SourceLocation]? {
        let (raw, line, firstColumn) = (written.raw, written.line, written.firstColumn)
        var columns: [Int] = []
        switch style {
        case .plain:
            columns = raw.indices.map { firstColumn + ($0 - raw.startIndex) }
            columns = Array(columns.prefix(valueLength))
        case .singleQuoted, .doubleQuoted:
            guard raw.count >= 2 else { return nil }
            var index = raw.startIndex + 1
            let close = raw.endIndex - 1
            while index < close {
                columns.append(firstColumn + (index - raw.startIndex))
                if style == .singleQuoted, raw[index] == "'" {
                    index += 2
                } else if style == .doubleQuoted, raw[index] == "\\" {
                    index += escapeLength(raw, at: index)
                } else {
                    index += 1
                }
            }
        case .literal, .folded:
            return nil
        }
        guard columns.count == valueLength else { return nil }
        let endColumn = (columns.last.map { $0 + 1 }) ?? firstColumn
        return columns.map { SourceLocation(line: line, column: $0) } + [SourceLocation(line: line, column: endColumn)]
    }

    private static func escapeLength(_ raw: ArraySlice<Unicode.Scalar>, at index: Int) -> Int {
        guard index + 1 < raw.endIndex else { return 1 }
        switch raw[index + 1] {
        case "x": return 4
        case "u": return 6
        case "U": return 10
        default: return 2
        }
    }
}
