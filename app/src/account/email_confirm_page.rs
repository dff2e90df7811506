//! "Confirmer la nouvelle adresse e-mail" (`/email/confirm?token=…`): the link sent to the new
//! address of a login. Confirming is a button (a POST), so that mail scanners that open
//! links do not confirm by themselves; no sign-in is needed (the link may be opened on a phone).

use crate::shared::form::form_action;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::email_change::ConfirmEmailChange;
use crate::i18n::{t, t_string, use_i18n};
use crate::layout::public::PublicLayout;
use crate::shared::ui::{PUBLIC_BUTTON as BUTTON, PUBLIC_LINK as LINK};

#[component]
pub fn EmailConfirmPage() -> impl IntoView {
    let i18n = use_i18n();
    let token = use_query_map().with_untracked(|q| q.get("token").unwrap_or_default());
    view! {
        <PublicLayout title=move || t_string!(i18n, email_change.confirm_title)>
            <EmailConfirmForm token=token/>
        </PublicLayout>
    }
}

#[cfg_attr(not(island_public), component)]
#[cfg_attr(island_public, island)]
fn EmailConfirmForm(token: String) -> impl IntoView {
    let i18n = use_i18n();
    let confirm = form_action::<ConfirmEmailChange>();
    let error = move || match confirm.value().get() {
        Some(Err(e)) => Some(e.text(i18n.get_locale())),
        _ => None,
    };
    view! {
        <h1 class="text-2xl font-semibold">{t!(i18n, email_change.confirm_title)}</h1>
        <p class="mt-2 text-stone-700">{t!(i18n, email_change.confirm_intro)}</p>
        <p id="form-error" class="mt-4 text-red-700 font-medium empty:hidden" role="alert" aria-live="assertive">{error}</p>
        <ActionForm action=confirm attr:class="mt-6">
            <input type="hidden" name="token" value=token/>
            <button type="submit" class=BUTTON>{t!(i18n, email_change.confirm_submit)}</button>
        </ActionForm>
        <p class="mt-6"><a href=crate::shared::paths::PATH_LOGIN class=LINK>{t!(i18n, register.back_to_login)}</a></p>
    }
}
