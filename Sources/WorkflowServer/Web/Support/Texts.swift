import Foundation

/// Every text of the pages, in one folder per language (`Web/Texts/fr/`, `Web/Texts/en/`, one
/// JSON file per page so that pages can be worked on apart): French by default, English when
/// the visitor asks (`?lang=en`, then remembered in a cookie).
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
            do {
                result[language] = Texts(language: language, table: try table(language))
            } catch {
                fatalError("the texts of the pages in '\(language.rawValue)' cannot be read: \(error)")
            }
        }
        return result
    }()

    /// The files of a language's folder merged; a key given twice is a mistake to fix.
    static func table(_ language: Language) throws -> [String: String] {
        guard let folder = Bundle.module.url(forResource: language.rawValue, withExtension: nil, subdirectory: "Texts") else {
            throw WebTextsError("the folder Texts/\(language.rawValue) is missing from the build")
        }
        var table: [String: String] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() where file.hasSuffix(".json") {
            let data = try Data(contentsOf: folder.appendingPathComponent(file))
            for (key, text) in try JSONDecoder().decode([String: String].self, from: data) {
                guard table.updateValue(text, forKey: key) == nil else {
                    throw WebTextsError("the key '\(key)' is given twice (Texts/\(language.rawValue)/\(file))")
                }
            }
        }
        return table
    }
}

struct WebTextsError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
