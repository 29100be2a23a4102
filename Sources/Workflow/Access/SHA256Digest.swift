import Crypto

/// SHA-256 as lower-case hexadecimal, for bearer tokens, session ids and documents: the hash
/// is computed here so that the secret itself never reaches the database, not even as a bound
/// parameter that a server log could print. The digest is swift-crypto's; this only spells it.
public enum SHA256Digest {
    /// The digest of `text`'s UTF-8 bytes, as 64 lower-case hexadecimal digits.
    static func hex(_ text: String) -> String {
        hex(Array(text.utf8))
    }

    /// The digest of `bytes`, as 64 lower-case hexadecimal digits.
    public static func hex(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { byte in
            let digits = String(byte, radix: 16)
            return byte < 0x10 ? "0" + digits : digits
        }.joined()
    }
}
