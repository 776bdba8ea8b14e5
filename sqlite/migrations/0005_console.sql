-- Console sign-ins. A session is found by the SHA-256 of the secret in its
-- browser's cookie; the secret itself is never stored. The CSRF secret of
-- its forms is encrypted. Times are Unix milliseconds.
CREATE TABLE sessions (
	hash         BLOB PRIMARY KEY,
	tenant_id    TEXT NOT NULL,
	token_id     TEXT NOT NULL,
	csrf         BLOB NOT NULL,
	created_at   INTEGER NOT NULL,
	last_seen_at INTEGER NOT NULL,
	expires_at   INTEGER NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE INDEX sessions_last_seen ON sessions (last_seen_at);
