//! The portal's user interface: pages rendered on the server (feature `ssr`), whose
//! interactive parts are `#[island]` components that also run in the browser (feature
//! `hydrate`). Navigation between pages is plain links and form posts: every page is rendered
//! fresh on the server, in the reader's language (the cookie the sign-in and the language
//! switch set).
//!
//! Each group of pages loads a bundle with only its own islands (scripts/bundles.sh): an
//! island that the bundle being built (feature `bundle-<group>`) does not need is compiled as
//! a plain component there, so its code stays out: `#[cfg_attr(island_<group>, island)]`
//! with `#[cfg_attr(not(island_<group>), component)]`, cfgs set by `build.rs`. The server and
//! cargo-leptos' full bundle compile every island.

// The admin pages' view types are deep; type-erasing every one of them would cost more code.
#![recursion_limit = "512"]

pub mod account;
pub mod admin;
pub mod auth;
pub mod company;
pub mod errors;
pub mod messages;
pub mod provider;
pub mod refusal;
pub mod components;
include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));
pub mod routes;
pub mod self_service;
pub mod services;
pub mod two_step;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, Link, Meta, MetaTags, Title};
use i18n::{td_string, use_i18n, I18nContextProvider};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

/// The HTML document around the app. Its `lang` comes from the i18n context (French by default).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <AutoReload options=options.clone()/>
                <HashedStylesheet options=options.clone() id="leptos"/>
                <components::hydration::HydrateAfterPaint options/>
                <MetaTags/>
            </head>
            <body class="min-h-screen bg-stone-50 text-stone-900 antialiased">
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <I18nContextProvider>
            <Portal/>
        </I18nContextProvider>
    }
}

/// Everything under the i18n context: head tags in the reader's language, then the routes.
#[component]
fn Portal() -> impl IntoView {
    let i18n = use_i18n();
    // Plain strings, read once here: leptos_meta writes the <head> after the body, outside the
    // request's reactive arena, where reading the language signal could touch another
    // request's arena (a panic seen under load).
    let locale = i18n.get_locale_untracked();
    let description = td_string!(locale, meta_description).to_string();
    let portal_name = td_string!(locale, portal_name).to_string();
    view! {
        <Link rel="icon" type_="image/svg+xml" href="/favicon.svg"/>
        <Meta name="description" content=description/>
        <Title formatter=move |page: String| format!("{page} · {portal_name}")/>
        // Every page is rendered whole before the first byte goes out: a page's data, its
        // refusal or its redirect (to sign-in, to the company choice) decide the status and the
        // headers, which a streamed page would already have sent.
        <Router>
            <Routes fallback=routes::not_found::NotFound>
                <Route path=path!("/") view=routes::login::LoginPage ssr=SsrMode::Async/>
                <Route path=path!("/login") view=routes::login::LoginPage ssr=SsrMode::Async/>
                <Route path=path!("/login/code") view=two_step::LoginCodePage ssr=SsrMode::Async/>
                <Route path=path!("/select-company") view=routes::select_company::SelectCompanyPage ssr=SsrMode::Async/>
                <Route path=path!("/portal") view=routes::portal::PortalPage ssr=SsrMode::Async/>
                <Route path=path!("/account") view=routes::account::AccountPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/rights") view=routes::admin_rights::AdminRightsPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/audit") view=routes::admin_audit::AuditLogPage ssr=SsrMode::Async/>
                <Route path=path!("/messages") view=routes::messages::MessagesPage ssr=SsrMode::Async/>
                <Route path=path!("/messages/:id") view=routes::messages::MessagePage ssr=SsrMode::Async/>
                <Route path=path!("/invitations/:id") view=routes::invitation::InvitationPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/rights/new") view=routes::admin_enter::EnterUserPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/rights/:id") view=routes::admin_right::ManageRightPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/rights/:id/services") view=routes::admin_right::GrantServicesPage ssr=SsrMode::Async/>
                <Route path=path!("/services/orders") view=routes::services::OrdersPage ssr=SsrMode::Async/>
                <Route path=path!("/services/invoices") view=routes::services::InvoicesPage ssr=SsrMode::Async/>
                <Route path=path!("/register") view=routes::register::RegisterPage ssr=SsrMode::Async/>
                <Route path=path!("/register/confirm") view=routes::register::RegisterConfirmPage ssr=SsrMode::Async/>
                <Route path=path!("/password/forgot") view=routes::password::ForgotPasswordPage ssr=SsrMode::Async/>
                <Route path=path!("/password/reset") view=routes::password::ResetPasswordPage ssr=SsrMode::Async/>
                <Route path=path!("/email/confirm") view=routes::email_confirm::EmailConfirmPage ssr=SsrMode::Async/>
            </Routes>
        </Router>
    }
}
