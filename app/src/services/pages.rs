//! The online services of the acting company: "Commande de produits contractuels" and
//! "Factures", each limited to what is granted to the login there (the server decides).

use crate::shared::form::form_action;
use crate::shared::refusal::PortalError;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::i18n::{t, t_string, td_string, use_i18n, Locale};
use crate::layout::frame::SignedInPage;
use crate::services::{
    load_invoices, load_orders, service_path, DebtorInvoices, DebtorOption, InvoicesView, OrderView, OrdersView, PlaceOrder, ProductOption, MAX_QUANTITY,
    MAX_REFERENCE,
};
use crate::services::{service_label, PATH_ORDERS, PLACED};
use crate::shared::ui::{NewestFirstPager, Outcome, BEFORE, BUTTON, CARD, FIELD, LINK};
use portal_core::domain::InvoiceStatus;

const TABLE: &str = "w-full border-collapse text-left text-sm";
const TH: &str = "border-b border-stone-300 px-2 py-2 font-semibold text-stone-700";
const TD: &str = "border-b border-stone-100 px-2 py-2 align-top";

/// The breadcrumb and the menu of the services granted for the acting company.
#[component]
fn ServiceHeader(current: &'static str, services: Vec<String>, company: String, as_provider: bool) -> impl IntoView {
    let i18n = use_i18n();
    let title = move || service_label(i18n.get_locale(), current, current);
    let others: Vec<(String, &'static str)> =
        services.into_iter().filter_map(|code| service_path(&code).filter(|_| code != current).map(|path| (code, path))).collect();
    view! {
        <nav aria-label=move || t_string!(i18n, service_access.breadcrumb) class="mb-4 text-sm text-stone-600">
            <ol class="flex flex-wrap items-center gap-x-2">
                <li><a href="/portal" class="hover:underline">{t!(i18n, service_access.crumb_portal)}</a></li>
                <li aria-hidden="true">"›"</li>
                <li aria-current="page" class="font-medium text-stone-800">{title}</li>
            </ol>
        </nav>
        <h1 class="text-2xl font-semibold">{title}</h1>
        <p class="mt-2 text-stone-700">
            {if as_provider {
                t_string!(i18n, service_access.for_company_as_provider, company = company.clone()).to_string()
            } else {
                t_string!(i18n, service_access.for_company, company = company.clone()).to_string()
            }}
        </p>
        {(!others.is_empty()).then(|| view! {
            <nav aria-label=move || t_string!(i18n, service_access.menu) class="mt-3" data-testid="services-menu">
                <ul class="flex flex-wrap gap-x-4 gap-y-1 text-sm">
                    {others.into_iter().map(|(code, path)| view! {
                        <li><a href=path class=LINK>{move || service_label(i18n.get_locale(), &code, &code)}</a></li>
                    }).collect_view()}
                </ul>
            </nav>
        })}
    }
}

// ------------------------------------------------------------------ orders

async fn load_orders_page(before: Option<i64>) -> Result<OrdersView, PortalError> {
    load_orders(before).await
}

/// "Commande de produits contractuels": the order form and the orders of the debtors in scope.
/// After an order is placed the page is loaded again with `?commande=<n°>`: the order is then
/// in the list, and the form says it was placed.
#[component]
pub fn OrdersPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = leptos_router::hooks::use_query_map();
    let before = Signal::derive(move || query.read().get(BEFORE).and_then(|id| id.parse::<i64>().ok()));
    let content = |data: OrdersView| view! { <Orders data=data/> }.into_any();
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), services.orders).to_string()/>
        <SignedInPage key=before load=load_orders_page view=content/>
    }
}

