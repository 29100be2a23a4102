import Foundation
import Testing
@testable import Workflow

/// Bearer tokens: their shape, their randomness, and the SHA-256 that is all the database keeps.
@Suite("Access: tokens and their SHA-256")
struct AccessTokenTests {
    @Test("the digest is spelled as 64 lower-case hexadecimal digits, leading zeros kept")
    func digestHex() {
        // The algorithm is swift-crypto's; these check the spelling (this digest starts with 0).
        #expect(SHA256Digest.hex(String(repeating: "x", count: 19)) == "0d0f234feb2d235c5eb111a6a2486e6a710b72e1775926f75855ff7c927345e3")
        #expect(SHA256Digest.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256Digest.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test("base64url follows RFC 4648 without padding, with - and _")
    func base64URL() {
        let vectors = ["": "", "f": "Zg", "fo": "Zm8", "foo": "Zm9v", "foob": "Zm9vYg", "fooba": "Zm9vYmE", "foobar": "Zm9vYmFy"]
        for (input, expected) in vectors {
            #expect(AgentToken.base64URL(Array(input.utf8)) == expected)
        }
        #expect(AgentToken.base64URL([0xfb, 0xff, 0xbf]) == "-_-_")
    }

    @Test("a token is pc_ and 43 base64url characters (256 bits), different every time")
    func shape() {
        let tokens = (0..<200).map { _ in AgentToken.generate().text }
        #expect(Set(tokens).count == tokens.count)
        for token in tokens {
            #expect(token.hasPrefix("pc_") && token.count == 46)
            #expect(AgentToken.looksValid(token))
        }
        // Every one of the 64 symbols turns up somewhere: the random part is not biased to a few.
        let symbols = Set(tokens.flatMap { $0.dropFirst(3) })
        #expect(symbols.count == 64)
    }

    @Test("what is not shaped like a token is refused without a lookup")
    func malformed() {
        let good = AgentToken.generate().text
        for text in ["", "pc_", "Bearer " + good, good + "A", String(good.dropLast()), "xx_" + good.dropFirst(3),
                     good.replacingOccurrences(of: String(good.last!), with: "="), String(good.dropLast()) + "é"] {
            #expect(!AgentToken.looksValid(text), "\(text)")
        }
    }

    @Test("a token printed by mistake shows no secret")
    func description() {
        let token = AgentToken.generate()
        #expect(!"\(token)".contains(token.text.dropFirst(3)))
    }
}
