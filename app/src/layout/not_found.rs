use leptos::prelude::*;

use super::public::PublicLayout;
use crate::i18n::{t, t_string, use_i18n};

/// Shown for any address the portal does not know; answers 404.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    let i18n = use_i18n();
    view! {
        <PublicLayout title=move || t_string!(i18n, not_found.title)>
            <h1 class="text-2xl font-semibold">{t!(i18n, not_found.title)}</h1>
            <p class="mt-3">{t!(i18n, not_found.text)}</p>
            <a class="mt-6 inline-block font-medium text-sky-800 underline underline-offset-2" href="/login">
                {t!(i18n, not_found.back)}
            </a>
        </PublicLayout>
    }
}
