import Foundation
import Testing
@testable import Workflow

let expressionTestStatuts = ["contractuel", "fonctionnaire_hospitalier", "fonctionnaire_etat"]

/// The field table of the tests, after the brief's examples.
let expressionTestFields: [String: ValueType] = [
    "usager.nir": .string,
    "usager.date_naissance": .date,
    "usager.situation": .enumeration(["etudiant", "salarie", "retraite"]),
    "carriere.statuts": .list(.enumeration(expressionTestStatuts)),
    "carriere.trimestres": .int,
    "sante.taux_invalidite": .decimal,
    "decision.date": .date,
    "decision.horodatage": .datetime,
    "dossier.urgent": .bool,
    "dossier.etiquettes": .list(.string),
    "justificatif": .document,
    "date_depart_souhaitee": .date,
    "avis.abf": .enumeration(["favorable", "defavorable"]),
]

private func problems(_ source: String, expecting expected: ExpectedType = .condition) throws -> [ExpressionError] {
    TypeChecker(fields: expressionTestFields).check(try ExpressionNode.parse(source), expecting: expected)
}

@Suite("Expression type checker")
struct ExpressionTypeCheckerTests {
    @Test("accepts well-typed conditions", arguments: [
        "carriere.statuts contains \"contractuel\" and len(carriere.statuts) > 1",
        "usager.date_naissance + 62y > date_depart_souhaitee",
        "exists(avis.abf) and avis.abf == \"defavorable\"",
        "sante.taux_invalidite * 2 > carriere.trimestres / 3",
        "justificatif.issuer == \"caf\" and justificatif.size > 0",
        "usager.situation in [\"etudiant\", \"salarie\"]",
        "\"etudiant\" == usager.situation",
        "decision.horodatage + 12h < now() - 30min",
        "decision.date + 10bd <= today() and decision.date >= 2026-01-01",
        "not dossier.urgent or -carriere.trimestres < -4",
        "usager.nir != 'x' and len(usager.nir) == 13",
        "exists(justificatif) and exists(justificatif.sha256)",
        "dossier.etiquettes == [] or [] == dossier.etiquettes",
        "sante.taux_invalidite == 0.5 or sante.taux_invalidite in [1, 2.5]",
        "6mo + decision.date > today()",
        "usager.situation == avis.abf or usager.nir == usager.situation",
    ])
    func accepts(_ source: String) throws {
        #expect(try problems(source) == [])
    }

