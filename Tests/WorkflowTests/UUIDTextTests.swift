import Foundation
import Testing
@testable import Workflow

@Suite("UUIDs as text and in order")
struct UUIDTextTests {
    @Test("the lowercase text is Foundation's, lowercased, for every id")
    func text() {
        var ids = (0..<2_000).map { _ in UUID() }
        ids.append(UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)))
        ids.append(UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255)))
        ids.append(UUID(uuid: (0x0a, 0xf0, 0x09, 0x90, 0xab, 0xcd, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x01, 0x10)))
        for id in ids {
            #expect(id.lowercasedString == id.uuidString.lowercased())
        }
    }

    @Test("byte order is the order of the text, so of PostgreSQL's ORDER BY id")
    func order() {
        let ids = (0..<500).map { _ in UUID() }
        #expect(ids.sorted { $0.precedes($1) } == ids.sorted { $0.uuidString < $1.uuidString })
        let id = UUID()
        #expect(!id.precedes(id))
    }
}
