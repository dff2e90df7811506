//! Permission templates: named sets of service authorizations of one company, applied to a
//! right by copying them into its grants (so a later change of a template changes no right).

use super::audit::audit_in;
use super::grants::{check_grants_in, normalize};
use super::*;
use crate::domain::*;

// `$1`: a company or NULL for any, `$2`: a template or NULL for all of them.
const TEMPLATES_SQL: &str = "SELECT t.id, t.company_id, t.name FROM grant_templates t \
     WHERE ($1 IS NULL OR t.company_id = $1) AND ($2 IS NULL OR t.id = $2) ORDER BY t.name, t.id";
const SERVICES_SQL: &str = "SELECT ts.id, ts.template_id, ts.service_id, ts.all_debtors FROM grant_template_services ts \
     JOIN grant_templates t ON t.id = ts.template_id \
     WHERE ($1 IS NULL OR t.company_id = $1) AND ($2 IS NULL OR t.id = $2) ORDER BY ts.service_id";
const DEBTORS_SQL: &str = "SELECT td.template_service_id, td.debtor_id FROM grant_template_debtors td \
     JOIN grant_template_services ts ON ts.id = td.template_service_id JOIN grant_templates t ON t.id = ts.template_id \
     WHERE ($1 IS NULL OR t.company_id = $1) AND ($2 IS NULL OR t.id = $2) ORDER BY td.debtor_id";

#[derive(sqlx::FromRow)]
struct TemplateRow {
    id: i64,
    company_id: i64,
    name: String,
}

#[derive(sqlx::FromRow)]
struct TemplateServiceRow {
    id: i64,
    template_id: i64,
    service_id: i64,
    all_debtors: bool,
}

type Rows = (Vec<TemplateRow>, Vec<TemplateServiceRow>, Vec<(i64, i64)>);

fn assemble((templates, services, debtors): Rows) -> Vec<GrantTemplate> {
    templates
        .into_iter()
        .map(|t| GrantTemplate {
            grants: services
                .iter()
                .filter(|s| s.template_id == t.id)
                .map(|s| GrantSpec {
                    service_id: s.service_id,
                    all_debtors: s.all_debtors,
                    debtor_ids: debtors.iter().filter(|(sid, _)| *sid == s.id).map(|(_, d)| *d).collect(),
                })
                .collect(),
            id: t.id,
            company_id: t.company_id,
            name: t.name,
        })
        .collect()
}

async fn templates_in(tx: &mut Tx, company_id: Option<CompanyId>, only: Option<TemplateId>) -> Result<Vec<GrantTemplate>> {
    let templates = with_tx!(&mut *tx, |c| sqlx::query_as(TEMPLATES_SQL).bind(company_id).bind(only).fetch_all(c).await)?;
    let services = with_tx!(&mut *tx, |c| sqlx::query_as(SERVICES_SQL).bind(company_id).bind(only).fetch_all(c).await)?;
    let debtors = with_tx!(&mut *tx, |c| sqlx::query_as(DEBTORS_SQL).bind(company_id).bind(only).fetch_all(c).await)?;
    Ok(assemble((templates, services, debtors)))
}

