-- An administrator can suspend an active right and resume it: 'suspended' is a status of its
-- own, which grants nothing and keeps the right's services, debtors and history.
ALTER TABLE user_rights DROP CONSTRAINT user_rights_status_check;
ALTER TABLE user_rights ADD CONSTRAINT user_rights_status_check
    CHECK (status IN ('pending', 'active', 'suspended', 'refused', 'revoked', 'expired', 'resigned'));
