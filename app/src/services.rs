//! The online services a login uses for its acting company: "Commande de produits
//! contractuels" (`orders`) and "Factures" (`invoices`), limited to the services and debtors
//! granted to the login there.
//!
//! Every server function here starts with [`ssr::require_service`]: a signed-in login, its
//! acting company re-checked, an active right on it (not past its end date) and the service
//! granted — decided on the database as it is at this request, never on a cached
//! permission, so a revocation, an end date, a resignation or a change of debtors counts
//! from the very next call. The form is never trusted: company, login, right and prices
//! come from the session and the store; the debtor is checked against the grant.
//! Errors carry stable codes (see [`crate::errors`]) that the pages translate.

use std::collections::BTreeMap;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The service code of "Commande de produits contractuels".
pub const ORDERS: &str = "orders";
/// The service code of "Factures".
pub const INVOICES: &str = "invoices";

/// The online services that have a page, by code.
pub fn service_path(code: &str) -> Option<&'static str> {
    match code {
        ORDERS => Some("/services/orders"),
        INVOICES => Some("/services/invoices"),
        _ => None,
    }
}

/// The service is not granted to the login for the acting company (403).
pub const SERVICE_NOT_GRANTED: &str = "service.not_granted";
/// The debtor is not among those granted to the login for the service (403).
pub const DEBTOR_NOT_GRANTED: &str = "service.debtor_not_granted";
/// No debtor chosen, or not a debtor id (400).
pub const DEBTOR_REQUIRED: &str = "order.debtor_required";
/// The reference is too long or contains control characters (400).
pub const REFERENCE_INVALID: &str = "order.reference_invalid";
/// More product lines than any contract has (400).
pub const TOO_MANY_LINES: &str = "order.too_many_lines";
/// No line with a quantity (400); the store's code.
pub const NO_LINES: &str = "order.no_lines";
/// A quantity that is not a whole number from 0 to [`MAX_QUANTITY`] (400); the store's code.
pub const BAD_QUANTITY: &str = "order.bad_quantity";
/// Not an active contract product of the company (400); the store's code.
pub const UNKNOWN_PRODUCT: &str = "order.unknown_product";

pub const MAX_QUANTITY: i64 = 9_999;
pub const MAX_LINES: usize = 200;
pub const MAX_REFERENCE: usize = 35;

/// Francs and centimes the Swiss way: `CHF 1'234.50`.
pub fn chf(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    let digits = (abs / 100).to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push('\'');
        }
        grouped.push(c);
    }
    format!("CHF {sign}{grouped}.{:02}", abs % 100)
}

/// An order as submitted, validated: the debtor, an optional reference and the lines
/// (product id, quantity ≥ 1). Empty and zero quantities are products not ordered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderForm {
    pub debtor_id: i64,
    pub reference: Option<String>,
    pub lines: Vec<(i64, i64)>,
}

impl OrderForm {
    /// `quantities` maps a product id to the quantity typed for it.
    pub fn parse(debtor_id: &str, reference: &str, quantities: &BTreeMap<String, String>) -> Result<Self, &'static str> {
        let debtor_id = debtor_id.trim().parse::<i64>().ok().filter(|id| *id > 0).ok_or(DEBTOR_REQUIRED)?;
        let reference = reference.trim();
        if reference.chars().count() > MAX_REFERENCE || reference.chars().any(char::is_control) {
            return Err(REFERENCE_INVALID);
        }
        if quantities.len() > MAX_LINES {
            return Err(TOO_MANY_LINES);
        }
        let mut lines = Vec::new();
        for (product, quantity) in quantities {
            let quantity = quantity.trim();
            if quantity.is_empty() {
                continue;
            }
            let product_id = product.trim().parse::<i64>().map_err(|_| UNKNOWN_PRODUCT)?;
            let quantity = quantity.parse::<i64>().ok().filter(|q| (0..=MAX_QUANTITY).contains(q)).ok_or(BAD_QUANTITY)?;
            if quantity > 0 {
                lines.push((product_id, quantity));
            }
        }
        if lines.is_empty() {
            return Err(NO_LINES);
        }
        Ok(OrderForm { debtor_id, reference: (!reference.is_empty()).then(|| reference.to_string()), lines })
    }
}

