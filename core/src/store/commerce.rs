//! Contract products, orders (with lines) and invoices.

use super::audit::audit_in;
use super::grants::PERMITTED_DEBTOR_IDS;
use super::*;
use crate::domain::*;

const ORDER_SELECT: &str = "SELECT o.id, o.company_id, o.debtor_id, d.debtor_number, o.placed_by_user_id, \
     u.first_name AS placed_by_first_name, u.last_name AS placed_by_last_name, u.email AS placed_by_email, \
     u.home_company_id AS placed_by_company_id, hc.name AS placed_by_company_name, o.right_id, o.reference, o.created_at \
     FROM orders o JOIN debtors d ON d.id = o.debtor_id JOIN users u ON u.id = o.placed_by_user_id \
     LEFT JOIN companies hc ON hc.id = u.home_company_id";
const LINE_SELECT: &str = "SELECT l.id, l.order_id, l.product_id, p.code AS product_code, p.name AS product_name, \
     l.quantity, l.unit_price_cents FROM order_lines l JOIN contract_products p ON p.id = l.product_id";

fn assemble(rows: Vec<OrderRow>, lines: Vec<OrderLine>) -> Vec<Order> {
    rows.into_iter()
        .map(|o| {
            let lines: Vec<OrderLine> = lines.iter().filter(|l| l.order_id == o.id).cloned().collect();
            Order {
                total_cents: lines.iter().map(|l| l.quantity * l.unit_price_cents).sum(),
                lines,
                id: o.id,
                company_id: o.company_id,
                debtor_id: o.debtor_id,
                debtor_number: o.debtor_number,
                placed_by_user_id: o.placed_by_user_id,
                placed_by_name: format!("{} {}", o.placed_by_first_name, o.placed_by_last_name),
                placed_by_email: o.placed_by_email,
                placed_by_company_name: o.placed_by_company_name.filter(|_| o.placed_by_company_id != Some(o.company_id)),
                right_id: o.right_id,
                reference: o.reference,
                created_at: o.created_at,
            }
        })
        .collect()
}

impl Store {
    // ------------------------------------------------------------ contract products

    pub async fn create_product(&self, company_id: CompanyId, code: &str, name: &str, unit_price_cents: i64) -> Result<ContractProduct> {
        with_pool!(self, |p| sqlx::query_as(
            "INSERT INTO contract_products (company_id, code, name, unit_price_cents, active) VALUES ($1, $2, $3, $4, $5) \
             RETURNING id, company_id, code, name, unit_price_cents, active"
        )
        .bind(company_id)
        .bind(code.trim())
        .bind(name.trim())
        .bind(unit_price_cents)
        .bind(true)
        .fetch_one(p)
        .await)
        .map_err(dup("product"))
    }

    /// The company's contract products (active ones only if `active_only`), by code.
    pub async fn products(&self, company_id: CompanyId, active_only: bool) -> Result<Vec<ContractProduct>> {
        Ok(with_pool!(self, |p| sqlx::query_as(
            "SELECT id, company_id, code, name, unit_price_cents, active FROM contract_products \
             WHERE company_id = $1 AND (active = $2 OR $3 = $4) ORDER BY code"
        )
        .bind(company_id)
        .bind(true)
        .bind(active_only)
        .bind(false)
        .fetch_all(p)
        .await)?)
    }

