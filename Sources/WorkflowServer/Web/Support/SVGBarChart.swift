import Foundation

/// A horizontal bar chart drawn on the server as inline SVG: no script, no style element (the
/// pages' CSP forbids both), only shapes, text and classes that `parcours.css` colours.
///
/// Each bar is a label written above it and one segment per series, stacked (for example
/// open and resolved escalations), with the total at the end. The chart is an image for
/// assistive technologies (`role="img"`, `<title>` and `<desc>`); the page gives its numbers
/// again in a table. Every text put in the SVG is escaped: labels come from workflows and
/// from what people raised, and must never become markup.
struct SVGBarChart {
    struct Series {
        var name: String
        /// A class of `svg.chart rect.bar` in the stylesheet (`""` or `"alert"`).
        var style: String
        /// The fill used when the stylesheet is not there (a chart saved on its own).
        var fill: String
    }

    struct Bar {
        var label: String
        /// One value per series, in the order of `series`.
        var values: [Int]
        var total: Int { values.reduce(0, +) }
    }

    var id: String
    var title: String
    var description: String
    var series: [Series]
    var bars: [Bar]

    static let width = 420
    static let barHeight = 16
    static let rowHeight = 40
    static let labelLength = 62

    var svg: String {
        let top = series.count > 1 ? 28 : 8
        let height = top + max(1, bars.count) * Self.rowHeight + 4
        let largest = max(1, bars.map(\.total).max() ?? 1)
        let room = Double(Self.width - 40)
        var out = "<svg class=\"chart\" id=\"\(Self.escape(id))\" role=\"img\" aria-labelledby=\"\(Self.escape(id))-title \(Self.escape(id))-desc\""
        out += " xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Self.width) \(height)\" width=\"\(Self.width)\" height=\"\(height)\""
        out += " preserveAspectRatio=\"xMinYMin meet\">"
        out += "<title id=\"\(Self.escape(id))-title\">\(Self.escape(title))</title>"
        out += "<desc id=\"\(Self.escape(id))-desc\">\(Self.escape(description))</desc>"
        if series.count > 1 {
            // The legend: a swatch and the name of each series.
            var x = 0
            for item in series {
                out += "<rect class=\"swatch bar \(Self.escape(item.style))\" fill=\"\(Self.escape(item.fill))\" x=\"\(x)\" y=\"4\" width=\"14\" height=\"14\"/>"
                out += "<text x=\"\(x + 20)\" y=\"16\">\(Self.escape(item.name))</text>"
                x += 40 + min(item.name.count, 30) * 8
            }
        }
        for (row, bar) in bars.enumerated() {
            let y = top + row * Self.rowHeight
            out += "<g class=\"row\"><text x=\"0\" y=\"\(y + 13)\">\(Self.escape(Self.shorten(bar.label)))</text>"
            var x = 0.0
            for (index, value) in bar.values.enumerated() where value > 0 && index < series.count {
                let length = max(2, room * Double(value) / Double(largest))
                out += "<rect class=\"bar \(Self.escape(series[index].style))\" fill=\"\(Self.escape(series[index].fill))\""
                out += " x=\"\(Self.number(x))\" y=\"\(y + 18)\" width=\"\(Self.number(length))\" height=\"\(Self.barHeight)\">"
                out += "<title>\(Self.escape("\(bar.label) — \(series[index].name) : \(value)"))</title></rect>"
                x += length
            }
            out += "<text class=\"value\" x=\"\(Self.number(x + 6))\" y=\"\(y + 31)\">\(bar.total)</text></g>"
        }
        return out + "</svg>"
    }

    /// A label longer than the chart's width ends with "…" (the table gives it whole).
    static func shorten(_ label: String) -> String {
        label.count <= labelLength ? label : String(label.prefix(labelLength - 1)) + "…"
    }

    static func number(_ value: Double) -> String {
        String(format: "%.1f", value)
    }

    /// Text for SVG content and attribute values: the five characters of XML markup.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
