-- Two-step login: single-use recovery codes, stored as SHA-256 hashes (the codes are
-- 64-bit random values, so a fast hash is enough; the user id is part of the hashed text).
CREATE TABLE recovery_codes (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash   TEXT    NOT NULL,
    used_at     TEXT,
    created_at  TEXT    NOT NULL
);
CREATE INDEX recovery_codes_user_idx ON recovery_codes (user_id, code_hash);
