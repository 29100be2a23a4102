import Foundation
import Hummingbird

/// Ids in paths and links, and where a form may send the browser back to.
enum WebPaths {
    static func text(_ id: UUID) -> String { id.lowercasedString }

    /// The `{id}` of the path; a malformed id is a page that does not exist.
    static func id(_ context: WebContext, _ name: String = "id") throws -> UUID {
        guard let text = context.parameters.get(name), let id = UUID(uuidString: text) else {
            throw WebFailure(status: .notFound, key: "error_not_found")
        }
        return id
    }

    /// A path of this site to go back to; anything else (another site, `//host`) is refused.
    static func back(_ asked: String?, otherwise: String) -> String {
        // Browsers drop tabs and newlines and read "\\" as "/": "/\t/host" would leave the site.
        guard let asked, asked.hasPrefix("/"), !asked.hasPrefix("//"),
              !asked.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F || $0 == "\\" }) else {
            return otherwise
        }
        return asked
    }

    static func query(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? value
    }
}