/// A debtor in the login's scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DebtorOption {
    pub debtor_id: i64,
    pub number: String,
    pub name: String,
}

/// A contract product of the acting company, with its current price.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductOption {
    pub product_id: i64,
    pub code: String,
    pub name: String,
    /// `CHF 24.50`.
    pub unit_price: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLineView {
    pub code: String,
    pub name: String,
    pub quantity: i64,
    pub unit_price: String,
    pub amount: String,
}

/// One order of the list, as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderView {
    pub order_id: i64,
    /// `dd.mm.yyyy HH:MM:SS`, Swiss time.
    pub placed_at: String,
    pub debtor_number: String,
    pub debtor_name: String,
    /// Who placed it ("Paul Prestataire").
    pub placed_by: String,
    /// A provider's own company ("Fiduciaire Exemple Sàrl"); `None` for the company's own people.
    pub provider_company: Option<String>,
    /// The company the provider ordered for ("pour le compte de …"); `None` when not a provider.
    pub on_behalf_of: Option<String>,
    pub reference: Option<String>,
    pub lines: Vec<OrderLineView>,
    pub total: String,
}

/// "Commande de produits contractuels": what the login may order, for whom, and the orders
/// of the debtors in its scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrdersView {
    pub company: String,
    pub as_provider: bool,
    /// The services granted to the login for the acting company (for the services menu).
    pub services: Vec<String>,
    pub debtors: Vec<DebtorOption>,
    pub products: Vec<ProductOption>,
    /// Newest first.
    pub orders: Vec<OrderView>,
}

/// The answer to a placed order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlacedOrder {
    pub order_id: i64,
    pub total: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceView {
    pub number: String,
    /// `dd.mm.yyyy`, Swiss time.
    pub issued: String,
    pub due: String,
    pub amount: String,
    /// `open`, `paid`, `overdue` or `cancelled`.
    pub status: String,
}

/// One debtor in the login's scope and its invoices, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DebtorInvoices {
    pub debtor: DebtorOption,
    pub invoices: Vec<InvoiceView>,
}

/// "Factures": the invoices of the debtors in the login's scope, per debtor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoicesView {
    pub company: String,
    pub as_provider: bool,
    pub services: Vec<String>,
    pub debtors: Vec<DebtorInvoices>,
}

/// The contract products, the debtors in scope and their orders.
#[server(prefix = "/api", endpoint = "load_orders")]
pub async fn load_orders() -> Result<OrdersView, ServerFnError> {
    let scope = ssr::require_service(ORDERS).await?;
    ssr::orders_view(&scope).await
}

/// Places an order for the acting company. `quantities` maps product ids to quantities
/// (form fields `quantities[<product id>]`); empty or 0 means "not ordered".
#[server(prefix = "/api", endpoint = "place_order")]
pub async fn place_order(
    #[server(default)] debtor_id: String,
    #[server(default)] reference: String,
    #[server(default)] quantities: BTreeMap<String, String>,
) -> Result<PlacedOrder, ServerFnError> {
    let scope = ssr::require_service(ORDERS).await?;
    let form = OrderForm::parse(&debtor_id, &reference, &quantities).map_err(ssr::bad_input)?;
    ssr::place_order(&scope, form).await
}

