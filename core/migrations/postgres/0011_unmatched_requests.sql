-- A provider's request for access to a customer number that no company has. It is kept, shown
-- to its requester, withdrawn and lapsed exactly like a request a company has not answered
-- yet, so that asking never tells whether a number belongs to a company. Its id is taken
-- from user_rights' own sequence: one id names one request, whichever table holds it.
CREATE TABLE unmatched_requests (
    id               BIGINT PRIMARY KEY,
    user_id          BIGINT  NOT NULL REFERENCES users (id),
    customer_number  TEXT    NOT NULL,
    remark           TEXT,
    status           TEXT    NOT NULL CHECK (status IN ('pending', 'revoked', 'expired')),
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    answer_by        TIMESTAMPTZ NOT NULL,
    version          BIGINT  NOT NULL DEFAULT 1,
    UNIQUE (user_id, customer_number)
);
CREATE INDEX unmatched_requests_answer_by_idx ON unmatched_requests (answer_by) WHERE status = 'pending';
