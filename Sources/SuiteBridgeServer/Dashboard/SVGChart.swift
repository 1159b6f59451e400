import Foundation

/// A chart the server draws as inline SVG: lines or bars over equally spaced points, a value axis from zero, the
/// first and last labels of the other axis, a title and a legend. No script and nothing loaded from elsewhere; a
/// reader without images gets the title and a one-line summary.
struct SVGChart {
    enum Style { case line, dashedLine, bars }

    struct Series {
        var name: String
        var values: [Double]
        var style: Style
        /// A CSS colour.
        var color: String
    }

    var id: String
    var title: String
    /// The labels under the first and the last point.
    var firstLabel: String
    var lastLabel: String
    var series: [Series]
    /// What the values count ("requests a minute").
    var unit: String

    static let width = 720.0
    static let height = 180.0
    static let margin = (left: 48.0, right: 12.0, top: 12.0, bottom: 28.0)

    /// The chart as an SVG element inside a figure.
    var html: String {
        let count = series.map(\.values.count).max() ?? 0
        let top = max(1, series.flatMap(\.values).max() ?? 1)
        let scale = Self.niceCeiling(top)
        let plotWidth = Self.width - Self.margin.left - Self.margin.right
        let plotHeight = Self.height - Self.margin.top - Self.margin.bottom
        func x(_ index: Int) -> Double { Self.margin.left + (count <= 1 ? plotWidth / 2 : plotWidth * Double(index) / Double(count - 1)) }
        func y(_ value: Double) -> Double { Self.margin.top + plotHeight * (1 - value / scale) }
        var shapes = ""
        for item in series {
            switch item.style {
            case .bars:
                let barWidth = max(1, plotWidth / Double(max(count, 1)) * 0.7)
                for (index, value) in item.values.enumerated() where value > 0 {
                    shapes += #"<rect x="\#(Self.format(x(index) - barWidth / 2))" y="\#(Self.format(y(value)))" width="\#(Self.format(barWidth))" height="\#(Self.format(y(0) - y(value)))" fill="\#(item.color)"><title>\#(Self.escape(item.name)): \#(Self.format(value))</title></rect>"#
                }
            case .line, .dashedLine:
                let points = item.values.enumerated().map { "\(Self.format(x($0.offset))),\(Self.format(y($0.element)))" }.joined(separator: " ")
                shapes += #"<polyline points="\#(points)" fill="none" stroke="\#(item.color)" stroke-width="1.5"\#(item.style == .dashedLine ? #" stroke-dasharray="5 4""# : "")/>"#
            }
        }
        let summary = series.map { "\($0.name): most \(Self.format($0.values.max() ?? 0)), total \(Self.format($0.values.reduce(0, +)))" }.joined(separator: "; ")
        let axes = """
            <line x1="\(Self.margin.left)" y1="\(Self.format(y(0)))" x2="\(Self.width - Self.margin.right)" y2="\(Self.format(y(0)))" stroke="#55607a"/>\
            <line x1="\(Self.margin.left)" y1="\(Self.margin.top)" x2="\(Self.margin.left)" y2="\(Self.format(y(0)))" stroke="#55607a"/>\
            <text x="\(Self.margin.left - 6)" y="\(Self.format(y(scale) + 4))" text-anchor="end" font-size="11">\(Self.format(scale))</text>\
            <text x="\(Self.margin.left - 6)" y="\(Self.format(y(0) + 4))" text-anchor="end" font-size="11">0</text>\
            <text x="\(Self.margin.left)" y="\(Self.height - 8)" font-size="11">\(Self.escape(firstLabel))</text>\
            <text x="\(Self.width - Self.margin.right)" y="\(Self.height - 8)" text-anchor="end" font-size="11">\(Self.escape(lastLabel))</text>
            """
        // Colours as SVG attributes, not style attributes: the dashboard's Content-Security-Policy allows no inline style.
        let legend = series.map {
            #"<span class="legend"><svg class="swatch" width="12" height="12" aria-hidden="true"><rect width="12" height="12" fill="\#($0.color)"/></svg>\#(Self.escape($0.name))</span>"#
        }.joined(separator: " ")
        return """
            <figure class="chart"><svg id="\(id)" role="img" aria-labelledby="\(id)-title \(id)-summary" viewBox="0 0 \(Int(Self.width)) \(Int(Self.height))" \
            width="100%" data-points="\(count)" xmlns="http://www.w3.org/2000/svg"><title id="\(id)-title">\(Self.escape(title))</title>\
            <desc id="\(id)-summary">\(Self.escape(unit)). \(Self.escape(summary))</desc>\(axes)\(shapes)</svg>\
            <figcaption><strong>\(Self.escape(title))</strong> (\(Self.escape(unit))) \(legend)</figcaption></figure>
            """
    }

    /// The smallest of 1, 2, 5 × 10ⁿ at or above `value`.
    static func niceCeiling(_ value: Double) -> Double {
        let power = pow(10, floor(log10(max(value, 1))))
        for step in [1.0, 2, 5, 10] where step * power >= value { return step * power }
        return 10 * power
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(format: "%.1f", value)
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}
