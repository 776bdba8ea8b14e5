-- Console sign-ins, the same as SQLite's 0005_console.sql. A session is
-- found by the SHA-256 of the secret in its browser's cookie; the secret
-- itself is never stored. The CSRF secret of its forms is encrypted. Times
-- are Unix milliseconds (BIGINT).
CREATE TABLE sessions (
	hash         BYTEA PRIMARY KEY,
	tenant_id    TEXT NOT NULL,
	token_id     TEXT NOT NULL,
	csrf         BYTEA NOT NULL,
	created_at   BIGINT NOT NULL,
	last_seen_at BIGINT NOT NULL,
	expires_at   BIGINT NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE INDEX sessions_last_seen ON sessions (last_seen_at);
