-- Permission templates ("modèles d'autorisations"): a named set of services and debtors of one
-- company, which an administrator applies to a right. Applying copies the template into the
-- right's service_grants, so a later change of the template changes no right made from it.
CREATE TABLE grant_templates (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id  INTEGER NOT NULL REFERENCES companies (id),
    name        TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    UNIQUE (company_id, name)
);

CREATE TABLE grant_template_services (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    template_id  INTEGER NOT NULL REFERENCES grant_templates (id) ON DELETE CASCADE,
    service_id   INTEGER NOT NULL REFERENCES services (id),
    all_debtors  BOOLEAN NOT NULL DEFAULT 0,
    UNIQUE (template_id, service_id)
);

CREATE TABLE grant_template_debtors (
    template_service_id  INTEGER NOT NULL REFERENCES grant_template_services (id) ON DELETE CASCADE,
    debtor_id            INTEGER NOT NULL REFERENCES debtors (id),
    PRIMARY KEY (template_service_id, debtor_id)
);