#[component]
fn Orders(data: OrdersView) -> impl IntoView {
    let i18n = use_i18n();
    let OrdersView { company, as_provider, services, debtors, products, orders, later_page, older } = data;
    let placed_order = leptos_router::hooks::use_query_map()
        .with_untracked(|q| q.get(PLACED).and_then(|id| id.parse::<i64>().ok()))
        .and_then(|id| orders.iter().find(|order| order.order_id == id));
    let placed = placed_order.map(|order| t_string!(i18n, orders.placed, number = order.order_id, total = order.total.clone()).to_string());
    // The next order is most likely for the same debtor: the form keeps it chosen.
    let debtor = placed_order.and_then(|order| debtors.iter().find(|d| d.number == order.debtor_number)).map(|d| d.debtor_id);
    let can_order = !debtors.is_empty() && !products.is_empty();
    view! {
        <ServiceHeader current="orders" services=services company=company as_provider=as_provider/>
        <section class=format!("{CARD} mt-6") aria-labelledby="new-order">
            <h2 id="new-order" class="text-lg font-semibold">{t!(i18n, orders.new_title)}</h2>
            {if can_order {
                view! { <OrderForm debtors=debtors products=products placed=placed debtor=debtor/> }.into_any()
            } else if products.is_empty() {
                view! { <p class="mt-2 text-stone-700">{t!(i18n, orders.no_products)}</p> }.into_any()
            } else {
                view! { <p class="mt-2 text-stone-700">{t!(i18n, orders.no_debtors)}</p> }.into_any()
            }}
        </section>
        <section class="mt-8" aria-labelledby="order-list">
            <h2 id="order-list" class="text-lg font-semibold">{t!(i18n, orders.list_title)}</h2>
            <p class="mt-1 text-sm text-stone-600">{t!(i18n, orders.list_scope)}</p>
            {if orders.is_empty() {
                view! { <p class="mt-3 text-stone-700">{t!(i18n, orders.none)}</p> }.into_any()
            } else {
                view! {
                    <ul class="mt-3 space-y-4" data-testid="orders">
                        {orders.into_iter().map(|order| view! { <OrderItem order=order/> }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <NewestFirstPager
                path=PATH_ORDERS
                anchor="order-list"
                later_page=later_page
                older=older
                label=t_string!(i18n, orders.pages).to_string()
                newest=t_string!(i18n, orders.newest).to_string()
                older_ones=t_string!(i18n, orders.older).to_string()
            />
        </section>
    }
}

/// The order form. A refused order keeps what was typed; a placed one loads the page again
/// (`?commande=<n°>`), so that the list below shows it, with `placed` saying so and `debtor`
/// still chosen.
#[cfg_attr(not(island_services), component)]
#[cfg_attr(island_services, island)]
fn OrderForm(debtors: Vec<DebtorOption>, products: Vec<ProductOption>, placed: Option<String>, debtor: Option<i64>) -> impl IntoView {
    let i18n = use_i18n();
    let place = form_action::<PlaceOrder>();
    Effect::new(move |_| {
        if let Some(Ok(order)) = place.value().get() {
            let _ = window().location().set_href(&format!("{PATH_ORDERS}?{PLACED}={}", order.order_id));
        }
    });
    let success = Signal::derive(move || match place.value().get() {
        Some(Ok(order)) => t_string!(i18n, orders.placed, number = order.order_id, total = order.total).to_string(),
        _ => String::new(),
    });
    view! {
        <ActionForm action=place attr:class="mt-3 space-y-4" attr:data-testid="order-form">
            <div>
                <label for="order-debtor" class="block font-medium">{t!(i18n, orders.debtor)}</label>
                <select id="order-debtor" name="debtor_id" class=FIELD required>
                    {(debtors.len() > 1).then(|| view! { <option value="">{t!(i18n, orders.choose_debtor)}</option> })}
                    {debtors.into_iter().map(|d| view! {
                        <option value=d.debtor_id.to_string() selected=debtor == Some(d.debtor_id)>{format!("{} – {}", d.number, d.name)}</option>
                    }).collect_view()}
                </select>
            </div>
            <ProductTable products=products/>
            <div>
                <label for="order-reference" class="block font-medium">{t!(i18n, orders.reference)}</label>
                <input id="order-reference" name="reference" type="text" maxlength=MAX_REFERENCE.to_string() autocomplete="off" class=FIELD/>
            </div>
            {placed.map(|text| view! {
                <p role="status" class="font-medium text-green-800" class:hidden=move || place.value().with(Option::is_some)>{text}</p>
            })}
            <Outcome value=Signal::derive(move || place.value().get()) success=success/>
            <button type="submit" class=BUTTON disabled=move || place.pending().get()>
                {move || if place.pending().get() { t_string!(i18n, orders.placing) } else { t_string!(i18n, orders.submit) }}
            </button>
        </ActionForm>
    }
}

#[component]
fn ProductTable(products: Vec<ProductOption>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <fieldset>
            <legend class="font-medium">{t!(i18n, orders.products)}</legend>
            <p class="text-sm text-stone-600">{t!(i18n, orders.products_hint)}</p>
            <div tabindex="0" class="mt-2 overflow-x-auto focus:outline-none focus:ring-2 focus:ring-sky-700">
                <table class=TABLE>
                    <thead>
                        <tr>
                            <th scope="col" class=TH>{t!(i18n, orders.col_code)}</th>
                            <th scope="col" class=TH>{t!(i18n, orders.col_product)}</th>
                            <th scope="col" class=format!("{TH} text-right")>{t!(i18n, orders.col_unit_price)}</th>
                            <th scope="col" class=format!("{TH} w-28")>{t!(i18n, orders.col_quantity)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {products.into_iter().map(|p| {
                            let id = format!("qty-{}", p.product_id);
                            let label = p.name.clone();
                            view! {
                                <tr data-testid="product-row" data-code=p.code.clone()>
                                    <td class=format!("{TD} font-mono")>{p.code.clone()}</td>
                                    <td class=TD>{p.name.clone()}</td>
                                    <td class=format!("{TD} whitespace-nowrap text-right")>{p.unit_price.clone()}</td>
                                    <td class=TD>
                                        <label for=id.clone() class="sr-only">{move || t_string!(i18n, orders.quantity_of, product = label.clone()).to_string()}</label>
                                        <input
                                            id=id
                                            name=format!("quantities[{}]", p.product_id)
                                            type="number"
                                            inputmode="numeric"
                                            min="0"
                                            max=MAX_QUANTITY.to_string()
                                            step="1"
                                            class="block w-24 rounded border border-stone-400 px-2 py-1 text-base focus:border-sky-700 focus:outline-none focus:ring-2 focus:ring-sky-700"
                                        />
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </fieldset>
    }
}

/// "Passée par Marc Dubois" or "Passée par Paul Prestataire (Fiduciaire Exemple Sàrl) pour le
/// compte de Transports Rapides SA".
pub fn placed_by_text(locale: Locale, order: &OrderView) -> String {
    match (&order.provider_company, &order.on_behalf_of) {
        (Some(provider), Some(company)) => {
            td_string!(locale, orders.placed_by_provider, name = order.placed_by.clone(), provider = provider.clone(), company = company.clone()).to_string()
        }
        _ => td_string!(locale, orders.placed_by, name = order.placed_by.clone()).to_string(),
    }
}

#[component]
fn OrderItem(order: OrderView) -> impl IntoView {
    let i18n = use_i18n();
    let heading_id = format!("order-{}", order.order_id);
    let table_labelled_by = heading_id.clone();
    let number = order.order_id;
    let placed_at = order.placed_at.clone();
    let debtor = format!("{} – {}", order.debtor_number, order.debtor_name);
    let by = order.clone();
    let reference = order.reference.clone();
    let total = order.total.clone();
    view! {
        <li class=CARD data-testid="order" data-order-id=number.to_string()>
            <h3 id=heading_id class="font-semibold">
                {move || t_string!(i18n, orders.order_heading, number = number, date = placed_at.clone()).to_string()}
            </h3>
            <p class="mt-1 text-stone-800" data-testid="placed-by">{move || placed_by_text(i18n.get_locale(), &by)}</p>
            <dl class="mt-2 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
                <dt class="text-stone-600">{t!(i18n, orders.debtor)}</dt>
                <dd>{debtor}</dd>
                {reference.map(|r| view! {
                    <dt class="text-stone-600">{t!(i18n, orders.reference_short)}</dt>
                    <dd>{r}</dd>
                })}
            </dl>
            <div tabindex="0" class="mt-3 overflow-x-auto focus:outline-none focus:ring-2 focus:ring-sky-700">
                <table class=TABLE aria-labelledby=table_labelled_by>
                    <thead>
                        <tr>
                            <th scope="col" class=TH>{t!(i18n, orders.col_product)}</th>
                            <th scope="col" class=format!("{TH} text-right")>{t!(i18n, orders.col_quantity)}</th>
                            <th scope="col" class=format!("{TH} text-right")>{t!(i18n, orders.col_unit_price)}</th>
                            <th scope="col" class=format!("{TH} text-right")>{t!(i18n, orders.col_amount)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {order.lines.into_iter().map(|l| view! {
                            <tr>
                                <td class=TD>{format!("{} – {}", l.code, l.name)}</td>
                                <td class=format!("{TD} text-right")>{l.quantity}</td>
                                <td class=format!("{TD} whitespace-nowrap text-right")>{l.unit_price}</td>
                                <td class=format!("{TD} whitespace-nowrap text-right")>{l.amount}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                    <tfoot>
                        <tr>
                            <th scope="row" colspan="3" class="px-2 py-2 text-right font-semibold">{t!(i18n, orders.total)}</th>
                            <td class="whitespace-nowrap px-2 py-2 text-right font-semibold" data-testid="order-total">{total}</td>
                        </tr>
                    </tfoot>
                </table>
            </div>
        </li>
    }
    .into_any()
}

// ------------------------------------------------------------------ invoices

async fn load_invoices_page(_: ()) -> Result<InvoicesView, PortalError> {
    load_invoices().await
}

/// "Factures": the invoices of each debtor in scope.
#[component]
pub fn InvoicesPage() -> impl IntoView {
    let i18n = use_i18n();
    let content = |data: InvoicesView| view! { <Invoices data=data/> }.into_any();
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), services.invoices).to_string()/>
        <SignedInPage key=Signal::derive(|| ()) load=load_invoices_page view=content/>
    }
}

#[component]
fn Invoices(data: InvoicesView) -> impl IntoView {
    let i18n = use_i18n();
    let InvoicesView { company, as_provider, services, debtors } = data;
    view! {
        <ServiceHeader current="invoices" services=services company=company as_provider=as_provider/>
        <p class="mt-2 text-sm text-stone-600">{t!(i18n, invoices.scope)}</p>
        <div class="mt-6 space-y-6">
            {debtors.into_iter().map(|d| view! { <DebtorInvoiceList data=d/> }).collect_view()}
        </div>
    }
}

/// The word for an invoice status.
pub fn invoice_status_text(locale: Locale, status: InvoiceStatus) -> String {
    match status {
        InvoiceStatus::Open => td_string!(locale, invoices.status_open),
        InvoiceStatus::Paid => td_string!(locale, invoices.status_paid),
        InvoiceStatus::Overdue => td_string!(locale, invoices.status_overdue),
        InvoiceStatus::Cancelled => td_string!(locale, invoices.status_cancelled),
    }
    .to_string()
}

#[component]
fn DebtorInvoiceList(data: DebtorInvoices) -> impl IntoView {
    let i18n = use_i18n();
    let DebtorInvoices { debtor, invoices } = data;
    let heading_id = format!("debtor-{}", debtor.debtor_id);
    let labelled_by = heading_id.clone();
    let number = debtor.number.clone();
    let name = debtor.name.clone();
    view! {
        <section class=CARD aria-labelledby=labelled_by data-testid="debtor-invoices" data-debtor=debtor.number.clone()>
            <h2 id=heading_id class="text-lg font-semibold">
                {move || t_string!(i18n, invoices.debtor_heading, number = number.clone(), name = name.clone()).to_string()}
            </h2>
            {if invoices.is_empty() {
                view! { <p class="mt-2 text-stone-700">{t!(i18n, invoices.none)}</p> }.into_any()
            } else {
                view! {
                    <div tabindex="0" class="mt-3 overflow-x-auto focus:outline-none focus:ring-2 focus:ring-sky-700">
                        <table class=TABLE>
                            <thead>
                                <tr>
                                    <th scope="col" class=TH>{t!(i18n, invoices.col_number)}</th>
                                    <th scope="col" class=TH>{t!(i18n, invoices.col_issued)}</th>
                                    <th scope="col" class=TH>{t!(i18n, invoices.col_due)}</th>
                                    <th scope="col" class=format!("{TH} text-right")>{t!(i18n, invoices.col_amount)}</th>
                                    <th scope="col" class=TH>{t!(i18n, invoices.col_status)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {invoices.into_iter().map(|inv| {
                                    let status = inv.status;
                                    view! {
                                        <tr data-testid="invoice">
                                            <td class=format!("{TD} font-mono")>{inv.number}</td>
                                            <td class=TD>{inv.issued}</td>
                                            <td class=TD>{inv.due}</td>
                                            <td class=format!("{TD} whitespace-nowrap text-right")>{inv.amount}</td>
                                            <td class=TD>{move || invoice_status_text(i18n.get_locale(), status)}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
    .into_any()
}
