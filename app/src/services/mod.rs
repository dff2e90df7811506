//! The online services a login uses for its acting company: "Commande de produits
//! contractuels" (`orders`) and "Factures" (`invoices`), limited to the services and debtors
//! granted to the login there.
//!
//! Every server function here starts with [`crate::access::require_service`]: a signed-in login, its
//! acting company re-checked, an active right on it (not past its end date) and the service
//! granted — decided on the database as it is at this request, never on a cached
//! permission, so a revocation, an end date, a resignation or a change of debtors counts
//! from the very next call. The form is never trusted: company, login, right and prices
//! come from the session and the store; the debtor is checked against the grant.
//! Errors carry stable codes (see [`crate::shared::refusal`]) that the pages translate.

use crate::shared::refusal::{PortalError, Refusal};
use portal_core::domain::{InvoiceStatus, OrderError};
use std::collections::BTreeMap;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;

/// The service code of "Commande de produits contractuels".
pub const ORDERS: &str = "orders";
/// The service code of "Factures".
pub const INVOICES: &str = "invoices";

/// The online services that have a page, by code.
pub fn service_path(code: &str) -> Option<&'static str> {
    match code {
        ORDERS => Some(PATH_ORDERS),
        INVOICES => Some("/services/invoices"),
        _ => None,
    }
}

pub const MAX_QUANTITY: i64 = 9_999;
pub const MAX_LINES: usize = 200;
pub const MAX_REFERENCE: usize = 35;

/// An online service's name in `locale`; `fallback` for a service without a translation.
pub fn service_label(locale: crate::i18n::Locale, code: &str, fallback: &str) -> String {
    use crate::i18n::td_string;
    match code {
        "orders" => td_string!(locale, services.orders).to_string(),
        "invoices" => td_string!(locale, services.invoices).to_string(),
        "tracking" => td_string!(locale, services.tracking).to_string(),
        _ => fallback.to_string(),
    }
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
    pub fn parse(debtor_id: &str, reference: &str, quantities: &BTreeMap<String, String>) -> Result<Self, Refusal> {
        let debtor_id = debtor_id.trim().parse::<i64>().ok().filter(|id| *id > 0).ok_or(Refusal::DebtorRequired)?;
        let reference = reference.trim();
        if reference.chars().count() > MAX_REFERENCE || reference.chars().any(char::is_control) {
            return Err(Refusal::ReferenceInvalid);
        }
        if quantities.len() > MAX_LINES {
            return Err(Refusal::TooManyLines);
        }
        let mut lines = Vec::new();
        for (product, quantity) in quantities {
            let quantity = quantity.trim();
            if quantity.is_empty() {
                continue;
            }
            let product_id = product.trim().parse::<i64>().map_err(|_| Refusal::Invalid(OrderError::UnknownProduct.into()))?;
            let quantity =
                quantity.parse::<i64>().ok().filter(|q| (0..=MAX_QUANTITY).contains(q)).ok_or_else(|| Refusal::Invalid(OrderError::BadQuantity.into()))?;
            if quantity > 0 {
                lines.push((product_id, quantity));
            }
        }
        if lines.is_empty() {
            return Err(Refusal::Invalid(OrderError::NoLines.into()));
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
    /// Newest first, [`ORDERS_PER_PAGE`] at most.
    pub orders: Vec<OrderView>,
    /// This page goes on from an older order (`?avant=<n°>`), not from the newest.
    pub later_page: bool,
    /// When older orders follow: the order from which the next page goes on.
    pub older: Option<i64>,
}

/// How many orders a page of the list shows.
pub const ORDERS_PER_PAGE: i64 = 25;

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
    pub status: InvoiceStatus,
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

/// The contract products, the debtors in scope and a page of their orders: the newest, or
/// those placed before order `before`.
#[server(prefix = "/api", endpoint = "load_orders")]
pub async fn load_orders(before: Option<i64>) -> Result<OrdersView, PortalError> {
    let scope = crate::access::require_service(ORDERS).await?;
    service::orders_view(&crate::shared::context::store()?, &scope, before).await
}

/// The orders page and its query parameter naming the order just placed.
pub const PATH_ORDERS: &str = "/services/orders";
pub const PLACED: &str = "commande";

/// Places an order for the acting company. `quantities` maps product ids to quantities
/// (form fields `quantities[<product id>]`); empty or 0 means "not ordered".
#[server(prefix = "/api", endpoint = "place_order")]
pub async fn place_order(
    #[server(default)] debtor_id: String,
    #[server(default)] reference: String,
    #[server(default)] quantities: BTreeMap<String, String>,
) -> Result<PlacedOrder, PortalError> {
    let scope = crate::access::require_service(ORDERS).await?;
    let form = OrderForm::parse(&debtor_id, &reference, &quantities).map_err(crate::shared::refusal::refused)?;
    let order = service::place_order(&crate::shared::context::store()?, &scope, form).await?;
    // Sent before the page woke up (or without JavaScript): the list, saying which order it was.
    crate::shared::context::show_a_plain_post(&format!("{PATH_ORDERS}?{PLACED}={}", order.order_id));
    Ok(order)
}

/// The invoices of the debtors in scope, per debtor.
#[server(prefix = "/api", endpoint = "load_invoices")]
pub async fn load_invoices() -> Result<InvoicesView, PortalError> {
    let scope = crate::access::require_service(INVOICES).await?;
    service::invoices_view(&crate::shared::context::store()?, &scope).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quantities(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
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
        assert_eq!(OrderForm::parse("", "", &one), Err(Refusal::DebtorRequired));
        assert_eq!(OrderForm::parse("abc", "", &one), Err(Refusal::DebtorRequired));
        assert_eq!(OrderForm::parse("7", "", &quantities(&[("3", ""), ("4", "0")])), Err(Refusal::Invalid(OrderError::NoLines.into())));
        assert_eq!(OrderForm::parse("7", "", &BTreeMap::new()), Err(Refusal::Invalid(OrderError::NoLines.into())));
        for bad in ["-1", "1.5", "zwei", "10000"] {
            assert_eq!(OrderForm::parse("7", "", &quantities(&[("3", bad)])), Err(Refusal::Invalid(OrderError::BadQuantity.into())), "{bad}");
        }
        assert_eq!(OrderForm::parse("7", "", &quantities(&[("x", "1")])), Err(Refusal::Invalid(OrderError::UnknownProduct.into())));
        assert_eq!(OrderForm::parse("7", &"R".repeat(36), &one), Err(Refusal::ReferenceInvalid));
        assert_eq!(OrderForm::parse("7", "a\u{7}b", &one), Err(Refusal::ReferenceInvalid));
    }
}
