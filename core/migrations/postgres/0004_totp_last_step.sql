-- Two-step login: the 30-second step of the last code a login used, so that a code, which
-- stays valid for up to 90 s, signs in once only (RFC 6238, section 5.2).
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;
