use leptos::prelude::*;

use super::context::PortalContext;
use super::language::LanguageSwitcher;
use super::sign_out::SignOutButton;
use crate::i18n::{t, t_string, use_i18n};

/// The frame of signed-in pages: the portal's header with the acting company, the company
/// switch (when the login can act for several), the language and sign-out.
#[component]
pub fn PortalLayout(context: PortalContext, children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let PortalContext { user_name, acting, can_switch, is_admin, unread_messages, done, .. } = context;
    view! {
        <SkipToContent/>
        <header class="border-b-4 border-yellow-400 bg-white">
            <div class="mx-auto flex max-w-5xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3">
                <PortalName href="/portal"/>
                // On a phone the sign-out stays beside the logo and the links take the next
                // row, the login's name (shown on the account page) left out: two rows of
                // header instead of four above the page.
                <nav
                    aria-label=move || t_string!(i18n, nav_label)
                    class="order-2 flex w-full flex-wrap items-center gap-x-4 gap-y-2 text-sm sm:order-none sm:ml-auto sm:w-auto"
                >
                    {is_admin.then(|| view! {
                        <a href="/admin/rights" class="font-medium text-sky-800 underline underline-offset-2" data-testid="nav-admin">{t!(i18n, admin.nav)}</a>
                    })}
                    <OwnLinks unread_messages=unread_messages/>
                </nav>
                <div class="order-1 ml-auto flex items-center gap-3 text-sm sm:order-none sm:ml-0">
                    <NameAndSignOut name=user_name/>
                </div>
            </div>
            <div class="border-t border-stone-200 bg-stone-100">
                <div class="mx-auto flex max-w-5xl flex-wrap items-center gap-x-3 gap-y-1 px-4 py-2 text-sm">
                    <span class="text-stone-700">{t!(i18n, portal.acting_label)}":"</span>
                    <strong data-testid="acting-company">{acting.name.clone()}</strong>
                    <span class="text-stone-600">{t!(i18n, select.customer_number, number = acting.customer_number.clone())}</span>
                    {can_switch.then(|| view! {
                        <a href="/select-company" class="ml-auto font-medium text-sky-800 underline underline-offset-2">
                            {t!(i18n, portal.switch)}
                        </a>
                    })}
                </div>
            </div>
        </header>
        <main id="main" class="mx-auto w-full max-w-5xl px-4 py-8">
            <DoneNote done=done/>
            {children()}
        </main>
    }
}

/// What a form posted without a script just did (`say_after_a_plain_post`), said once above
/// the page it came back to, where the island would have said it beside the form.
#[component]
fn DoneNote(done: Option<String>) -> impl IntoView {
    done.map(|sentence| {
        view! {
            <p role="status" class="mb-6 rounded border border-green-300 bg-green-50 p-3 font-medium text-green-900" data-testid="done-note">{sentence}</p>
        }
    })
}

/// The frame of the pages of a login that may act for no company (no home company, no active
/// right): its account and its messages; no company, no company menu.
#[component]
pub fn WithoutCompanyLayout(name: String, unread_messages: i64, done: Option<String>, children: Children) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <SkipToContent/>
        <header class="border-b-4 border-yellow-400 bg-white">
            <div class="mx-auto flex max-w-5xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3">
                <PortalName href="/select-company"/>
                <nav
                    aria-label=move || t_string!(i18n, nav_label)
                    class="order-2 flex w-full flex-wrap items-center gap-x-4 gap-y-2 text-sm sm:order-none sm:ml-auto sm:w-auto"
                >
                    <OwnLinks unread_messages=unread_messages/>
                </nav>
                <div class="order-1 ml-auto flex items-center gap-3 text-sm sm:order-none sm:ml-0">
                    <NameAndSignOut name=name/>
                </div>
            </div>
            <p class="border-t border-stone-200 bg-stone-100 px-4 py-2 text-center text-sm text-stone-700" data-testid="no-company">
                {t!(i18n, select.none)}
            </p>
        </header>
        <main id="main" class="mx-auto w-full max-w-5xl px-4 py-8">
            <DoneNote done=done/>
            {children()}
        </main>
    }
}

/// The links every signed-in login has, with or without a company: its messages (with how
/// many it has not opened), its account, the language.
#[component]
fn OwnLinks(unread_messages: i64) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <a href="/messages" class="inline-flex items-center gap-1 font-medium text-sky-800 underline underline-offset-2" data-testid="nav-messages">
            {t!(i18n, messages.nav)}
            {(unread_messages > 0).then(|| view! {
                <span class="inline-block rounded-full bg-yellow-400 px-2 text-xs font-bold text-stone-900" data-testid="unread-count">{unread_messages}</span>
                <span class="sr-only">" "{t!(i18n, messages.unread_suffix)}</span>
            })}
        </a>
        <a href="/account" class="font-medium text-sky-800 underline underline-offset-2">{t!(i18n, account.nav)}</a>
        <LanguageSwitcher remember=true/>
    }
}

/// The link past the header, first thing a keyboard reaches.
#[component]
fn SkipToContent() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <a href="#main" class="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-10 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:shadow">
            {t!(i18n, skip_to_content)}
        </a>
    }
}

/// The portal's mark and name, a link to where the login starts.
#[component]
fn PortalName(href: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <a href=href class="flex items-center gap-3 rounded">
            <span aria-hidden="true" class="grid h-9 w-9 place-items-center rounded bg-yellow-400 text-lg font-black">"C"</span>
            <span class="text-lg font-semibold tracking-tight">{t!(i18n, portal_name)}</span>
        </a>
    }
}

/// The signed-in login's name (from a wide screen on) and its sign-out button.
#[component]
fn NameAndSignOut(name: String) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <span class="hidden text-stone-700 sm:inline" data-testid="user-name">{name}</span>
        <SignOutButton class="rounded border border-stone-400 px-3 py-1 font-medium hover:bg-stone-100".to_string()>
            {t!(i18n, sign_out)}
        </SignOutButton>
    }
}
