import Foundation

/// Every text of the pages, one file per language (`Web/Texts/fr.json`, `en.json`): French by
/// default, English when the visitor asks (`?lang=en`, then remembered in a cookie).
struct Texts: Sendable {
    enum Language: String, Sendable, CaseIterable {
        case french = "fr"
        case english = "en"
    }

    let language: Language
    let table: [String: String]

    /// The text of `key`; the key itself when a translation is missing, so that it shows up.
    subscript(_ key: String) -> String { table[key] ?? key }

    /// `key`'s text with `{name}` placeholders replaced.
    func format(_ key: String, _ values: [String: String]) -> String {
        values.reduce(self[key]) { text, pair in text.replacingOccurrences(of: "{\(pair.key)}", with: pair.value) }
    }

    static func `for`(_ language: Language) -> Texts { loaded[language]! }

    private static let loaded: [Language: Texts] = {
        var result: [Language: Texts] = [:]
        for language in Language.allCases {
            guard let url = Bundle.module.url(forResource: language.rawValue, withExtension: "json", subdirectory: "Texts"),
                  let data = try? Data(contentsOf: url),
                  let table = try? JSONDecoder().decode([String: String].self, from: data) else {
                fatalError("the texts of the pages in '\(language.rawValue)' are missing from the build (Web/Texts)")
            }
            result[language] = Texts(language: language, table: table)
        }
        return result
    }()
}