    #[cfg(any(test, feature = "test-support"))]
    pub async fn set_product_active(&self, product_id: i64, active: bool) -> Result<()> {
        let n = with_pool!(self, |p| sqlx::query("UPDATE contract_products SET active = $2 WHERE id = $1")
            .bind(product_id)
            .bind(active)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        super::directory::found(n)
    }

    // ------------------------------------------------------------ orders

    /// Places an order in one transaction: the debtor must belong to the company, each
    /// product must be an active contract product of it (its current price is copied).
    /// Audited as "order.create" with the actor's acting company.
    pub async fn create_order(&self, new: &NewOrder, actor: &Actor) -> Result<Order> {
        if new.lines.is_empty() {
            return Err(StoreError::invalid(OrderError::NoLines));
        }
        if new.lines.iter().any(|l| l.quantity <= 0) {
            return Err(StoreError::invalid(OrderError::BadQuantity));
        }
        let mut tx = self.begin().await?;
        let debtor_company: Option<i64> =
            with_tx!(&mut tx, |c| sqlx::query_scalar("SELECT company_id FROM debtors WHERE id = $1").bind(new.debtor_id).fetch_optional(c).await)?;
        if debtor_company != Some(new.company_id) {
            return Err(StoreError::invalid(OrderError::DebtorOfAnotherCompany));
        }
        let at = real_time();
        let order_id: i64 = with_tx!(&mut tx, |c| sqlx::query_scalar(
            "INSERT INTO orders (company_id, debtor_id, placed_by_user_id, right_id, reference, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id"
        )
        .bind(new.company_id)
        .bind(new.debtor_id)
        .bind(new.placed_by_user_id)
        .bind(new.right_id)
        .bind(new.reference.as_deref().map(str::trim).filter(|s| !s.is_empty()))
        .bind(at)
        .fetch_one(c)
        .await)?;
        // One statement per line, inside the write lock: the price is copied from the product as
        // it is at commit, and a product that is not an active one of the company adds no row.
        for line in &new.lines {
            let added = with_tx!(&mut tx, |c| sqlx::query(
                "INSERT INTO order_lines (order_id, product_id, quantity, unit_price_cents) \
                 SELECT $1, id, $3, unit_price_cents FROM contract_products WHERE id = $2 AND company_id = $4 AND active = $5"
            )
            .bind(order_id)
            .bind(line.product_id)
            .bind(line.quantity)
            .bind(new.company_id)
            .bind(true)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
            if added != 1 {
                return Err(StoreError::invalid(OrderError::UnknownProduct));
            }
        }
        let sql = format!("{ORDER_SELECT} WHERE o.id = $1");
        let rows: Vec<OrderRow> = with_tx!(&mut tx, |c| sqlx::query_as(&sql).bind(order_id).fetch_all(c).await)?;
        let lsql = format!("{LINE_SELECT} WHERE l.order_id = $1 ORDER BY l.id");
        let lines: Vec<OrderLine> = with_tx!(&mut tx, |c| sqlx::query_as(&lsql).bind(order_id).fetch_all(c).await)?;
        let order = assemble(rows, lines).pop().ok_or(StoreError::NotFound)?;
        audit_in(&mut tx, &AuditEntry::new(actor, Some(new.company_id), AuditAction::OrderCreate, format!("order:{order_id}")).after(&order)).await?;
        tx.commit().await?;
        Ok(order)
    }

    #[cfg(any(test, feature = "test-support"))]
    pub async fn order(&self, id: i64) -> Result<Order> {
        let sql = format!("{ORDER_SELECT} WHERE o.id = $1");
        let rows: Vec<OrderRow> = with_pool!(self, |p| sqlx::query_as(&sql).bind(id).fetch_all(p).await)?;
        let lsql = format!("{LINE_SELECT} WHERE l.order_id = $1 ORDER BY l.id");
        let lines: Vec<OrderLine> = with_pool!(self, |p| sqlx::query_as(&lsql).bind(id).fetch_all(p).await)?;
        assemble(rows, lines).pop().ok_or(StoreError::NotFound)
    }

    /// The company's orders, newest first, with who placed them and their lines (tests).
    #[cfg(any(test, feature = "test-support"))]
    pub async fn orders_for_company(&self, company_id: CompanyId) -> Result<Vec<Order>> {
        let sql = format!("{ORDER_SELECT} WHERE o.company_id = $1 ORDER BY o.id DESC");
        let rows: Vec<OrderRow> = with_pool!(self, |p| sqlx::query_as(&sql).bind(company_id).fetch_all(p).await)?;
        let lsql = format!("{LINE_SELECT} WHERE l.order_id IN (SELECT id FROM orders WHERE company_id = $1) ORDER BY l.order_id, l.id");
        let lines: Vec<OrderLine> = with_pool!(self, |p| sqlx::query_as(&lsql).bind(company_id).fetch_all(p).await)?;
        Ok(assemble(rows, lines))
    }

    /// A page of the company's orders for the debtors `user_id` may act for on `service_code`
    /// today ([`Store::permitted_debtors`]), newest first, whoever placed them: `limit` orders
    /// placed before order `before` (from the newest without it). Keyset paging along the
    /// index `(company_id, id)`: a page costs the same at any depth and however many orders
    /// the company has.
    pub async fn orders_page(&self, user_id: UserId, company_id: CompanyId, service_code: &str, before: Option<i64>, limit: i64) -> Result<NewestFirst<Order>> {
        let sql = format!(
            "{ORDER_SELECT} WHERE o.id IN (SELECT p.id FROM orders p WHERE p.company_id = $2 AND p.id < $6 AND p.debtor_id IN ({PERMITTED_DEBTOR_IDS}) \
             ORDER BY p.id DESC LIMIT $7) ORDER BY o.id DESC"
        );
        let rows: Vec<OrderRow> = with_pool!(self, |p| sqlx::query_as(&sql)
            .bind(user_id)
            .bind(company_id)
            .bind(service_code)
            .bind(self.today())
            .bind(true)
            .bind(before.unwrap_or(i64::MAX))
            .bind(limit + 1)
            .fetch_all(p)
            .await)?;
        let page = NewestFirst::cut(rows, limit, |o| o.id);
        if page.items.is_empty() {
            return Ok(NewestFirst { items: Vec::new(), older: page.older });
        }
        let placeholders: Vec<String> = (1..=page.items.len()).map(|n| format!("${n}")).collect();
        let lsql = format!("{LINE_SELECT} WHERE l.order_id IN ({}) ORDER BY l.order_id, l.id", placeholders.join(", "));
        let lines: Vec<OrderLine> = with_pool!(self, |p| {
            let mut query = sqlx::query_as(&lsql);
            for order in &page.items {
                query = query.bind(order.id);
            }
            query.fetch_all(p).await
        })?;
        Ok(NewestFirst { items: assemble(page.items, lines), older: page.older })
    }

    // ------------------------------------------------------------ invoices

    pub async fn create_invoice(&self, new: &NewInvoice) -> Result<Invoice> {
        let id: i64 = with_pool!(self, |p| sqlx::query_scalar(
            "INSERT INTO invoices (company_id, debtor_id, number, amount_cents, issued_at, due_at, status) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"
        )
        .bind(new.company_id)
        .bind(new.debtor_id)
        .bind(&new.number)
        .bind(new.amount_cents)
        .bind(new.issued_at)
        .bind(new.due_at)
        .bind(new.status.as_str())
        .fetch_one(p)
        .await)
        .map_err(dup("invoice"))?;
        let inv: Option<Invoice> = with_pool!(self, |p| sqlx::query_as(
            "SELECT i.id, i.company_id, i.debtor_id, d.debtor_number, i.number, i.amount_cents, i.issued_at, i.due_at, i.status \
             FROM invoices i JOIN debtors d ON d.id = i.debtor_id WHERE i.id = $1"
        )
        .bind(id)
        .fetch_optional(p)
        .await)?;
        inv.ok_or(StoreError::NotFound)
    }

    /// The company's invoices, newest first; only those of `debtor_ids` when given (the
    /// debtors a provider is authorized for).
    pub async fn invoices_for_company(&self, company_id: CompanyId, debtor_ids: Option<&[DebtorId]>) -> Result<Vec<Invoice>> {
        let all: Vec<Invoice> = with_pool!(self, |p| sqlx::query_as(
            "SELECT i.id, i.company_id, i.debtor_id, d.debtor_number, i.number, i.amount_cents, i.issued_at, i.due_at, i.status \
             FROM invoices i JOIN debtors d ON d.id = i.debtor_id WHERE i.company_id = $1 \
             ORDER BY i.issued_at DESC, i.number DESC"
        )
        .bind(company_id)
        .fetch_all(p)
        .await)?;
        Ok(match debtor_ids {
            Some(ids) => all.into_iter().filter(|i| ids.contains(&i.debtor_id)).collect(),
            None => all,
        })
    }
}
