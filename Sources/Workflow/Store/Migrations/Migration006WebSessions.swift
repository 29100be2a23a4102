/// Sessions of the web pages: an agent signs in once with their token and the browser then
/// carries a random session id in a cookie. Only the id's SHA-256 is stored, like tokens.
enum Migration006WebSessions {
    static let migration = Migration(version: 6, name: "web sessions", statements: [
        #"""
        CREATE TABLE web_sessions (
            -- The SHA-256 of the cookie's 256-bit random id: a stolen table opens no session.
            id_sha256    text        PRIMARY KEY CONSTRAINT web_sessions_id_format CHECK (id_sha256 ~ '^[0-9a-f]{64}$'),
            agent_id     text        NOT NULL REFERENCES agents (id),
            -- The anti-forgery token every form of the session sends back (random, per session).
            csrf         text        NOT NULL CONSTRAINT web_sessions_csrf_format CHECK (length(csrf) >= 32),
            created_at   timestamptz NOT NULL DEFAULT now(),
            last_seen_at timestamptz NOT NULL DEFAULT now(),
            -- A session ends at sign-out (the row is deleted), after an idle period, or at this
            -- absolute limit, whichever comes first; the agent's revocation ends it at once.
            expires_at   timestamptz NOT NULL,
            CONSTRAINT web_sessions_expiry_after_creation CHECK (expires_at > created_at)
        )
        """#,
        #"""
        CREATE INDEX web_sessions_by_agent ON web_sessions (agent_id)
        """#,
    ])
}
