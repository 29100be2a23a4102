extension WorkflowDiagram {
    /// The diagram as Graphviz DOT, for `dot -Tsvg`; the nodes named in `highlighted` (see
    /// `positionIDs`) are drawn filled and thick, to show where a case stands.
    public func dot(highlighted: Set<String> = []) -> String {
        var lines = ["digraph workflow {",
                     "  graph [rankdir=TB, compound=true, fontname=\"Helvetica\", label=\(Self.quoted(title)), labelloc=t];",
                     "  node [fontname=\"Helvetica\", fontsize=11];",
                     "  edge [fontname=\"Helvetica\", fontsize=9];"]
        lines += clusterLines(nodes, depth: 0, indent: "  ", highlighted: highlighted)
        for edge in edges {
            lines.append("  \(Self.quoted(edge.from)) -> \(Self.quoted(edge.to)) [label=\(Self.quoted(edge.label))\(Self.style(edge.kind))];")
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Nodes outside any deeper cluster at this depth, then each cluster as a subgraph.
    private func clusterLines(_ members: [Node], depth: Int, indent: String, highlighted: Set<String>) -> [String] {
        var lines: [String] = []
        var clusters: [Cluster] = []
        for node in members {
            if node.cluster.count > depth {
                if !clusters.contains(node.cluster[depth]) { clusters.append(node.cluster[depth]) }
            } else {
                let look = highlighted.contains(node.id) ? Self.highlightedShape(node.kind) : Self.shape(node.kind)
                lines.append("\(indent)\(Self.quoted(node.id)) [label=\(Self.quoted(node.label))\(look)];")
            }
        }
        for cluster in clusters {
            lines.append("\(indent)subgraph \(Self.quoted(cluster.id)) {")
            lines.append("\(indent)  label=\(Self.quoted(cluster.label)); style=rounded; color=\"#5770be\";")
            lines += clusterLines(members.filter { $0.cluster.count > depth && $0.cluster[depth] == cluster }, depth: depth + 1, indent: indent + "  ",
                                  highlighted: highlighted)
            lines.append("\(indent)}")
        }
        return lines
    }

    private static func shape(_ kind: NodeKind) -> String {
        switch kind {
        case .start: ", shape=point, width=0.2"
        case .human: ", shape=box, style=rounded"
        case .auto: ", shape=diamond"
        case .wait: ", shape=box, style=\"rounded,dashed\""
        case .parallel: ", shape=box, style=filled, fillcolor=\"#e3e3fd\""
        case .final: ", shape=box, style=\"rounded,bold\", peripheries=2"
        case .escalation: ", shape=octagon, color=\"#ce0500\", fontcolor=\"#ce0500\""
        case .global: ", shape=note, style=dashed"
        }
    }

    /// The same shape, filled in pale yellow with a thick dark blue border (contrast kept for
    /// the black label text).
    private static func highlightedShape(_ kind: NodeKind) -> String {
        let mark = ", penwidth=3, color=\"#000091\", fillcolor=\"#feecc2\""
        switch kind {
        case .start: return ", shape=point, width=0.3" + mark
        case .human: return ", shape=box, style=\"rounded,filled\"" + mark
        case .auto: return ", shape=diamond, style=filled" + mark
        case .wait: return ", shape=box, style=\"rounded,dashed,filled\"" + mark
        case .parallel: return ", shape=box, style=filled" + mark
        case .final: return ", shape=box, style=\"rounded,bold,filled\", peripheries=2" + mark
        case .escalation: return ", shape=octagon, style=filled, fontcolor=\"#ce0500\"" + mark
        case .global: return ", shape=note, style=\"dashed,filled\"" + mark
        }
    }

    private static func style(_ kind: EdgeKind) -> String {
        switch kind {
        case .action, .rule: ""
        case .otherwise: ", style=dashed"
        case .timed: ", style=dashed, color=\"#716043\""
        case .join: ", style=bold, color=\"#5770be\""
        case .opensTrack: ", style=dotted, color=\"#5770be\""
        case .escalation: ", style=dashed, color=\"#ce0500\", fontcolor=\"#ce0500\""
        case .global: ", style=dotted"
        }
    }

    static func quoted(_ text: String) -> String {
        var result = "\""
        for character in text {
            switch character {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            default: result.append(character)
            }
        }
        return result + "\""
    }
}
