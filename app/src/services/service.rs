//! The online services' server side: what the acting company's right lets this login see
//! and do, for the debtors it was granted.

use crate::shared::refusal::PortalError;
use portal_core::store::{Debtor, NewOrder, NewOrderLine, Order, Store};

use super::*;
use crate::access::ServiceScope;
use crate::shared::format::{chf, swiss_date, swiss_date_time};
use crate::shared::refusal::internal;
use crate::shared::refusal::{refused, Refusal};

async fn in_scope(store: &Store, scope: &ServiceScope) -> Result<Vec<Debtor>, PortalError> {
    store.permitted_debtors(scope.user_id, scope.company.company_id, scope.service).await.map_err(internal)
}

async fn granted_services(store: &Store, scope: &ServiceScope) -> Result<Vec<String>, PortalError> {
    store.granted_service_codes(scope.right.id).await.map_err(internal)
}

fn debtor_option(d: Debtor) -> DebtorOption {
    DebtorOption { debtor_id: d.id, number: d.debtor_number, name: d.name }
}

fn order_view(order: Order, company_name: &str, debtors: &[Debtor]) -> OrderView {
    let debtor_name = debtors.iter().find(|d| d.id == order.debtor_id).map(|d| d.name.clone()).unwrap_or_default();
    OrderView {
        order_id: order.id,
        placed_at: swiss_date_time(order.created_at),
        debtor_number: order.debtor_number,
        debtor_name,
        placed_by: order.placed_by_name,
        on_behalf_of: order.placed_by_company_name.is_some().then(|| company_name.to_string()),
        provider_company: order.placed_by_company_name,
        reference: order.reference,
        lines: order
            .lines
            .into_iter()
            .map(|l| OrderLineView {
                amount: chf(l.quantity * l.unit_price_cents),
                code: l.product_code,
                name: l.product_name,
                quantity: l.quantity,
                unit_price: chf(l.unit_price_cents),
            })
            .collect(),
        total: chf(order.total_cents),
    }
}

/// Everybody with the service sees the company's orders for the debtors in their scope,
/// whoever placed them (colleagues, providers), a page at a time.
pub async fn orders_view(store: &Store, scope: &ServiceScope, before: Option<i64>) -> Result<OrdersView, PortalError> {
    let company_id = scope.company.company_id;
    let debtors = in_scope(store, scope).await?;
    let products = store
        .products(company_id, true)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|p| ProductOption { product_id: p.id, code: p.code, name: p.name, unit_price: chf(p.unit_price_cents) })
        .collect();
    let page = store.orders_page(scope.user_id, company_id, scope.service, before, ORDERS_PER_PAGE).await.map_err(internal)?;
    let orders = page.items.into_iter().map(|o| order_view(o, &scope.company.name, &debtors)).collect();
    Ok(OrdersView {
        company: scope.company.name.clone(),
        as_provider: scope.company.as_provider,
        services: granted_services(store, scope).await?,
        debtors: debtors.into_iter().map(debtor_option).collect(),
        products,
        orders,
        later_page: before.is_some(),
        older: page.older,
    })
}

/// The debtor must be one of the company's and granted to the login for the service;
/// prices are the store's; the order is audited with the acting company ("order.create").
pub async fn place_order(store: &Store, scope: &ServiceScope, form: OrderForm) -> Result<PlacedOrder, PortalError> {
    let company_id = scope.company.company_id;
    // One row by its key, not the company's (up to 5,000) debtors, on the path of every order.
    let ours = match store.debtor(form.debtor_id).await {
        Ok(debtor) => debtor.company_id == company_id,
        Err(portal_core::store::StoreError::NotFound) => false,
        Err(e) => return Err(internal(e)),
    };
    if !ours || !store.may_act(scope.user_id, company_id, ORDERS, Some(form.debtor_id)).await.map_err(internal)? {
        tracing::info!(user_id = scope.user_id, company_id, debtor_id = form.debtor_id, "order refused: debtor not granted");
        return Err(refused(Refusal::DebtorNotGranted));
    }
    let new = NewOrder {
        company_id,
        debtor_id: form.debtor_id,
        placed_by_user_id: scope.user_id,
        right_id: Some(scope.right.id),
        reference: form.reference,
        lines: form.lines.into_iter().map(|(product_id, quantity)| NewOrderLine { product_id, quantity }).collect(),
    };
    let order = store.create_order(&new, &scope.actor).await?;
    tracing::info!(order_id = order.id, company_id, user_id = scope.user_id, "order placed");
    Ok(PlacedOrder { order_id: order.id, total: chf(order.total_cents) })
}

pub async fn invoices_view(store: &Store, scope: &ServiceScope) -> Result<InvoicesView, PortalError> {
    let company_id = scope.company.company_id;
    let debtors = in_scope(store, scope).await?;
    let ids: Vec<i64> = debtors.iter().map(|d| d.id).collect();
    let invoices = store.invoices_for_company(company_id, Some(&ids)).await.map_err(internal)?;
    Ok(InvoicesView {
        company: scope.company.name.clone(),
        as_provider: scope.company.as_provider,
        services: granted_services(store, scope).await?,
        debtors: debtors
            .into_iter()
            .map(|d| DebtorInvoices {
                invoices: invoices
                    .iter()
                    .filter(|i| i.debtor_id == d.id)
                    .map(|i| InvoiceView {
                        number: i.number.clone(),
                        issued: swiss_date(i.issued_at),
                        due: swiss_date(i.due_at),
                        amount: chf(i.amount_cents),
                        status: i.status,
                    })
                    .collect(),
                debtor: debtor_option(d),
            })
            .collect(),
    })
}
