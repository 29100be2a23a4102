import Foundation

extension JSONValue {
    /// Parses JSON text strictly, keeping numbers exact and refusing duplicate keys.
    public init(parsing text: String) throws(JSONParseError) {
        var parser = JSONParser(Array(text.utf8))
        self = try parser.parseDocument()
    }

    /// Parses UTF-8 JSON bytes strictly, keeping numbers exact and refusing duplicate keys.
    public init(parsing data: Data) throws(JSONParseError) {
        guard let text = String(bytes: data, encoding: .utf8) else {
            throw JSONParseError(message: "the text is not valid UTF-8", offset: 0)
        }
        try self.init(parsing: text)
    }
}
