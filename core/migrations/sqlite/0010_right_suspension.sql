-- An administrator can suspend an active right and resume it: 'suspended' is a status of its
-- own, which grants nothing and keeps the right's services, debtors and history.
-- SQLite changes a CHECK only by building the table anew (its documented procedure); the
-- store runs the migrations with foreign keys off, so that dropping the old table does not
-- delete the service grants, messages and orders that reference it, and checks them after.
CREATE TABLE user_rights_new (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id          INTEGER NOT NULL REFERENCES companies (id),
    user_id             INTEGER NOT NULL REFERENCES users (id),
    right_type          TEXT    NOT NULL CHECK (right_type IN ('employee', 'technical', 'provider')),
    is_admin            BOOLEAN NOT NULL DEFAULT 0,
    status              TEXT    NOT NULL CHECK (status IN ('pending', 'active', 'suspended', 'refused', 'revoked', 'expired', 'resigned')),
    awaiting            TEXT    CHECK (awaiting IN ('provider', 'principal')),
    remark              TEXT,
    end_date            TEXT,
    origin              TEXT    NOT NULL CHECK (origin IN ('invitation', 'request', 'direct')),
    created_by_user_id  INTEGER REFERENCES users (id),
    created_at          TEXT    NOT NULL,
    updated_at          TEXT    NOT NULL,
    decided_at          TEXT,
    version             INTEGER NOT NULL DEFAULT 1,
    answer_by           TEXT,
    CHECK ((status = 'pending') = (awaiting IS NOT NULL)),
    UNIQUE (company_id, user_id)
);
INSERT INTO user_rights_new (id, company_id, user_id, right_type, is_admin, status, awaiting, remark, end_date,
                             origin, created_by_user_id, created_at, updated_at, decided_at, version, answer_by)
    SELECT id, company_id, user_id, right_type, is_admin, status, awaiting, remark, end_date,
           origin, created_by_user_id, created_at, updated_at, decided_at, version, answer_by
    FROM user_rights;
DROP TABLE user_rights;
ALTER TABLE user_rights_new RENAME TO user_rights;
CREATE INDEX user_rights_user_idx ON user_rights (user_id, status);
CREATE INDEX user_rights_company_status_idx ON user_rights (company_id, status, right_type);
CREATE INDEX user_rights_answer_by_idx ON user_rights (answer_by) WHERE status = 'pending';
