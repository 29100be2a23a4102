import Foundation

/// The opaque cursor of a case list: the last id of the page, base64url.
enum Cursor {
    static func encode(_ id: UUID) -> String {
        Data(id.lowercasedString.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: String?) throws -> UUID? {
        guard let text else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let string = String(data: data, encoding: .utf8),
              let id = UUID(uuidString: string) else {
            throw Problem.badRequest("'after' is not a cursor of this API; pass the 'next' of the previous page", parameter: "after")
        }
        return id
    }
}
