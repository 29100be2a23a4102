import Foundation

extension UUID {
    /// The canonical lowercase text, `8-4-4-4-12` hex digits, as PostgreSQL prints a uuid.
    /// Foundation's `uuidString` formats through the C library's printf; a worker batch
    /// writes thousands of ids, and that formatting was a tenth of the worker's CPU.
    public var lowercasedString: String {
        withUnsafeBytes(of: uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { text in
                var at = 0
                for (index, byte) in bytes.enumerated() {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        text[at] = UInt8(ascii: "-")
                        at += 1
                    }
                    text[at] = HexDigit.lowercase(byte >> 4)
                    text[at + 1] = HexDigit.lowercase(byte & 0x0F)
                    at += 2
                }
                return at
            }
        }
    }

    /// Byte order: the order of PostgreSQL's `ORDER BY id`, and of the hex text.
    public func precedes(_ other: UUID) -> Bool {
        withUnsafeBytes(of: uuid) { mine in
            withUnsafeBytes(of: other.uuid) { theirs in mine.lexicographicallyPrecedes(theirs) }
        }
    }
}

/// One hex digit as an ASCII byte, for the writers that build text from bytes (ids, JSON).
enum HexDigit {
    static func lowercase(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }
}
