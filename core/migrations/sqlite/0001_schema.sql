-- The whole data model of the portal (SQLite). Timestamps are RFC 3339 UTC text written by
-- the application; booleans are 0/1; JSON is text.

CREATE TABLE companies (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_number TEXT    NOT NULL UNIQUE,
    name            TEXT    NOT NULL,
    language        TEXT    NOT NULL DEFAULT 'fr' CHECK (language IN ('fr', 'de', 'it', 'en')),
    created_at      TEXT    NOT NULL
);

CREATE TABLE users (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    email                TEXT    NOT NULL CHECK (email = lower(email)),
    first_name           TEXT    NOT NULL,
    last_name            TEXT    NOT NULL,
    password_hash        TEXT,
    language             TEXT    NOT NULL DEFAULT 'fr' CHECK (language IN ('fr', 'de', 'it', 'en')),
    home_company_id      INTEGER REFERENCES companies (id),
    last_login_at        TEXT,
    totp_secret          TEXT,
    totp_enabled         BOOLEAN NOT NULL DEFAULT 0,
    email_verified_at    TEXT,
    email_notifications  BOOLEAN NOT NULL DEFAULT 1,
    created_at           TEXT    NOT NULL
);
CREATE UNIQUE INDEX users_email_key ON users (email);
CREATE INDEX users_home_company_idx ON users (home_company_id);

CREATE TABLE user_rights (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id          INTEGER NOT NULL REFERENCES companies (id),
    user_id             INTEGER NOT NULL REFERENCES users (id),
    right_type          TEXT    NOT NULL CHECK (right_type IN ('employee', 'technical', 'provider')),
    is_admin            BOOLEAN NOT NULL DEFAULT 0,
    status              TEXT    NOT NULL CHECK (status IN ('pending', 'active', 'refused', 'revoked', 'expired', 'resigned')),
    awaiting            TEXT    CHECK (awaiting IN ('provider', 'principal')),
    remark              TEXT,
    end_date            TEXT,
    origin              TEXT    NOT NULL CHECK (origin IN ('invitation', 'request', 'direct')),
    created_by_user_id  INTEGER REFERENCES users (id),
    created_at          TEXT    NOT NULL,
    updated_at          TEXT    NOT NULL,
    decided_at          TEXT,
    version             INTEGER NOT NULL DEFAULT 1,
    CHECK ((status = 'pending') = (awaiting IS NOT NULL)),
    UNIQUE (company_id, user_id)
);
CREATE INDEX user_rights_user_idx ON user_rights (user_id, status);
CREATE INDEX user_rights_company_status_idx ON user_rights (company_id, status, right_type);

CREATE TABLE api_keys (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    right_id    INTEGER NOT NULL REFERENCES user_rights (id) ON DELETE CASCADE,
    key_hash    TEXT    NOT NULL,
    prefix      TEXT    NOT NULL UNIQUE,
    label       TEXT,
    created_at  TEXT    NOT NULL,
    revoked_at  TEXT
);
CREATE INDEX api_keys_right_idx ON api_keys (right_id);

CREATE TABLE services (
    id    INTEGER PRIMARY KEY AUTOINCREMENT,
    code  TEXT NOT NULL UNIQUE,
    name  TEXT NOT NULL
);

CREATE TABLE company_services (
    company_id  INTEGER NOT NULL REFERENCES companies (id),
    service_id  INTEGER NOT NULL REFERENCES services (id),
    created_at  TEXT    NOT NULL,
    PRIMARY KEY (company_id, service_id)
);

CREATE TABLE debtors (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id     INTEGER NOT NULL REFERENCES companies (id),
    debtor_number  TEXT    NOT NULL,
    name           TEXT    NOT NULL,
    UNIQUE (company_id, debtor_number)
);

CREATE TABLE service_grants (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    right_id     INTEGER NOT NULL REFERENCES user_rights (id) ON DELETE CASCADE,
    service_id   INTEGER NOT NULL REFERENCES services (id),
    all_debtors  BOOLEAN NOT NULL DEFAULT 0,
    UNIQUE (right_id, service_id)
);