    @Test("reports type errors with their position", arguments: [
        ("usager.nr == \"x\"", ExpressionError.Code.unknownField, 0, 9,
         "unknown field 'usager.nr'; did you mean 'usager.nir'?"),
        ("usager == \"x\"", .unknownField, 0, 6,
         "'usager' is a group of fields, not a field; name one of them, like 'usager.date_naissance'"),
        ("foo > 1", .unknownField, 0, 3, "unknown field 'foo'; declare it under 'fields' or correct its name"),
        ("justificatif.issuerr == \"caf\"", .unknownField, 0, 20,
         "'justificatif' is a document, and 'issuerr' is not one of its members; "
            + "a document has type, issuer, sha256, name and size; did you mean 'issuer'?"),
        ("carriere.trimestres == \"12\"", .typeMismatch, 20, 2,
         "cannot compare int with string; write the number without quotes, or compare with a string in quotes"),
        ("usager.situation == \"etudiantt\"", .enumValue, 20, 11,
         "'etudiantt' is not a value of 'usager.situation'; the values are: etudiant, salarie, retraite; "
            + "did you mean 'etudiant'?"),
        ("\"chomeur\" != usager.situation", .enumValue, 0, 9,
         "'chomeur' is not a value of 'usager.situation'; the values are: etudiant, salarie, retraite"),
        ("carriere.statuts contains \"contractual\"", .enumValue, 26, 13,
         "'contractual' is not a value of 'carriere.statuts'; the values are: contractuel, fonctionnaire_hospitalier, "
            + "fonctionnaire_etat; did you mean 'contractuel'?"),
        ("usager.situation in [\"etudiant\", \"salari\"]", .enumValue, 33, 8,
         "'salari' is not a value of 'usager.situation'; the values are: etudiant, salarie, retraite; "
            + "did you mean 'salarie'?"),
        ("\"x\" in usager.nir", .typeMismatch, 7, 10,
         "'in' needs a list on its right, like x in [\"a\", \"b\"], not a string"),
        ("usager.nir contains \"1\"", .typeMismatch, 0, 10,
         "'contains' needs a list on its left, like carriere.statuts contains \"contractuel\", not a string"),
        ("carriere.statuts contains 3", .typeMismatch, 17, 8, "cannot look for an int in a list of enum"),
        ("len() > 1", .arguments, 0, 5, "len() takes one value, like len(carriere.statuts)"),
        ("today(1) > decision.date", .arguments, 0, 8, "today() takes no value; write today()"),
        ("len(carriere.trimestres) > 1", .arguments, 4, 19,
         "len() counts the elements of a list or the characters of a string, not an int"),
        ("exists(1 + 1)", .arguments, 7, 5, "exists() takes a field path, like exists(avis.abf)"),
        ("exists(avis.abff)", .unknownField, 7, 9, "unknown field 'avis.abff'; did you mean 'avis.abf'?"),
        ("carriere.trimestres", .resultType, 0, 19,
         "a condition must be true or false, but this gives an int; compare it with something, like "
            + "'carriere.trimestres > 0'"),
        ("carriere.trimestres + 1 and dossier.urgent", .typeMismatch, 0, 23,
         "'and' joins conditions (true or false), but its left side is an int"),
        ("not usager.nir", .typeMismatch, 4, 10, "'not' takes a condition (true or false), not a string"),
        ("usager.date_naissance + 12h > date_depart_souhaitee", .typeMismatch, 24, 3,
         "a date has no time of day, so '12h' cannot move it; use days (d, w, bd), months (mo) or years (y)"),
        ("usager.date_naissance < now()", .typeMismatch, 22, 1,
         "cannot compare date with datetime; use today() with dates and now() with datetimes"),
        ("avis.abf == null", .typeMismatch, 12, 4,
         "a missing field is not null here; to test whether a field is present, write exists(x) or not exists(x)"),
        ("usager.nir < \"2\"", .typeMismatch, 11, 1,
         "'<' orders numbers, dates and datetimes, not string values; use '==' or '!=' to compare them"),
        ("decision.date - usager.date_naissance > 10", .typeMismatch, 14, 1,
         "cannot subtract date from date; add a duration to one of them and compare, like "
            + "'usager.date_naissance + 62y > date_depart'"),
        ("usager.nir + \"x\" == \"y\"", .typeMismatch, 11, 1, "cannot add string and string"),
        ("-usager.nir == \"x\"", .typeMismatch, 0, 11, "cannot negate a string; '-' takes a number"),
        ("decision.date - -10d > today()", .typeMismatch, 16, 4,
         "cannot negate a duration; '-' takes a number; subtract the duration instead, like 'x - 10d'"),
        ("carriere.statuts == [\"contractuel\", \"etat\"]", .enumValue, 36, 6,
         "'etat' is not a value of 'carriere.statuts'; the values are: contractuel, fonctionnaire_hospitalier, "
            + "fonctionnaire_etat"),
        ("[1, \"a\"] == []", .typeMismatch, 4, 3, "a list holds values of one type, but this one mixes int and string"),
        ("carriere.trimestres + null > 1", .typeMismatch, 22, 4,
         "null only clears a field, as the whole value of a 'set'; it cannot be used here"),
    ])
    func errors(_ source: String, _ code: ExpressionError.Code, _ offset: Int, _ length: Int, _ message: String) throws {
        let found = try problems(source)
        #expect(found.count == 1, "\(found)")
        let first = try #require(found.first)
        #expect(first.code == code)
        #expect(first.message == message)
        #expect(first.offset == offset)
        #expect(first.length == length)
    }

