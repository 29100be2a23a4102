/// Sign-in through an OpenID provider: which provider identity opens which agent's session,
/// the sign-ins under way (state, nonce and PKCE verifier of each), and, for a session
/// opened through a provider, what its sign-out needs to end the provider's session too.
enum Migration018OIDCSignIn {
    static let migration = Migration(version: 18, name: "OpenID Connect sign-in", statements: [
        #"""
        -- Registered by an operator only: nobody is matched from claims alone. An agent is
        -- found by its provider's subject (unique per issuer), or else by a verified e-mail.
        CREATE TABLE agent_identities (
            agent_id     text PRIMARY KEY REFERENCES agents (id),
            oidc_email   text CONSTRAINT agent_identities_email_format
                              CHECK (oidc_email ~ '^[^@[:space:]]+@[^@[:space:]]+$' AND oidc_email = lower(oidc_email)),
            oidc_issuer  text CONSTRAINT agent_identities_issuer_format CHECK (oidc_issuer ~ '^https?://'),
            oidc_subject text CONSTRAINT agent_identities_subject_format CHECK (length(oidc_subject) BETWEEN 1 AND 255),
            CONSTRAINT agent_identities_subject_with_issuer CHECK ((oidc_issuer IS NULL) = (oidc_subject IS NULL)),
            CONSTRAINT agent_identities_something CHECK (oidc_email IS NOT NULL OR oidc_subject IS NOT NULL)
        )
        """#,
        #"""
        CREATE UNIQUE INDEX agent_identities_by_email ON agent_identities (oidc_email) WHERE oidc_email IS NOT NULL
        """#,
        #"""
        CREATE UNIQUE INDEX agent_identities_by_subject ON agent_identities (oidc_issuer, oidc_subject) WHERE oidc_subject IS NOT NULL
        """#,
        #"""
        -- A sign-in sent to a provider and not back yet: found by the SHA-256 of its `state`,
        -- bound to the browser that started it by the SHA-256 of a cookie's random value, used
        -- once (deleted when the provider sends the browser back) and short-lived.
        CREATE TABLE oidc_sign_ins (
            state_sha256   text        PRIMARY KEY CONSTRAINT oidc_sign_ins_state_format CHECK (state_sha256 ~ '^[0-9a-f]{64}$'),
            browser_sha256 text        NOT NULL CONSTRAINT oidc_sign_ins_browser_format CHECK (browser_sha256 ~ '^[0-9a-f]{64}$'),
            provider       text        NOT NULL,
            nonce          text        NOT NULL CONSTRAINT oidc_sign_ins_nonce_length CHECK (length(nonce) >= 32),
            code_verifier  text        NOT NULL CONSTRAINT oidc_sign_ins_verifier_length CHECK (length(code_verifier) BETWEEN 43 AND 128),
            next           text        NOT NULL,
            created_at     timestamptz NOT NULL DEFAULT now(),
            expires_at     timestamptz NOT NULL
        )
        """#,
        #"""
        -- A session opened through a provider: which one, and the ID token its sign-out sends
        -- back as id_token_hint to end the provider's session as well.
        ALTER TABLE web_sessions ADD COLUMN oidc_provider text, ADD COLUMN oidc_id_token text
        """#,
    ])
}
