import Foundation
import Testing
@testable import Workflow

private func instant(_ text: String) -> Date {
    guard let value = RFC3339.parse(text) else { fatalError("bad test instant \(text)") }
    return value
}

/// 13 July 2026, 23:30 UTC: already 14 July (a holiday) in Paris.
private let now = instant("2026-07-13T23:30:00Z")

private let caseData: JSONValue = [
    "usager": ["nir": "1840675123456", "date_naissance": "1964-02-29", "situation": "etudiant"],
    "carriere": ["statuts": ["contractuel", "fonctionnaire_etat"], "trimestres": 12],
    "sante": ["taux_invalidite": "0.2"],
    "decision": ["date": "2026-04-01", "horodatage": "2026-03-28T12:00:00+01:00"],
    "justificatif": ["type": "avis-imposition", "issuer": "dgfip", "sha256": "ab12", "name": "avis.pdf", "size": 52011],
    "date_depart_souhaitee": "2026-03-01",
]

private func value(_ source: String, data: JSONValue = caseData) throws -> ValueResult {
    Evaluator(fields: expressionTestFields, now: now).value(try ExpressionNode.parse(source), data: data)
}

private func condition(_ source: String, data: JSONValue = caseData) throws -> ConditionResult {
    Evaluator(fields: expressionTestFields, now: now).condition(try ExpressionNode.parse(source), data: data)
}

private func failureMessage(_ result: ValueResult) -> String? {
    if case .failure(let failure) = result { return failure.message }
    return nil
}

@Suite("Expression evaluator")
struct ExpressionEvaluatorTests {
    @Test("computes set values as the JSON to write", arguments: [
        ("usager.date_naissance + 62y", JSONValue.string("2026-02-28")),
        ("decision.date + 10bd", "2026-04-16"),
        ("decision.date - 1mo", "2026-03-01"),
        ("today()", "2026-07-14"),
        ("today() + 1bd", "2026-07-15"),
        ("now()", "2026-07-14T01:30:00+02:00"),
        ("decision.horodatage + 1d", "2026-03-29T12:00:00+02:00"),
        ("decision.horodatage + 24h", "2026-03-29T13:00:00+02:00"),
        ("sante.taux_invalidite + 0.1", .number(JSONNumber("0.3")!)),
        ("carriere.trimestres / 8", .number(JSONNumber("1.5")!)),
        ("carriere.trimestres * 2 - 1", 23),
        ("-carriere.trimestres", -12),
        ("len(carriere.statuts)", 2),
        ("len(usager.nir)", 13),
        ("len(\"é😀\")", 2),
        ("[\"contractuel\"]", .array(["contractuel"])),
        ("usager.situation", "etudiant"),
        ("justificatif.issuer", "dgfip"),
        ("justificatif.size + 1", 52012),
        ("null", .null),
        ("carriere.trimestres > 10", true),
        ("'l\\'avis'", "l'avis"),
    ])
    func values(_ source: String, _ expected: JSONValue) throws {
        #expect(try value(source) == .value(expected))
    }