CREATE TABLE service_grant_debtors (
    grant_id   INTEGER NOT NULL REFERENCES service_grants (id) ON DELETE CASCADE,
    debtor_id  INTEGER NOT NULL REFERENCES debtors (id),
    PRIMARY KEY (grant_id, debtor_id)
);

CREATE TABLE messages (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    recipient_user_id  INTEGER NOT NULL REFERENCES users (id),
    company_id         INTEGER REFERENCES companies (id),
    kind               TEXT    NOT NULL,
    params             TEXT    NOT NULL DEFAULT '{}',
    received_at        TEXT    NOT NULL,
    read_at            TEXT
);
CREATE INDEX messages_recipient_idx ON messages (recipient_user_id, received_at);

CREATE TABLE provider_access_requests (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    requester_user_id  INTEGER NOT NULL REFERENCES users (id),
    company_id         INTEGER NOT NULL REFERENCES companies (id),
    message            TEXT,
    status             TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'approved', 'declined', 'withdrawn')),
    created_at         TEXT    NOT NULL,
    decided_at         TEXT,
    decided_by         INTEGER REFERENCES users (id)
);
CREATE UNIQUE INDEX provider_access_requests_one_open
    ON provider_access_requests (requester_user_id, company_id) WHERE status = 'open';
CREATE INDEX provider_access_requests_company_idx ON provider_access_requests (company_id, status);

CREATE TABLE contract_products (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id        INTEGER NOT NULL REFERENCES companies (id),
    code              TEXT    NOT NULL,
    name              TEXT    NOT NULL,
    unit_price_cents  INTEGER NOT NULL CHECK (unit_price_cents >= 0),
    active            BOOLEAN NOT NULL DEFAULT 1,
    UNIQUE (company_id, code)
);

CREATE TABLE orders (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id         INTEGER NOT NULL REFERENCES companies (id),
    debtor_id          INTEGER NOT NULL REFERENCES debtors (id),
    placed_by_user_id  INTEGER NOT NULL REFERENCES users (id),
    right_id           INTEGER REFERENCES user_rights (id),
    reference          TEXT,
    created_at         TEXT    NOT NULL
);
CREATE INDEX orders_company_idx ON orders (company_id, created_at);

CREATE TABLE order_lines (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id          INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    product_id        INTEGER NOT NULL REFERENCES contract_products (id),
    quantity          INTEGER NOT NULL CHECK (quantity > 0),
    unit_price_cents  INTEGER NOT NULL CHECK (unit_price_cents >= 0)
);
CREATE INDEX order_lines_order_idx ON order_lines (order_id);

CREATE TABLE invoices (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id    INTEGER NOT NULL REFERENCES companies (id),
    debtor_id     INTEGER NOT NULL REFERENCES debtors (id),
    number        TEXT    NOT NULL UNIQUE,
    amount_cents  INTEGER NOT NULL,
    issued_at     TEXT    NOT NULL,
    due_at        TEXT    NOT NULL,
    status        TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'paid', 'overdue', 'cancelled'))
);
CREATE INDEX invoices_company_debtor_idx ON invoices (company_id, debtor_id, issued_at);

CREATE TABLE audit_log (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    at                 TEXT    NOT NULL,
    actor_user_id      INTEGER REFERENCES users (id),
    acting_company_id  INTEGER REFERENCES companies (id),
    company_id         INTEGER REFERENCES companies (id),
    action             TEXT    NOT NULL,
    target             TEXT    NOT NULL,
    before             TEXT,
    after              TEXT
);
CREATE INDEX audit_log_company_idx ON audit_log (company_id, id);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_user_id, id);
-- Append-only: the log is never changed nor deleted.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE TABLE sessions (
    id          TEXT PRIMARY KEY,
    data        TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

CREATE TABLE outbox_emails (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    to_address  TEXT    NOT NULL,
    subject     TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    sent_at     TEXT
);
CREATE INDEX outbox_emails_unsent_idx ON outbox_emails (sent_at, id);

CREATE TABLE login_throttle (
    key           TEXT    PRIMARY KEY,
    count         INTEGER NOT NULL,
    window_start  TEXT    NOT NULL
);
