import Foundation
import JWTKit
import _CryptoExtras
import Testing
@testable import Workflow

/// The ID token checks, with keys made here: what a provider signs correctly is accepted; a
/// wrong nonce, an expired token, another audience or issuer, a tampered or forged signature,
/// an unsigned token and a symmetric algorithm are each refused with their own reason.
@Suite("OpenID Connect: ID token verification")
struct OIDCIDTokenTests {
    let provider = TestOIDCProvider()
    var client: OIDCClient { OIDCClient(settings: provider.settings, transport: provider) }

    func refusal(_ token: String, nonce: String, client: OIDCClient? = nil) async -> String? {
        do {
            _ = try await (client ?? self.client).verify(token, nonce: nonce)
            return nil
        } catch let refusal as IDTokenVerifier.Refusal {
            return refusal.reason
        } catch {
            return "unexpected: \(error)"
        }
    }

    @Test("a token signed by the provider's key for this client and nonce is accepted, with its claims")
    func accepted() async throws {
        let token = try await provider.sign(provider.claims(nonce: "n-1"))
        let claims = try await client.verify(token, nonce: "n-1")
        #expect(claims.sub == "sub-123" && claims.email == "c.martin@finances.gouv.fr" && claims.emailVerified == true)
    }

    @Test("the wrong nonce, or none, is refused")
    func wrongNonce() async throws {
        let token = try await provider.sign(provider.claims(nonce: "n-1"))
        #expect(await refusal(token, nonce: "n-2")?.contains("nonce") == true)
        let without = try await provider.sign(provider.claims(nonce: nil))
        #expect(await refusal(without, nonce: "n-1")?.contains("nonce") == true)
    }

    @Test("an expired token is refused (beyond a minute of clock difference)")
    func expired() async throws {
        var claims = provider.claims(nonce: "n")
        claims.exp = Date().addingTimeInterval(-120)
        #expect(await refusal(try await provider.sign(claims), nonce: "n")?.contains("expired") == true)
        claims.exp = Date().addingTimeInterval(-30)
        #expect(await refusal(try await provider.sign(claims), nonce: "n") == nil, "within the leeway")
    }

    @Test("a token for another client, or naming another authorized party, is refused")
    func foreignAudience() async throws {
        var claims = provider.claims(nonce: "n")
        claims.aud = ["another-service"]
        #expect(await refusal(try await provider.sign(claims), nonce: "n")?.contains("meant for") == true)
        claims.aud = ["another-service", TestOIDCProvider.clientID]
        #expect(await refusal(try await provider.sign(claims), nonce: "n")?.contains("authorized party") == true)
        claims.azp = TestOIDCProvider.clientID
        #expect(await refusal(try await provider.sign(claims), nonce: "n") == nil)
    }

    @Test("a token from another issuer is refused")
    func foreignIssuer() async throws {
        var claims = provider.claims(nonce: "n")
        claims.iss = "https://elsewhere.example/"
        #expect(await refusal(try await provider.sign(claims), nonce: "n")?.contains("issued by") == true)
    }

    @Test("a tampered payload, a forger's key under the provider's kid, no signature or HS256 are refused")
    func tampered() async throws {
        let token = try await provider.sign(provider.claims(nonce: "n", sub: "someone"))
        let parts = token.split(separator: ".").map(String.init)
        // Another person's claims under the provider's signature.
        let other = try await provider.sign(provider.claims(nonce: "n", sub: "the-director"))
        let swapped = [parts[0], String(other.split(separator: ".")[1]), parts[2]].joined(separator: ".")
        #expect(await refusal(swapped, nonce: "n")?.contains("signature") == true)
        // One character of the signature changed.
        var signature = Array(parts[2])
        signature[10] = signature[10] == "A" ? "B" : "A"
        #expect(await refusal([parts[0], parts[1], String(signature)].joined(separator: "."), nonce: "n")?.contains("signature") == true)
        // A key the provider never had, under its key id.
        let forged = try await provider.sign(provider.claims(nonce: "n"), kid: "k1", with: ES256PrivateKey())
        #expect(await refusal(forged, nonce: "n")?.contains("signature") == true)
        // alg none and a symmetric algorithm (signed with the public key's text) are not even tried.
        let none = Self.base64URL(#"{"alg":"none","kid":"k1"}"#) + "." + parts[1] + "."
        #expect(await refusal(none, nonce: "n")?.contains("algorithm") == true)
        let hs = Self.base64URL(#"{"alg":"HS256","kid":"k1"}"#) + "." + parts[1] + "." + parts[2]
        #expect(await refusal(hs, nonce: "n")?.contains("algorithm") == true)
        #expect(await refusal("not-a-jwt", nonce: "n")?.contains("JWT") == true)
    }

    @Test("a new key id makes the keys be fetched again; a key never published is refused without hammering the provider")
    func keyRotation() async throws {
        let client = self.client
        _ = try await client.verify(try await provider.sign(provider.claims(nonce: "n")), nonce: "n")
        #expect(provider.jwksFetches == 1)
        provider.rotate(kid: "k2")
        let rotated = try await provider.sign(provider.claims(nonce: "n"))
        #expect(try await client.verify(rotated, nonce: "n").sub == "sub-123")
        #expect(provider.jwksFetches == 2)
        provider.rotate(kid: "k3", publish: false)
        let unpublished = try await provider.sign(provider.claims(nonce: "n"))
        #expect(await refusal(unpublished, nonce: "n", client: client)?.contains("does not publish") == true)
        #expect(provider.jwksFetches == 3)
        #expect(await refusal(unpublished, nonce: "n", client: client)?.contains("does not publish") == true)
        #expect(provider.jwksFetches == 3, "the same missing key id fetched again within the refetch interval")
    }

    @Test("the PKCE challenge is RFC 7636's S256 (its appendix B example)")
    func pkce() {
        #expect(OIDCClient.codeChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
    }

    static func base64URL(_ text: String) -> String {
        Data(text.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    @Test("RS256, as LemonLDAP::NG signs: accepted with its published modulus and exponent; another RSA key's signature refused")
    func rs256() async throws {
        // A key made for this test, of the size LemonLDAP::NG's set-up uses.
        let key = try Insecure.RSA.PrivateKey(backing: _RSA.Signing.PrivateKey(keySize: .bits2048))
        let (modulus, exponent) = try key.publicKey.getKeyPrimitives()
        let jwks = try JSONSerialization.data(withJSONObject: ["keys": [[
            "kty": "RSA", "kid": "rsa-1", "use": "sig", "n": Self.base64URL(modulus), "e": Self.base64URL(exponent),
        ]]])
        let verifier = IDTokenVerifier(issuer: TestOIDCProvider.issuer, clientID: TestOIDCProvider.clientID, keys: OIDCKeySet { jwks })
        let signer = JWTKeyCollection()
        await signer.add(rsa: key, digestAlgorithm: .sha256, kid: "rsa-1")
        let token = try await signer.sign(provider.claims(nonce: "n"), kid: "rsa-1")
        #expect(try IDTokenVerifier.header(token)["alg"] as? String == "RS256")
        #expect(try await verifier.verify(token, nonce: "n").sub == "sub-123")

        let parts = token.split(separator: ".").map(String.init)
        let other = try await signer.sign(provider.claims(nonce: "n", sub: "the-director"), kid: "rsa-1").split(separator: ".").map(String.init)
        await #expect(throws: IDTokenVerifier.Refusal.self) { try await verifier.verify([parts[0], other[1], parts[2]].joined(separator: "."), nonce: "n") }
        await #expect(throws: IDTokenVerifier.Refusal.self) { try await verifier.verify(token, nonce: "another") }
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
