-- The orders page reads a company's orders newest first, a page at a time from the last one
-- shown (keyset paging): in id order, so that any page is read from the index. The index by
-- creation time served only the whole list, which is gone.
CREATE INDEX orders_company_id_idx ON orders (company_id, id);
DROP INDEX orders_company_idx;
