-- The orders page reads a company's orders, and the messages page a login's messages, newest
-- first a page at a time from the last one shown (keyset paging): in id order, so that any
-- page is read from its index. The indexes by time served only the whole lists, which are gone
-- (the unread count reads the new messages index by its first column).
CREATE INDEX orders_company_id_idx ON orders (company_id, id);
DROP INDEX orders_company_idx;
CREATE INDEX messages_recipient_id_idx ON messages (recipient_user_id, id);
DROP INDEX messages_recipient_idx;
