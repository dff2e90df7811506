-- Sessions are kept under the SHA-256 of their id (store::session_key) from now on. Rows
-- written before hold the id itself, the cookie's secret, and could no longer be found: they
-- go, and their logins sign in again.
DELETE FROM sessions;
