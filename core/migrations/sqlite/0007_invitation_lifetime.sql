-- A pending invitation (or access request) lapses unanswered after the company's invitation
-- lifetime. Rights pending before this migration are due 14 days after their last change,
-- written in the application's own RFC 3339 form so that they compare with bound times.
ALTER TABLE companies ADD COLUMN invitation_days INTEGER NOT NULL DEFAULT 14
    CHECK (invitation_days BETWEEN 1 AND 90);
ALTER TABLE user_rights ADD COLUMN answer_by TEXT;
UPDATE user_rights SET answer_by = strftime('%Y-%m-%dT%H:%M:%f+00:00', updated_at, '+14 days')
    WHERE status = 'pending';
CREATE INDEX user_rights_answer_by_idx ON user_rights (answer_by) WHERE status = 'pending';
