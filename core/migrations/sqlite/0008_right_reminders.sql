-- The reminders the housekeeping sent: one row per right, reminder and the date it is about
-- (an invitation's answer-by time, an active right's end date). Whichever instance inserts
-- the row first sends the reminder; a renewed invitation or an extended right is about a new
-- date, so it is reminded again.
CREATE TABLE right_reminders (
    right_id  INTEGER NOT NULL REFERENCES user_rights (id),
    reminder  TEXT    NOT NULL CHECK (reminder IN ('answer_3', 'end_30', 'end_7', 'end_1')),
    about     TEXT    NOT NULL,
    sent_at   TEXT    NOT NULL,
    PRIMARY KEY (right_id, reminder, about)
);
