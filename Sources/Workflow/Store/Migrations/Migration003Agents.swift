/// Agents: the people and systems that call the API, each with the agency and roles their
/// access follows from, and the SHA-256 of their bearer token (never the token itself).
enum Migration003Agents {
    static let migration = Migration(version: 3, name: "agents", statements: [
        #"""
        -- Agency and role ids are the global names of the workflow files. The command line
        -- checks them fully; the database refuses what could never match one: NULL, an empty
        -- name, blanks, and ':' or ',' (the separators of 'role:ID' and of lists).
        CREATE FUNCTION parcours_global_names_valid(names text[]) RETURNS boolean
            LANGUAGE sql IMMUTABLE STRICT AS $$
            SELECT coalesce(bool_and(name IS NOT NULL AND name <> '' AND name !~ '[[:space:],:]'), true)
            FROM unnest(names) AS name
        $$
        """#,
        #"""
        -- One row per agent, for ever: a revoked agent keeps its row (and its id), so that
        -- 'agent:ID' in a case history always names the same person or system.
        CREATE TABLE agents (
            -- Lower-case letters, digits and . _ @ - (a login, a mail-like name, a system's
            -- name), so an id reads the same everywhere it is recorded.
            id              text        PRIMARY KEY
                                        CONSTRAINT agents_id_format CHECK (id ~ '^[a-z0-9][a-z0-9._@-]{0,63}$'),
            agency          text        NOT NULL
                                        CONSTRAINT agents_agency_format CHECK (parcours_global_names_valid(ARRAY[agency])),
            -- The roles the agent holds; they count only in workflows that give them to its agency.
            roles           text[]      NOT NULL DEFAULT '{}'
                                        CONSTRAINT agents_roles_format CHECK (parcours_global_names_valid(roles)),
            -- Designers publish workflows; supervisors may override and reopen cases they see.
            designer        boolean     NOT NULL DEFAULT false,
            supervisor      boolean     NOT NULL DEFAULT false,
            -- Bearer tokens are 256-bit random secrets, so a fast hash is enough (there is no
            -- dictionary to guess from) and checking one costs one index lookup: UNIQUE is that
            -- index. The token itself is never stored, nor sent to the database.
            token_sha256    text        NOT NULL
                                        CONSTRAINT agents_token_sha256_unique UNIQUE
                                        CONSTRAINT agents_token_sha256_format CHECK (token_sha256 ~ '^[0-9a-f]{64}$'),
            created_at      timestamptz NOT NULL DEFAULT now(),
            -- When the current token was issued: at creation, then at each rotation.
            token_issued_at timestamptz NOT NULL DEFAULT now(),
            -- Compared with the database's clock when a token is checked, never a server's.
            expires_at      timestamptz,
            -- Revocation is final: the token stops working at once and cannot be rotated.
            revoked_at      timestamptz,
            CONSTRAINT agents_expiry_after_creation CHECK (expires_at IS NULL OR expires_at > created_at),
            CONSTRAINT agents_issued_after_creation CHECK (token_issued_at >= created_at)
        )
        """#,
    ])
}
