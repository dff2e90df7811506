-- One-time links sent by e-mail: confirm a self-registered login, reset a forgotten
-- password, confirm a new login e-mail, set the first password of a login created by the
-- operator. Only the SHA-256 hash of a token is stored; the token itself is sent once.
CREATE TABLE email_tokens (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    purpose     TEXT    NOT NULL CHECK (purpose IN ('confirm_registration', 'reset_password', 'change_email', 'set_password')),
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    new_email   TEXT    CHECK (new_email = lower(new_email)),
    token_hash  TEXT    NOT NULL UNIQUE,
    created_at  TEXT    NOT NULL,
    expires_at  TEXT    NOT NULL,
    used_at     TEXT,
    CHECK ((purpose = 'change_email') = (new_email IS NOT NULL))
);
CREATE INDEX email_tokens_user_idx ON email_tokens (user_id, purpose);

-- Whose session it is (NULL before sign-in), so that a password reset can end them all.
ALTER TABLE sessions ADD COLUMN user_id INTEGER;
CREATE INDEX sessions_user_idx ON sessions (user_id);

-- Logins created before self-registration came from the operator or the demo data: their
-- address counts as confirmed, so that they keep signing in.
UPDATE users SET email_verified_at = created_at WHERE email_verified_at IS NULL;
