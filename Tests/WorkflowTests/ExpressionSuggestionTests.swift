import Testing
@testable import Workflow

@Suite("Suggestion")
struct ExpressionSuggestionTests {
    @Test("computes the Levenshtein distance", arguments: [
        ("", "", 0), ("abc", "", 3), ("kitten", "sitting", 3), ("usager.nr", "usager.nir", 1), ("flaw", "lawn", 2),
        ("é", "e", 1),
    ])
    func distance(_ a: String, _ b: String, _ expected: Int) {
        #expect(Suggestion.levenshtein(a, b) == expected)
        #expect(Suggestion.levenshtein(b, a) == expected)
    }

    @Test("suggests the closest plausible name")
    func closest() {
        let names = ["usager.nir", "usager.nom", "usager.date_naissance", "terrain.zone"]
        #expect(Suggestion.closest(to: "usager.nr", among: names) == "usager.nir")
        #expect(Suggestion.closest(to: "Terrain.Zone", among: names) == "terrain.zone")
        #expect(Suggestion.closest(to: "usager.date_naisance", among: names) == "usager.date_naissance")
        #expect(Suggestion.closest(to: "cadastre", among: names) == nil)
        #expect(Suggestion.closest(to: "x", among: [String]()) == nil)
        #expect(Suggestion.closest(to: "usager.no", among: names) == "usager.nom")
        // "dossier.x" is one edit from both candidates: the one that sorts first wins, whatever the order given.
        #expect(Suggestion.closest(to: "dossier.x", among: ["dossier.x2", "dossier.x1"]) == "dossier.x1")
        #expect(Suggestion.closest(to: "dossier.x", among: ["dossier.x1", "dossier.x2"]) == "dossier.x1")
    }
}