    @Test("keeps decimals exact")
    func exactDecimals() throws {
        let data: JSONValue = ["sante": ["taux_invalidite": .number(JSONNumber("12345678901234567890.123456789")!)]]
        #expect(try value("sante.taux_invalidite + 0.000000001", data: data)
            == .value(.number(JSONNumber("12345678901234567890.12345679")!)))
        #expect(try value("sante.taux_invalidite * 1", data: data).jsonText == "12345678901234567890.123456789")
        let ints: JSONValue = ["sante": ["taux_invalidite": 3]]
        #expect(try value("sante.taux_invalidite / 3", data: ints) == .value(1))
    }

    @Test("evaluates conditions on the case data", arguments: [
        ("carriere.statuts contains \"contractuel\" and len(carriere.statuts) > 1", ConditionResult.true),
        ("usager.date_naissance + 62y > date_depart_souhaitee", .false),
        ("usager.date_naissance + 62y >= 2026-02-28", .true),
        ("usager.situation in [\"etudiant\", \"salarie\"]", .true),
        ("usager.situation != \"etudiant\"", .false),
        ("\"fonctionnaire_hospitalier\" in carriere.statuts", .false),
        ("justificatif.issuer == \"dgfip\" and justificatif.size > 50000", .true),
        ("sante.taux_invalidite == 0.20", .true),
        ("sante.taux_invalidite < carriere.trimestres", .true),
        ("decision.horodatage < now() and decision.date <= today()", .true),
        ("decision.horodatage + 1d == decision.horodatage + 23h", .true),
        ("carriere.statuts == [\"contractuel\", \"fonctionnaire_etat\"]", .true),
        ("exists(avis.abf) and avis.abf == \"defavorable\"", .false),
        ("avis.abf == \"defavorable\"", .unknown(missing: ["avis.abf"])),
        ("exists(justificatif.issuer) and not exists(justificatif.taille)", .true),
    ])
    func conditions(_ source: String, _ expected: ConditionResult) throws {
        #expect(try condition(source) == expected)
    }

    @Test("is unknown when a value needs a missing field")
    func unknownValue() throws {
        #expect(try value("avis.abf") == .unknown(missing: ["avis.abf"]))
        let data: JSONValue = ["carriere": ["trimestres": .null]]
        #expect(try value("carriere.trimestres + len(carriere.statuts)", data: data)
            == .unknown(missing: ["carriere.trimestres", "carriere.statuts"]))
    }

    @Test("fails, without crashing, at run time", arguments: [
        ("carriere.trimestres / 0", "division by zero"),
        ("sante.taux_invalidite / (carriere.trimestres - 12)", "division by zero"),
        ("usager.date_naissance + 9000y", "the resulting date is outside the calendar (years 1 to 9999)"),
        ("usager.date_naissance - 2000y", "the resulting date is outside the calendar (years 1 to 9999)"),
        ("carriere.trimestres * 9223372036854775807", "the number is too large"),
    ])
    func runTimeFailures(_ source: String, _ message: String) throws {
        #expect(failureMessage(try value(source)) == message)
    }

    @Test("fails when the data does not match the declared type", arguments: [
        (#"{"carriere": {"trimestres": "douze"}}"#, "carriere.trimestres + 1",
         "field 'carriere.trimestres' holds \"douze\", which is not an int; correct the case data"),
        (#"{"carriere": {"trimestres": 1.5}}"#, "carriere.trimestres",
         "field 'carriere.trimestres' holds 1.5, which is not an int; correct the case data"),
        (#"{"usager": {"situation": "chomeur"}}"#, "usager.situation",
         "field 'usager.situation' holds \"chomeur\", which is not one of its values (etudiant, salarie, retraite); "
            + "correct the case data"),
        (#"{"usager": {"date_naissance": "29/02/1964"}}"#, "usager.date_naissance",
         "field 'usager.date_naissance' holds \"29/02/1964\", which is not a date like \"2026-01-31\"; "
            + "correct the case data"),
        (#"{"carriere": {"statuts": ["contractuel", "autre"]}}"#, "len(carriere.statuts)",
         "field 'carriere.statuts' holds \"autre\", which is not one of its values (contractuel, "
            + "fonctionnaire_hospitalier, fonctionnaire_etat); correct the case data"),
        (#"{"sante": {"taux_invalidite": "12,5"}}"#, "sante.taux_invalidite",
         "field 'sante.taux_invalidite' holds \"12,5\", which is not a decimal; correct the case data"),
        (#"{"sante": {"taux_invalidite": 1234567890123456789012345678901234567890}}"#, "sante.taux_invalidite",
         "field 'sante.taux_invalidite' holds 1234567890123456789012345678901234567890, which is not a decimal of "
            + "at most 38 digits; correct the case data"),
        (#"{"decision": {"horodatage": "2026-03-28 12:00"}}"#, "decision.horodatage",
         "field 'decision.horodatage' holds \"2026-03-28 12:00\", which is not an RFC 3339 datetime like "
            + "\"2026-01-31T09:30:00+01:00\"; correct the case data"),
        (#"{"dossier": {"urgent": "oui"}}"#, "dossier.urgent",
         "field 'dossier.urgent' holds \"oui\", which is not true or false; correct the case data"),
        (#"{"justificatif": "avis.pdf"}"#, "justificatif",
         "field 'justificatif' holds \"avis.pdf\", which is not a document {type, issuer, sha256, name, size}; "
            + "correct the case data"),
    ])
    func badData(_ json: String, _ source: String, _ message: String) throws {
        #expect(failureMessage(try value(source, data: try JSONValue(parsing: json))) == message)
    }

    @Test("reads decimals from numbers and strings of digits", arguments: [
        (JSONValue.string("007.50"), "7.5"), (.string("-3"), "-3"), (.number(JSONNumber("2.25")!), "2.25"),
    ])
    func decimalForms(_ raw: JSONValue, _ expected: String) throws {
        let data: JSONValue = ["sante": ["taux_invalidite": raw]]
        #expect(try value("sante.taux_invalidite * 1", data: data) == .value(.number(JSONNumber(expected)!)))
    }

    @Test("uses the deployment's time zone for today() and now()")
    func timeZones() throws {
        let utc = BusinessCalendar(timeZone: TimeZone(identifier: "UTC")!, holidays: .dates([]))
        let evaluator = Evaluator(fields: expressionTestFields, now: now, calendar: utc)
        #expect(evaluator.value(try ExpressionNode.parse("today()"), data: caseData) == .value("2026-07-13"))
        #expect(evaluator.value(try ExpressionNode.parse("now()"), data: caseData) == .value("2026-07-13T23:30:00Z"))
        #expect(evaluator.value(try ExpressionNode.parse("today() + 1bd"), data: caseData) == .value("2026-07-14"))
    }

    @Test("returns the values a condition read")
    func seenValues() throws {
        let evaluator = Evaluator(fields: expressionTestFields, now: now)
        let (result, seen) = evaluator.conditionWithValues(
            try ExpressionNode.parse("carriere.trimestres > 20 or avis.abf == \"favorable\""), data: caseData)
        #expect(result == .unknown(missing: ["avis.abf"]))
        #expect(seen == ["carriere.trimestres": 12, "avis.abf": .null])
    }
}

extension ValueResult {
    /// The JSON text of a value result, for comparing exact numbers by spelling.
    fileprivate var jsonText: String? {
        if case .value(let json) = self { return json.serialized() }
        return nil
    }
}