/// The template `id` of `company_id`, locked for the rest of the transaction; `NotFound` for
/// another company's.
async fn locked_template_in(tx: &mut Tx, company_id: CompanyId, id: TemplateId) -> Result<GrantTemplate> {
    let locked = with_tx!(&mut *tx, |c| sqlx::query("UPDATE grant_templates SET updated_at = updated_at WHERE id = $1 AND company_id = $2")
        .bind(id)
        .bind(company_id)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    if locked == 0 {
        return Err(StoreError::NotFound);
    }
    templates_in(tx, Some(company_id), Some(id)).await?.pop().ok_or(StoreError::NotFound)
}

async fn delete_services_in(tx: &mut Tx, id: TemplateId) -> Result<()> {
    with_tx!(&mut *tx, |c| sqlx::query(
        "DELETE FROM grant_template_debtors WHERE template_service_id IN (SELECT id FROM grant_template_services WHERE template_id = $1)"
    )
    .bind(id)
    .execute(c)
    .await
    .map(|_| ()))?;
    with_tx!(&mut *tx, |c| sqlx::query("DELETE FROM grant_template_services WHERE template_id = $1").bind(id).execute(c).await.map(|_| ()))?;
    Ok(())
}

async fn insert_services_in(tx: &mut Tx, id: TemplateId, wanted: &[GrantSpec]) -> Result<()> {
    for spec in wanted {
        let service_row: i64 = with_tx!(&mut *tx, |c| sqlx::query_scalar(
            "INSERT INTO grant_template_services (template_id, service_id, all_debtors) VALUES ($1, $2, $3) RETURNING id"
        )
        .bind(id)
        .bind(spec.service_id)
        .bind(spec.all_debtors)
        .fetch_one(c)
        .await)?;
        for &debtor_id in &spec.debtor_ids {
            with_tx!(&mut *tx, |c| sqlx::query("INSERT INTO grant_template_debtors (template_service_id, debtor_id) VALUES ($1, $2)")
                .bind(service_row)
                .bind(debtor_id)
                .execute(c)
                .await
                .map(|_| ()))?;
        }
    }
    Ok(())
}

/// The grants of template `id` for a right of `company_id`: `Invalid(Rule(TemplateOfAnotherCompany))`
/// for a template that is not the company's (or none), so that an id cannot probe others.
pub(crate) async fn template_grants_in(tx: &mut Tx, id: TemplateId, company_id: CompanyId) -> Result<Vec<GrantSpec>> {
    match templates_in(tx, Some(company_id), Some(id)).await?.pop() {
        Some(template) => Ok(template.grants),
        None => Err(StoreError::invalid(RightRuleError::TemplateOfAnotherCompany)),
    }
}

impl Store {
    /// The company's permission templates, by name.
    pub async fn grant_templates(&self, company_id: CompanyId) -> Result<Vec<GrantTemplate>> {
        let (company, all) = (Some(company_id), None::<TemplateId>);
        let templates = with_pool!(self, |p| sqlx::query_as(TEMPLATES_SQL).bind(company).bind(all).fetch_all(p).await)?;
        let services = with_pool!(self, |p| sqlx::query_as(SERVICES_SQL).bind(company).bind(all).fetch_all(p).await)?;
        let debtors = with_pool!(self, |p| sqlx::query_as(DEBTORS_SQL).bind(company).bind(all).fetch_all(p).await)?;
        Ok(assemble((templates, services, debtors)))
    }

    /// Creates a template of `company_id` (`id` None) or replaces the name and services of its
    /// template `id` (`NotFound` for another company's). The services must be subscribed by
    /// the company and the debtors its own, with at least one service; a name the company
    /// uses for another template is `Duplicate`. Audited as "template.save"; the rights made
    /// from the template keep what they were given.
    pub async fn save_grant_template(
        &self,
        company_id: CompanyId,
        id: Option<TemplateId>,
        name: &TemplateName,
        specs: &[GrantSpec],
        actor: &Actor,
    ) -> Result<GrantTemplate> {
        let wanted = normalize(specs)?;
        if wanted.is_empty() {
            return Err(StoreError::invalid(GrantError::EmptyTemplate));
        }
        let mut tx = self.begin().await?;
        check_grants_in(&mut tx, company_id, &wanted).await?;
        let at = real_time();
        let (id, before) = match id {
            Some(id) => {
                let before = locked_template_in(&mut tx, company_id, id).await?;
                with_tx!(&mut tx, |c| sqlx::query("UPDATE grant_templates SET name = $2, updated_at = $3 WHERE id = $1")
                    .bind(id)
                    .bind(name.as_str())
                    .bind(at)
                    .execute(c)
                    .await
                    .map(|_| ()))
                .map_err(dup("template.name"))?;
                delete_services_in(&mut tx, id).await?;
                (id, Some(before))
            }
            None => {
                let id: i64 = with_tx!(&mut tx, |c| sqlx::query_scalar(
                    "INSERT INTO grant_templates (company_id, name, created_at, updated_at) VALUES ($1, $2, $3, $3) RETURNING id"
                )
                .bind(company_id)
                .bind(name.as_str())
                .bind(at)
                .fetch_one(c)
                .await)
                .map_err(dup("template.name"))?;
                (id, None)
            }
        };
        insert_services_in(&mut tx, id, &wanted).await?;
        let after = templates_in(&mut tx, Some(company_id), Some(id)).await?.pop().ok_or(StoreError::NotFound)?;
        let mut entry = AuditEntry::new(actor, Some(company_id), AuditAction::TemplateSave, format!("template:{id}")).after(&after);
        if let Some(before) = before {
            entry = entry.before(&before);
        }
        audit_in(&mut tx, &entry).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Deletes the company's template `id` (`NotFound` for another company's), audited as
    /// "template.delete". The rights made from it keep their authorizations.
    pub async fn delete_grant_template(&self, company_id: CompanyId, id: TemplateId, actor: &Actor) -> Result<()> {
        let mut tx = self.begin().await?;
        let before = locked_template_in(&mut tx, company_id, id).await?;
        delete_services_in(&mut tx, id).await?;
        with_tx!(&mut tx, |c| sqlx::query("DELETE FROM grant_templates WHERE id = $1").bind(id).execute(c).await.map(|_| ()))?;
        audit_in(&mut tx, &AuditEntry::new(actor, Some(company_id), AuditAction::TemplateDelete, format!("template:{id}")).before(&before)).await?;
        tx.commit().await
    }
}