    @Test("reports every independent problem, in order, without cascades")
    func severalErrors() throws {
        let found = try problems("usager.nr == \"x\" and carriere.trimestre > 0 or usager.situation == \"etudiantt\"")
        #expect(found.map(\.code) == [.unknownField, .unknownField, .enumValue])
        #expect(found.map(\.offset) == [0, 21, 67])
    }

    @Test("gives int and decimal mixes a decimal type")
    func numericTypes() throws {
        let checker = TypeChecker(fields: expressionTestFields)
        #expect(checker.type(of: try ExpressionNode.parse("carriere.trimestres + 1")) == .int)
        #expect(checker.type(of: try ExpressionNode.parse("carriere.trimestres + sante.taux_invalidite")) == .decimal)
        #expect(checker.type(of: try ExpressionNode.parse("carriere.trimestres / 2")) == .decimal)
        #expect(checker.type(of: try ExpressionNode.parse("-1.5 * 2")) == .decimal)
        #expect(checker.type(of: try ExpressionNode.parse("[1, 2.5]")) == .list(.decimal))
        #expect(checker.type(of: try ExpressionNode.parse("decision.horodatage - 1d")) == .datetime)
        #expect(checker.type(of: try ExpressionNode.parse("justificatif.size")) == .int)
        #expect(checker.type(of: try ExpressionNode.parse("foo")) == nil)
    }

    @Test("checks set values against the field's type", arguments: [
        ("today()", ValueType.date, nil as String?),
        ("usager.date_naissance + 62y", .date, nil),
        ("null", .date, nil),
        ("\"etudiant\"", .enumeration(["etudiant", "salarie"]), nil),
        ("[\"contractuel\"]", .list(.enumeration(expressionTestStatuts)), nil),
        ("[]", .list(.enumeration(expressionTestStatuts)), nil),
        ("carriere.trimestres + 1", .int, nil),
        ("carriere.trimestres", .decimal, nil),
        ("avis.abf", .enumeration(["favorable", "defavorable", "sans-avis"]), nil),
        ("avis.abf", .string, nil),
        ("now()", .datetime, nil),
        ("carriere.trimestres > 3", .bool, nil),
        ("now()", .date, "the field holds a date, but this gives a datetime; use today() rather than now() for a date"),
        ("carriere.trimestres / 2", .int, "the field holds an int, but this gives a decimal"),
        ("\"etudiantt\"", .enumeration(["etudiant", "salarie"]),
         "'etudiantt' is not one of the allowed values; the values are: etudiant, salarie; did you mean 'etudiant'?"),
        ("[\"contractuel\", \"autre\"]", .list(.enumeration(expressionTestStatuts)),
         "'autre' is not one of the allowed values; the values are: contractuel, fonctionnaire_hospitalier, "
            + "fonctionnaire_etat"),
        ("usager.nir", .enumeration(["a"]),
         "the field holds an enum, but this gives a string; write one of its values in quotes: a"),
        ("avis.abf", .enumeration(["favorable"]), "the field holds an enum, but this gives an enum"),
        ("[1]", .list(.string), "the field holds a list of string, but this gives a list of int"),
    ])
    func setValues(_ source: String, _ type: ValueType, _ message: String?) throws {
        let found = try problems(source, expecting: .value(type))
        #expect(found.map(\.message) == (message.map { [$0] } ?? []))
    }

    @Test("compiles in one step and lists the fields read")
    func compiled() throws {
        let compiled = try CompiledExpression(
            "exists(avis.abf) and avis.abf == \"defavorable\" or carriere.trimestres > 4",
            fields: expressionTestFields, expecting: .condition)
        #expect(compiled.type == .bool)
        #expect(compiled.fieldPaths == ["avis.abf", "carriere.trimestres"])
        #expect(throws: ExpressionErrors.self) {
            try CompiledExpression("avis.abf ==", fields: expressionTestFields, expecting: .condition)
        }
        do {
            _ = try CompiledExpression("usager.nr == 1 or foo", fields: expressionTestFields, expecting: .condition)
            Issue.record("compiled an expression with unknown fields")
        } catch {
            #expect(error.errors.map(\.offset) == [0, 18])
        }
    }
}
