use leptos::prelude::*;
use leptos::text_prop::TextProp;
use leptos_meta::Title;

use super::language::LanguageSwitcher;
use crate::i18n::{t, use_i18n};

/// The frame of pages seen before sign-in: the page's title, the portal's brand bar and a
/// centred card.
#[component]
pub fn PublicLayout(#[prop(into)] title: TextProp, children: Children) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        // Read now, inside the request's reactive arena (see `Portal` in lib.rs).
        <Title text=title.get()/>
        <a href="#main" class="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-10 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:shadow">
            {t!(i18n, skip_to_content)}
        </a>
        <header class="border-b-4 border-yellow-400 bg-white">
            <div class="mx-auto flex max-w-5xl items-center gap-3 px-4 py-3">
                <span aria-hidden="true" class="grid h-9 w-9 place-items-center rounded bg-yellow-400 text-lg font-black">"C"</span>
                <span class="text-lg font-semibold tracking-tight">{t!(i18n, portal_name)}</span>
                <div class="ml-auto">
                    <LanguageSwitcher/>
                </div>
            </div>
        </header>
        <main id="main" class="mx-auto w-full max-w-md px-4 py-8 sm:py-14">
            <div class="rounded-lg border border-stone-200 bg-white p-6 shadow-sm sm:p-8">
                {children()}
            </div>
        </main>
    }
}
