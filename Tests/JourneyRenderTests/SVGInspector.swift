import Foundation
import JourneyRender
import Testing
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Parses SVG with Foundation's XML parser and collects what a reader checks.
final class SVGInspector: NSObject, XMLParserDelegate {
    struct Element {
        var name: String
        var attributes: [String: String]
    }

    private(set) var elements: [Element] = []
    private(set) var texts: [String] = []
    /// Each text element's content with its attributes.
    private(set) var textElements: [(text: String, attributes: [String: String])] = []
    private var textAttributes: [String: String] = [:]
    private var currentText = ""
    private var inText = false
    private(set) var error: (any Error)?

    /// Parses the document; returns false when it is not well-formed XML.
    func parse(_ svg: String) -> Bool {
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = self
        let ok = parser.parse()
        error = parser.parserError
        return ok
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
                attributes attributeDict: [String: String] = [:]) {
        elements.append(Element(name: elementName, attributes: attributeDict))
        if elementName == "text" { inText = true; currentText = ""; textAttributes = attributeDict }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inText { currentText += string }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        if elementName == "text" {
            texts.append(currentText)
            textElements.append((currentText, textAttributes))
            inText = false
        }
    }

    /// The root's width and height.
    var size: (width: Double, height: Double) {
        let root = elements.first { $0.name == "svg" }
        return (Double(root?.attributes["width"] ?? "") ?? 0, Double(root?.attributes["height"] ?? "") ?? 0)
    }
}
