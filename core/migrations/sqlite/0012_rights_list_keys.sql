-- The rights list at scale: every sort order and the search read columns of the right itself,
-- so that a page walks one index of the company's rights instead of joining and sorting all
-- of them. The columns copy the holder's names, e-mail and home company (lower-cased, as the
-- list sorts them, and the home company's id, by which the provider companies to offboard
-- are counted); the triggers below keep them true whichever statement changes the source,
-- and no product code writes them. A right's user never changes.
--
-- `list_search` joins the searched fields with U+001F, a character no one types into the
-- search box, so that a search matches within one field as it did field by field.
--
-- A migration that rebuilds user_rights must create these triggers and right_search again.
ALTER TABLE user_rights ADD COLUMN list_last_name  TEXT NOT NULL DEFAULT '';
ALTER TABLE user_rights ADD COLUMN list_first_name TEXT NOT NULL DEFAULT '';
ALTER TABLE user_rights ADD COLUMN list_email      TEXT NOT NULL DEFAULT '';
ALTER TABLE user_rights ADD COLUMN list_company    TEXT NOT NULL DEFAULT '';
ALTER TABLE user_rights ADD COLUMN list_search     TEXT NOT NULL DEFAULT '';
ALTER TABLE user_rights ADD COLUMN list_home_company_id INTEGER;

-- The substring search: FTS5's trigram index over list_search (searches of three characters
-- or more; shorter ones read the company's rows).
CREATE VIRTUAL TABLE right_search USING fts5 (list_search, content = 'user_rights', content_rowid = 'id', tokenize = 'trigram');

UPDATE user_rights SET
    list_last_name  = (SELECT lower(u.last_name) FROM users u WHERE u.id = user_rights.user_id),
    list_first_name = (SELECT lower(u.first_name) FROM users u WHERE u.id = user_rights.user_id),
    list_email      = (SELECT u.email FROM users u WHERE u.id = user_rights.user_id),
    list_company    = (SELECT lower(COALESCE(hc.name, '')) FROM users u LEFT JOIN companies hc ON hc.id = u.home_company_id WHERE u.id = user_rights.user_id),
    list_search     = (SELECT u.email || char(31) || lower(u.first_name) || char(31) || lower(u.last_name) || char(31) || lower(COALESCE(hc.name, ''))
                       FROM users u LEFT JOIN companies hc ON hc.id = u.home_company_id WHERE u.id = user_rights.user_id),
    list_home_company_id = (SELECT u.home_company_id FROM users u WHERE u.id = user_rights.user_id);
INSERT INTO right_search (right_search) VALUES ('rebuild');

CREATE TRIGGER user_rights_list_keys_on_insert AFTER INSERT ON user_rights BEGIN
    UPDATE user_rights SET
        list_last_name  = (SELECT lower(u.last_name) FROM users u WHERE u.id = NEW.user_id),
        list_first_name = (SELECT lower(u.first_name) FROM users u WHERE u.id = NEW.user_id),
        list_email      = (SELECT u.email FROM users u WHERE u.id = NEW.user_id),
        list_company    = (SELECT lower(COALESCE(hc.name, '')) FROM users u LEFT JOIN companies hc ON hc.id = u.home_company_id WHERE u.id = NEW.user_id),
        list_search     = (SELECT u.email || char(31) || lower(u.first_name) || char(31) || lower(u.last_name) || char(31) || lower(COALESCE(hc.name, ''))
                           FROM users u LEFT JOIN companies hc ON hc.id = u.home_company_id WHERE u.id = NEW.user_id),
        list_home_company_id = (SELECT u.home_company_id FROM users u WHERE u.id = NEW.user_id)
    WHERE id = NEW.id;
    INSERT INTO right_search (rowid, list_search) SELECT id, list_search FROM user_rights WHERE id = NEW.id;
END;

CREATE TRIGGER user_rights_list_keys_on_delete AFTER DELETE ON user_rights BEGIN
    INSERT INTO right_search (right_search, rowid, list_search) VALUES ('delete', OLD.id, OLD.list_search);
END;

CREATE TRIGGER users_list_keys AFTER UPDATE OF email, first_name, last_name, home_company_id ON users
WHEN OLD.email IS NOT NEW.email OR OLD.first_name IS NOT NEW.first_name OR OLD.last_name IS NOT NEW.last_name
  OR OLD.home_company_id IS NOT NEW.home_company_id BEGIN
    INSERT INTO right_search (right_search, rowid, list_search) SELECT 'delete', id, list_search FROM user_rights WHERE user_id = NEW.id;
    UPDATE user_rights SET
        list_last_name  = lower(NEW.last_name),
        list_first_name = lower(NEW.first_name),
        list_email      = NEW.email,
        list_company    = COALESCE((SELECT lower(hc.name) FROM companies hc WHERE hc.id = NEW.home_company_id), ''),
        list_search     = NEW.email || char(31) || lower(NEW.first_name) || char(31) || lower(NEW.last_name) || char(31)
                          || COALESCE((SELECT lower(hc.name) FROM companies hc WHERE hc.id = NEW.home_company_id), ''),
        list_home_company_id = NEW.home_company_id
    WHERE user_id = NEW.id;
    INSERT INTO right_search (rowid, list_search) SELECT id, list_search FROM user_rights WHERE user_id = NEW.id;
END;

CREATE TRIGGER companies_list_keys AFTER UPDATE OF name ON companies WHEN OLD.name IS NOT NEW.name BEGIN
    INSERT INTO right_search (right_search, rowid, list_search)
        SELECT 'delete', r.id, r.list_search FROM user_rights r JOIN users u ON u.id = r.user_id WHERE u.home_company_id = NEW.id;
    UPDATE user_rights SET
        list_company = lower(NEW.name),
        list_search  = (SELECT u.email || char(31) || lower(u.first_name) || char(31) || lower(u.last_name) || char(31) || lower(NEW.name)
                        FROM users u WHERE u.id = user_rights.user_id)
    WHERE user_id IN (SELECT id FROM users WHERE home_company_id = NEW.id);
    INSERT INTO right_search (rowid, list_search)
        SELECT r.id, r.list_search FROM user_rights r JOIN users u ON u.id = r.user_id WHERE u.home_company_id = NEW.id;
END;

-- One index per sort order of the list, each ending in the id that breaks ties.
CREATE INDEX user_rights_by_last_name  ON user_rights (company_id, list_last_name, list_first_name, id);
CREATE INDEX user_rights_by_first_name ON user_rights (company_id, list_first_name, list_last_name, id);
CREATE INDEX user_rights_by_email      ON user_rights (company_id, list_email, id);
CREATE INDEX user_rights_by_company    ON user_rights (company_id, list_company, list_last_name, id);
CREATE INDEX user_rights_by_role       ON user_rights (company_id, right_type, is_admin, list_last_name, id);
CREATE INDEX user_rights_by_status     ON user_rights (company_id, status, list_last_name, id);
CREATE INDEX user_rights_by_created_at ON user_rights (company_id, created_at, id);
-- The provider companies to offboard, counted from the index alone.
CREATE INDEX user_rights_by_home_company ON user_rights (company_id, right_type, status, list_home_company_id);
