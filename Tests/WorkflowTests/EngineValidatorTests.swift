import Foundation
import Testing
@testable import Workflow

/// `CaseDataValidator`: case data against the workflow's field specs, merging and diffs.
@Suite("Engine: case data validator")
struct EngineValidatorTests {
    static func validator() throws -> CaseDataValidator {
        CaseDataValidator(definition: try MiniWorkflow.definition())
    }

    @Test("valid data of every type passes")
    func valid() throws {
        let data: JSONValue = [
            "nom": "Dupont", "age": 40, "montant": "1234.56", "statut": "a", "tags": ["a", "bc"],
            "piece": EngineFixtures.document("photo", issuer: "ants"), "date_effet": "2026-01-31",
            "horodatage": "2026-01-31T14:05:00+01:00", "ratio": ["numerateur": 1, "denominateur": 2],
        ]
        #expect(try Self.validator().problems(in: data) == [])
        #expect(try Self.validator().problems(in: ["montant": .number(JSONNumber("12.5")!)]) == [])
    }

    @Test("each problem names the dotted path and the reason")
    func problems() throws {
        let validator = try Self.validator()
        let found = validator.problems(in: [
            "nom": "dupont", "age": .number(JSONNumber("3.5")!), "statut": "z",
            "tags": ["ok", 7], "ratio": ["numerateur": "1"], "piece": ["type": "x", "issuer": "y", "sha256": "zz",
                                                                       "name": "n", "size": 1],
            "date_effet": "2026-02-30", "horodatage": "2026-01-31",
        ])
        #expect(found.map(\.path) == ["age", "date_effet", "horodatage", "nom", "piece", "ratio.numerateur", "statut", "tags"])
        #expect(found.first { $0.path == "nom" }?.reason.contains("pattern") == true)
        #expect(found.first { $0.path == "tags" }?.reason.contains("item 2") == true)
        #expect(found.first { $0.path == "piece" }?.reason.contains("sha256") == true)
    }

    @Test("the pattern must match the whole string")
    func wholeMatch() throws {
        let validator = try Self.validator()
        #expect(validator.problems(of: "Dupont", at: "nom") == [])
        #expect(validator.problems(of: "Dupont2", at: "nom").count == 1)
        #expect(validator.problems(of: "xDupont", at: "nom").count == 1)
    }

    @Test("bounds: int, decimal (number or digits), date, string length, list count")
    func bounds() throws {
        let validator = try Self.validator()
        #expect(validator.problems(of: 131, at: "age").first?.reason.contains("maximum") == true)
        #expect(validator.problems(of: -1, at: "age").first?.reason.contains("minimum") == true)
        #expect(validator.problems(of: "-0.01", at: "montant").count == 1)
        #expect(validator.problems(of: "2019-12-31", at: "date_effet").count == 1)
        #expect(validator.problems(of: ["a", "b", "c", "d"], at: "tags").first?.reason.contains("4 items") == true)
        #expect(validator.problems(of: .null, at: "age") == [])
        #expect(validator.problems(of: 1, at: "inconnu").first?.reason.contains("does not declare") == true)
    }

    @Test("required fields missing, in declaration order")
    func required() throws {
        #expect(try Self.validator().missingRequired(in: ["age": 3]) == ["nom"])
        #expect(try Self.validator().missingRequired(in: ["nom": .null]) == ["nom"])
    }

    @Test("merging replaces fields, merges groups member by member, removes nulls, reads dotted keys")
    func merging() throws {
        let validator = try Self.validator()
        let data: JSONValue = ["nom": "Dupont", "ratio": ["numerateur": 1, "denominateur": 2]]
        let merged = try validator.merging(["ratio": ["numerateur": 3], "nom": .null, "age.x": .null, "statut": "a"],
                                           into: data)
        #expect(merged == ["ratio": ["numerateur": 3, "denominateur": 2], "statut": "a"])
        #expect(try validator.merging(["ratio.denominateur": 5], into: data).value(at: "ratio.denominateur") == 5)
        #expect(throws: CaseDataValidator.Problem.self) { try validator.merging([1, 2], into: data) }
        #expect(throws: CaseDataValidator.Problem.self) { try validator.merging(["nom.x": 1], into: data) }
    }

    @Test("the diff lists changed fields with their old and new values")
    func diff() throws {
        let validator = try Self.validator()
        let before: JSONValue = ["nom": "Dupont", "piece": EngineFixtures.document("a", issuer: "b")]
        let after: JSONValue = ["nom": "Durand", "age": 3, "piece": EngineFixtures.document("a", issuer: "b")]
        #expect(validator.diff(from: before, to: after) == [
            "nom": ["from": "Dupont", "to": "Durand"], "age": ["from": .null, "to": 3],
        ])
        #expect(validator.diff(from: before, to: before) == nil)
        #expect(validator.changedPaths(from: before, to: after) == ["age", "nom"])
    }
}