/// The invoices of the debtors in scope, per debtor.
#[server(prefix = "/api", endpoint = "load_invoices")]
pub async fn load_invoices() -> Result<InvoicesView, ServerFnError> {
    let scope = ssr::require_service(INVOICES).await?;
    ssr::invoices_view(&scope).await
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::account::ssr::{swiss_date, swiss_date_time};
    use crate::auth::server::{internal, require_login, store};
    use crate::company::CompanyChoice;
    use crate::refusal::refused;
    use chrono::Utc;
    use http::StatusCode;
    use portal_core::store::{Actor, Debtor, NewOrder, NewOrderLine, Order, Store, StoreError, UserRight};

    /// Who uses which service for which company: the result of [`require_service`].
    #[derive(Debug, Clone)]
    pub struct ServiceScope {
        pub user_id: i64,
        pub company: CompanyChoice,
        pub right: UserRight,
        pub service: &'static str,
        pub actor: Actor,
    }

    pub fn bad_input(code: &str) -> ServerFnError {
        refused(StatusCode::BAD_REQUEST, code)
    }

    /// A signed-in login, acting for a company (re-checked), holding an active right on it
    /// that covers `service` for at least one debtor today. Checked on every call.
    pub async fn require_service(service: &'static str) -> Result<ServiceScope, ServerFnError> {
        let login = require_login().await?;
        let company = crate::company::ssr::require_acting(login.user_id).await?;
        let store = store()?;
        let today = Utc::now().date_naive();
        let right = match store.right_for(company.company_id, login.user_id).await.map_err(internal)? {
            Some(right) if right.grants_access_on(today) => right,
            _ => return Err(refused(StatusCode::FORBIDDEN, SERVICE_NOT_GRANTED)),
        };
        if !store.may_act(login.user_id, company.company_id, service, None).await.map_err(internal)? {
            tracing::info!(user_id = login.user_id, company_id = company.company_id, service, "service refused: not granted");
            return Err(refused(StatusCode::FORBIDDEN, SERVICE_NOT_GRANTED));
        }
        let actor = Actor::user(login.user_id, company.company_id);
        Ok(ServiceScope { user_id: login.user_id, company, right, service, actor })
    }

    /// Input and rule errors of the store are 400 with their code; anything else is a failure.
    fn store_refusal(error: StoreError) -> ServerFnError {
        match &error {
            StoreError::Invalid(_) => bad_input(error.code()),
            _ => internal(error),
        }
    }

    async fn in_scope(store: &Store, scope: &ServiceScope) -> Result<Vec<Debtor>, ServerFnError> {
        store.permitted_debtors(scope.user_id, scope.company.company_id, scope.service).await.map_err(internal)
    }

    async fn granted_services(store: &Store, scope: &ServiceScope) -> Result<Vec<String>, ServerFnError> {
        Ok(store.service_grants(scope.right.id).await.map_err(internal)?.into_iter().map(|g| g.service_code).collect())
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

    /// Acting for another company than the login's own.
    fn as_provider(home_company_id: Option<i64>, scope: &ServiceScope) -> bool {
        home_company_id != Some(scope.company.company_id)
    }

    /// Everybody with the service sees the company's orders for the debtors in their scope,
    /// whoever placed them (colleagues, providers).
    pub async fn orders_view(scope: &ServiceScope) -> Result<OrdersView, ServerFnError> {
        let store = store()?;
        let company_id = scope.company.company_id;
        let debtors = in_scope(&store, scope).await?;
        let products = store
            .products(company_id, true)
            .await
            .map_err(internal)?
            .into_iter()
            .map(|p| ProductOption { product_id: p.id, code: p.code, name: p.name, unit_price: chf(p.unit_price_cents) })
            .collect();
        let orders = store
            .orders_for_company(company_id)
            .await
            .map_err(internal)?
            .into_iter()
            .filter(|o| debtors.iter().any(|d| d.id == o.debtor_id))
            .map(|o| order_view(o, &scope.company.name, &debtors))
            .collect();
        let user = store.user(scope.user_id).await.map_err(internal)?;
        Ok(OrdersView {
            company: scope.company.name.clone(),
            as_provider: as_provider(user.home_company_id, scope),
            services: granted_services(&store, scope).await?,
            debtors: debtors.into_iter().map(debtor_option).collect(),
            products,
            orders,
        })
    }

    /// The debtor must be one of the company's and granted to the login for the service;
    /// prices are the store's; the order is audited with the acting company ("order.create").
    pub async fn place_order(scope: &ServiceScope, form: OrderForm) -> Result<PlacedOrder, ServerFnError> {
        let store = store()?;
        let company_id = scope.company.company_id;
        let ours = store.debtors(company_id).await.map_err(internal)?.iter().any(|d| d.id == form.debtor_id);
        if !ours || !store.may_act(scope.user_id, company_id, ORDERS, Some(form.debtor_id)).await.map_err(internal)? {
            tracing::info!(user_id = scope.user_id, company_id, debtor_id = form.debtor_id, "order refused: debtor not granted");
            return Err(refused(StatusCode::FORBIDDEN, DEBTOR_NOT_GRANTED));
        }
        let new = NewOrder {
            company_id,
            debtor_id: form.debtor_id,
            placed_by_user_id: scope.user_id,
            right_id: Some(scope.right.id),
            reference: form.reference,
            lines: form.lines.into_iter().map(|(product_id, quantity)| NewOrderLine { product_id, quantity }).collect(),
        };
        let order = store.create_order(&new, &scope.actor).await.map_err(store_refusal)?;
        tracing::info!(order_id = order.id, company_id, user_id = scope.user_id, "order placed");
        Ok(PlacedOrder { order_id: order.id, total: chf(order.total_cents) })
    }

    pub async fn invoices_view(scope: &ServiceScope) -> Result<InvoicesView, ServerFnError> {
        let store = store()?;
        let company_id = scope.company.company_id;
        let debtors = in_scope(&store, scope).await?;
        let ids: Vec<i64> = debtors.iter().map(|d| d.id).collect();
        let invoices = store.invoices_for_company(company_id, Some(&ids)).await.map_err(internal)?;
        let user = store.user(scope.user_id).await.map_err(internal)?;
        Ok(InvoicesView {
            company: scope.company.name.clone(),
            as_provider: as_provider(user.home_company_id, scope),
            services: granted_services(&store, scope).await?,
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
                            status: i.status.clone(),
                        })
                        .collect(),
                    debtor: debtor_option(d),
                })
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quantities(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn amounts_are_written_in_swiss_francs_with_apostrophes() {
        assert_eq!(chf(0), "CHF 0.00");
        assert_eq!(chf(2_450), "CHF 24.50");
        assert_eq!(chf(123_450), "CHF 1'234.50");
        assert_eq!(chf(123_456_789), "CHF 1'234'567.89");
        assert_eq!(chf(-5), "CHF -0.05");
    }

    #[test]
    fn an_order_keeps_the_products_with_a_quantity() {
        let form = OrderForm::parse(" 7 ", "  PO-17 ", &quantities(&[("3", "2"), ("4", ""), ("5", "0"), ("6", " 1 ")])).unwrap();
        assert_eq!(form, OrderForm { debtor_id: 7, reference: Some("PO-17".into()), lines: vec![(3, 2), (6, 1)] });
        assert_eq!(OrderForm::parse("7", "", &quantities(&[("3", "1")])).unwrap().reference, None);
    }

    #[test]
    fn an_order_without_debtor_or_lines_or_with_bad_quantities_is_refused() {
        let one = quantities(&[("3", "1")]);
        assert_eq!(OrderForm::parse("", "", &one), Err(DEBTOR_REQUIRED));
        assert_eq!(OrderForm::parse("abc", "", &one), Err(DEBTOR_REQUIRED));
        assert_eq!(OrderForm::parse("7", "", &quantities(&[("3", ""), ("4", "0")])), Err(NO_LINES));
        assert_eq!(OrderForm::parse("7", "", &BTreeMap::new()), Err(NO_LINES));
        for bad in ["-1", "1.5", "zwei", "10000"] {
            assert_eq!(OrderForm::parse("7", "", &quantities(&[("3", bad)])), Err(BAD_QUANTITY), "{bad}");
        }
        assert_eq!(OrderForm::parse("7", "", &quantities(&[("x", "1")])), Err(UNKNOWN_PRODUCT));
        assert_eq!(OrderForm::parse("7", &"R".repeat(36), &one), Err(REFERENCE_INVALID));
        assert_eq!(OrderForm::parse("7", "a\u{7}b", &one), Err(REFERENCE_INVALID));
    }
}
