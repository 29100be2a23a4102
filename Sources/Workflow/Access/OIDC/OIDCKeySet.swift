import Foundation
import JWTKit

/// A provider's published signing keys (its JWKS), fetched when first needed and fetched again
/// when a token names a key id (`kid`) not seen yet: providers rotate keys by publishing the
/// new one before signing with it. A key id still missing after a fetch is not asked for
/// again before `refetchInterval`, so that repeated tokens with it do not hammer the provider.
public actor OIDCKeySet {
    private let fetch: @Sendable () async throws -> Data
    private var keys: [String: JWK] = [:]
    private var fetched = false
    private var lastMiss: (kid: String?, at: ContinuousClock.Instant)?
    private let refetchInterval: Duration

    public init(refetchInterval: Duration = .seconds(30), fetch: @escaping @Sendable () async throws -> Data) {
        self.fetch = fetch
        self.refetchInterval = refetchInterval
    }

    /// The signing key for `kid` (any single key when the token names none and the set has
    /// exactly one); nil when the provider does not publish it, even after a fresh fetch.
    func key(for kid: String?) async throws -> JWK? {
        if let found = lookup(kid) { return found }
        if fetched, let lastMiss, lastMiss.kid == kid, ContinuousClock.now - lastMiss.at < refetchInterval { return nil }
        try await refresh()
        if let found = lookup(kid) { return found }
        lastMiss = (kid, .now)
        return nil
    }

    /// How many times the set was fetched (for the tests).
    public private(set) var fetches = 0

    private func lookup(_ kid: String?) -> JWK? {
        if let kid { return keys[kid] }
        // No kid in the token: only a set with a single key says which one.
        return keys.count == 1 ? keys.values.first : nil
    }

    private func refresh() async throws {
        fetches += 1
        let data = try await fetch()
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              let published = object["keys"] as? [[String: Any]] else {
            throw IDTokenVerifier.Refusal(reason: "the provider's JWKS is not a JSON object with keys")
        }
        var fresh: [String: JWK] = [:]
        for (index, member) in published.enumerated() {
            // Encryption keys are no signature's business; a key jwt-kit cannot read is skipped.
            if let use = member["use"] as? String, use != "sig" { continue }
            guard let json = try? JSONSerialization.data(withJSONObject: member),
                  var key = try? JSONDecoder().decode(JWK.self, from: json) else { continue }
            // A key without an id gets one for jwt-kit; a token naming no kid finds it when it is alone.
            let kid = key.keyIdentifier?.string ?? "#\(index)"
            key.keyIdentifier = JWKIdentifier(string: kid)
            fresh[kid] = key
        }
        keys = fresh
        fetched = true
    }
}
