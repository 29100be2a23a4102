extension ExpressionNode {
    /// The field paths the expression names, each once, in the order they are written.
    public var fieldPaths: [String] {
        var paths: [String] = []
        collectFieldPaths(into: &paths)
        return paths
    }

    private func collectFieldPaths(into paths: inout [String]) {
        switch kind {
        case .literal: break
        case .field(let path): if !paths.contains(path) { paths.append(path) }
        case .list(let elements): elements.forEach { $0.collectFieldPaths(into: &paths) }
        case .unary(_, let operand): operand.collectFieldPaths(into: &paths)
        case .binary(_, let left, let right, _):
            left.collectFieldPaths(into: &paths)
            right.collectFieldPaths(into: &paths)
        case .call(_, let arguments, _): arguments.forEach { $0.collectFieldPaths(into: &paths) }
        }
    }
}
