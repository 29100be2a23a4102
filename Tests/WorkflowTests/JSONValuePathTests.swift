import Foundation
import Testing
@testable import Workflow

@Suite("JSONValue dotted paths")
struct JSONValuePathTests {
    let data: JSONValue = ["terrain": ["zone": "U", "surface": 120], "usager": ["nir": "1840675123456"], "flag": .null]

    @Test("reads nested members")
    func read() {
        #expect(data.value(at: "terrain.zone") == "U")
        #expect(data.value(at: "terrain") == ["zone": "U", "surface": 120])
        #expect(data.value(at: "flag") == .null)
    }

    @Test("returns nil when a segment is missing or not an object", arguments: [
        "terrain.commune", "cadastre.section", "terrain.zone.x", "usager.nir.0", "", "terrain.", ".zone", "a..b",
    ])
    func missing(_ path: String) {
        #expect(data.value(at: path) == nil)
    }

    @Test("sets values, creating intermediate objects")
    func set() throws {
        var copy = data
        try copy.setValue("N", at: "terrain.zone")
        try copy.setValue("2026-01-31", at: "decision.date")
        try copy.setValue(3, at: "a.b.c")
        #expect(copy.value(at: "terrain.zone") == "N")
        #expect(copy.value(at: "terrain.surface") == 120)
        #expect(copy.value(at: "decision") == ["date": "2026-01-31"])
        #expect(copy.serialized().contains(#""a":{"b":{"c":3}}"#))
    }

    @Test("refuses to write through a value that is not an object")
    func setThroughScalar() {
        var copy = data
        #expect(throws: JSONPathError(path: "terrain.zone.code",
                                      message: "'terrain.zone.code' cannot be written: 'terrain.zone' is not an object")) {
            try copy.setValue(1, at: "terrain.zone.code")
        }
        #expect(copy == data)
        #expect(throws: JSONPathError.self) { try copy.setValue(1, at: "a..b") }
        var scalar: JSONValue = "text"
        #expect(throws: JSONPathError.self) { try scalar.setValue(1, at: "a") }
    }

    @Test("removes values and the objects left empty")
    func remove() {
        var copy = data
        #expect(copy.removeValue(at: "usager.nir") == "1840675123456")
        #expect(copy.value(at: "usager") == nil)
        #expect(copy.removeValue(at: "terrain.zone") == "U")
        #expect(copy.value(at: "terrain") == ["surface": 120])
        #expect(copy.removeValue(at: "terrain.absent") == nil)
        #expect(copy.value(at: "terrain") == ["surface": 120])
        #expect(copy.removeValue(at: "nothing.here") == nil)
    }
}
