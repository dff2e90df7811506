-- The audit log page reads a company's entries by two columns (about the company, or done
-- while acting for it): each has its index in id order, so that a page merges the newest of
-- both instead of reading the whole log.
CREATE INDEX audit_log_acting_company_idx ON audit_log (acting_company_id, id);
