//! The portal's user interface: pages rendered on the server (feature `ssr`), whose
//! interactive parts are `#[island]` components that also run in the browser (feature
//! `hydrate`). Navigation between pages is plain links and form posts: every page is rendered
//! fresh on the server, in the reader's language (the cookie the sign-in and the language
//! switch set).
//!
//! The code is grouped by feature (`sign_in/`, `rights/`, `provider/`…), each folder holding
//! its server functions, the service code they call (feature `ssr`) and its pages; they
//! build on `access` (who may do what), `layout` (the frame of every page) and `shared`.
//!
//! Each group of pages (`page-groups.txt`) loads a bundle with only its own islands: an
//! island that the bundle being built (feature `bundle-<group>`) does not need is compiled as
//! a plain component there, so its code stays out: `#[cfg_attr(island_<group>, island)]`
//! with `#[cfg_attr(not(island_<group>), component)]`, cfgs set by `build.rs`. The server
//! compiles every island.

// The admin pages' view types are deep; type-erasing every one of them would cost more code.
#![recursion_limit = "512"]

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

// The parts every feature builds on; none of them imports a feature.
pub mod access;
pub mod layout;
pub mod shared;

// The features, each with its server functions, the service code they call and its pages.
pub mod account;
pub mod audit;
pub mod company_choice;
#[cfg(feature = "ssr")]
pub mod housekeeping;
pub mod messages;
pub mod password_reset;
pub mod portal;
pub mod provider;
pub mod registration;
pub mod rights;
pub mod services;
pub mod sign_in;
pub mod two_step;

use i18n::{td_string, use_i18n, I18nContextProvider};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, Link, Meta, MetaTags, Title};
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
                <layout::hydration::HydrateAfterPaint options/>
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
            <Routes fallback=layout::not_found::NotFound>
                <Route path=path!("/") view=sign_in::page::LoginPage ssr=SsrMode::Async/>
                <Route path=path!("/login") view=sign_in::page::LoginPage ssr=SsrMode::Async/>
                <Route path=path!("/login/code") view=two_step::LoginCodePage ssr=SsrMode::Async/>
                <Route path=path!("/select-company") view=company_choice::page::SelectCompanyPage ssr=SsrMode::Async/>
                <Route path=path!("/portal") view=portal::page::PortalPage ssr=SsrMode::Async/>
                <Route path=path!("/account") view=account::page::AccountPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/rights") view=rights::list_page::AdminRightsPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/audit") view=audit::page::AuditLogPage ssr=SsrMode::Async/>
                <Route path=path!("/messages") view=messages::pages::MessagesPage ssr=SsrMode::Async/>
                <Route path=path!("/messages/:id") view=messages::pages::MessagePage ssr=SsrMode::Async/>
                <Route path=path!("/invitations/:id") view=provider::invitation_page::InvitationPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/rights/new") view=rights::enter_page::EnterUserPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/rights/templates") view=rights::templates_page::GrantTemplatesPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/rights/:id") view=rights::right_page::ManageRightPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/rights/providers/:id") view=rights::offboarding_page::OffboardingPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/rights/:id/services") view=rights::right_page::GrantServicesPage ssr=SsrMode::Async/>
                <Route path=path!("/services/orders") view=services::pages::OrdersPage ssr=SsrMode::Async/>
                <Route path=path!("/services/invoices") view=services::pages::InvoicesPage ssr=SsrMode::Async/>
                <Route path=path!("/register") view=registration::page::RegisterPage ssr=SsrMode::Async/>
                <Route path=path!("/register/confirm") view=registration::page::RegisterConfirmPage ssr=SsrMode::Async/>
                <Route path=path!("/password/forgot") view=password_reset::page::ForgotPasswordPage ssr=SsrMode::Async/>
                <Route path=path!("/password/reset") view=password_reset::page::ResetPasswordPage ssr=SsrMode::Async/>
                <Route path=path!("/email/confirm") view=account::email_confirm_page::EmailConfirmPage ssr=SsrMode::Async/>
            </Routes>
        </Router>
    }
}
