/// Finds where a byte buffer stops being valid UTF-8, to report it at a line and column.
enum UTF8Check {
    /// The offset of the first byte that starts an invalid sequence, or nil when all is valid.
    static func firstInvalidByte(in bytes: ArraySlice<UInt8>) -> Int? {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let lead = bytes[index]
            let length: Int
            switch lead {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: return index
            }
            guard index + length <= bytes.endIndex else { return index }
            for next in bytes[(index + 1)..<(index + length)] where next & 0xC0 != 0x80 {
                return index
            }
            if length > 1 {
                let bytesSlice = Array(bytes[index..<(index + length)])
                if String(validating: bytesSlice, as: UTF8.self) == nil { return index }
            }
            index += length
        }
        return nil
    }

    /// The line and column (in characters) of a byte offset in valid UTF-8 text before it.
    static func location(ofByte offset: Int, in bytes: ArraySlice<UInt8>) -> SourceLocation {
        let prefix = String(decoding: bytes[bytes.startIndex..<offset], as: UTF8.self)
        var line = 1, column = 1
        for scalar in prefix.unicodeScalars {
            if scalar == "\n" { line += 1; column = 1 } else { column += 1 }
        }
        return SourceLocation(line: line, column: column)
    }
}
