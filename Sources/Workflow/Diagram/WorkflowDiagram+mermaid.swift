extension WorkflowDiagram {
    /// The diagram as a Mermaid flowchart, for documentation pages that render Mermaid.
    public func mermaid() -> String {
        var ids: [String: String] = [:]
        for (index, node) in nodes.enumerated() { ids[node.id] = "n\(index)" }
        var lines = ["---", "title: \(title.replacingOccurrences(of: "\n", with: " "))", "---", "flowchart TD"]
        lines += mermaidClusterLines(nodes, depth: 0, indent: "  ", ids: ids)
        for edge in edges {
            guard let from = ids[edge.from], let to = ids[edge.to] else { continue }
            let arrow = edge.kind == .escalation || edge.kind == .timed || edge.kind == .otherwise || edge.kind == .opensTrack || edge.kind == .global ? "-.->" : (edge.kind == .join ? "==>" : "-->")
            let label = edge.label.isEmpty ? "" : "|\(Self.mermaidText(edge.label))|"
            lines.append("  \(from) \(arrow)\(label) \(to)")
        }
        lines.append("  classDef escalation stroke:#ce0500,color:#ce0500,stroke-dasharray:4")
        lines.append("  classDef final stroke-width:3px")
        let escalations = nodes.filter { $0.kind == .escalation }.compactMap { ids[$0.id] }
        if !escalations.isEmpty { lines.append("  class \(escalations.joined(separator: ",")) escalation") }
        let finals = nodes.filter { $0.kind == .final }.compactMap { ids[$0.id] }
        if !finals.isEmpty { lines.append("  class \(finals.joined(separator: ",")) final") }
        return lines.joined(separator: "\n") + "\n"
    }

    private func mermaidClusterLines(_ members: [Node], depth: Int, indent: String, ids: [String: String]) -> [String] {
        var lines: [String] = []
        var clusters: [Cluster] = []
        for node in members {
            if node.cluster.count > depth {
                if !clusters.contains(node.cluster[depth]) { clusters.append(node.cluster[depth]) }
            } else if let id = ids[node.id] {
                lines.append(indent + Self.mermaidNode(id: id, node: node))
            }
        }
        for cluster in clusters {
            lines.append("\(indent)subgraph \(Self.sanitized(cluster.id))[\"\(Self.mermaidText(cluster.label))\"]")
            lines += mermaidClusterLines(members.filter { $0.cluster.count > depth && $0.cluster[depth] == cluster }, depth: depth + 1, indent: indent + "  ", ids: ids)
            lines.append("\(indent)end")
        }
        return lines
    }

    private static func mermaidNode(id: String, node: Node) -> String {
        let text = "\"\(mermaidText(node.label))\""
        switch node.kind {
        case .start: return "\(id)((start))"
        case .human, .wait, .global: return "\(id)(\(text))"
        case .auto: return "\(id){\(text)}"
        case .parallel: return "\(id)[[\(text)]]"
        case .final: return "\(id)([\(text)])"
        case .escalation: return "\(id){{\(text)}}"
        }
    }

    static func mermaidText(_ text: String) -> String {
        text.replacingOccurrences(of: "\"", with: "#quot;")
            .replacingOccurrences(of: "\n", with: "<br/>")
            .replacingOccurrences(of: "|", with: "#124;")
    }
}
