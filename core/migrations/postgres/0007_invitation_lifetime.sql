-- A pending invitation (or access request) lapses unanswered after the company's invitation
-- lifetime. Rights pending before this migration are due 14 days after their last change.
ALTER TABLE companies ADD COLUMN invitation_days INTEGER NOT NULL DEFAULT 14
    CHECK (invitation_days BETWEEN 1 AND 90);
ALTER TABLE user_rights ADD COLUMN answer_by TIMESTAMPTZ;
UPDATE user_rights SET answer_by = updated_at + INTERVAL '14 days' WHERE status = 'pending';
CREATE INDEX user_rights_answer_by_idx ON user_rights (answer_by) WHERE status = 'pending';
