//! "Mot de passe oublié ?" (`/password/forgot`) and the page of the e-mailed link
//! (`/password/reset?token=…`), which also sets the first password of a login created by
//! the operator.

use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;
use leptos_router::hooks::use_query_map;
use portal_core::domain::Password;

use super::{check_password_link, RequestPasswordReset, ResetPassword};
use crate::i18n::{t, t_string, use_i18n};
use crate::layout::public::PublicLayout;
use crate::shared::form::{form_action, held};
use crate::shared::paths::{PATH_FORGOT, SENT};
use crate::shared::ui::{email_error, Field, PUBLIC_BUTTON as BUTTON, PUBLIC_LINK as LINK};

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let sent = use_query_map().with_untracked(|q| q.get(SENT).is_some());
    view! {
        <PublicLayout title=move || t_string!(i18n, reset.forgot_title)>
            <ForgotPasswordForm sent=sent/>
        </PublicLayout>
    }
}

/// `sent`: the page was loaded after a request posted without JavaScript.
#[cfg_attr(not(island_public), component)]
#[cfg_attr(island_public, island)]
fn ForgotPasswordForm(sent: bool) -> impl IntoView {
    let i18n = use_i18n();
    let request = form_action::<RequestPasswordReset>();
    let pending = request.pending();
    let email = RwSignal::new(String::new());
    let touched = RwSignal::new(false);
    let email_error = email_error(email, touched);
    let sent = move || sent || matches!(request.value().get(), Some(Ok(())));
    let server_error = move || match request.value().get() {
        Some(Err(e)) => Some(e.text(i18n.get_locale())),
        _ => None,
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        let Some(input) = held::<RequestPasswordReset>(&ev) else { return };
        email.set(input.email.clone());
        touched.set(true);
        if email_error.get_untracked().is_some() || pending.get_untracked() {
            return;
        }
        request.dispatch(input);
    };
    view! {
        <Show
            when=sent
            fallback=move || view! {
                <h1 class="text-2xl font-semibold">{t!(i18n, reset.forgot_title)}</h1>
                <p class="mt-2 text-stone-700">{t!(i18n, reset.forgot_intro)}</p>
                <p id="form-error" class="mt-4 text-red-700 font-medium empty:hidden" role="alert" aria-live="assertive">{server_error}</p>
                <form class="mt-6 space-y-5" method="post" action=RequestPasswordReset::url() novalidate=true on:submit=on_submit>
                    <Field id="email" kind="email" autocomplete="username" label=Signal::derive(move || t_string!(i18n, reset.email).to_string()) value=email touched=touched error=email_error/>
                    <button type="submit" aria-disabled=move || pending.get().to_string() class=BUTTON>
                        {move || if pending.get() { t_string!(i18n, reset.pending) } else { t_string!(i18n, reset.send) }}
                    </button>
                </form>
                <p class="mt-6 border-t border-stone-200 pt-4">
                    <a href=crate::shared::paths::PATH_LOGIN class=LINK>{t!(i18n, register.back_to_login)}</a>
                </p>
            }
        >
            <h1 class="text-2xl font-semibold">{t!(i18n, reset.sent_title)}</h1>
            <p data-testid="check-mailbox" class="mt-4 text-stone-800" role="status">{t!(i18n, reset.sent)}</p>
            <p class="mt-6"><a href=crate::shared::paths::PATH_LOGIN class=LINK>{t!(i18n, register.back_to_login)}</a></p>
        </Show>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let link = Resource::new(token, |token| async move { check_password_link(token).await });
    view! {
        <PublicLayout title=move || t_string!(i18n, reset.title)>
            <Suspense fallback=move || view! { <p>{t!(i18n, reset.checking)}</p> }>
                {move || link.get().map(|result| match result {
                    Ok(kind) => view! { <ResetForm token=token() first=kind == "set"/> }.into_any(),
                    Err(_) => view! {
                        <h1 class="text-2xl font-semibold">{t!(i18n, reset.title)}</h1>
                        <p class="mt-4 font-medium text-red-700" role="alert">{t!(i18n, reset.link_invalid)}</p>
                        <p class="mt-6"><a href=PATH_FORGOT class=LINK>{t!(i18n, reset.request_new)}</a></p>
                    }.into_any(),
                })}
            </Suspense>
        </PublicLayout>
    }
}

#[cfg_attr(not(island_public), component)]
#[cfg_attr(island_public, island)]
fn ResetForm(token: String, first: bool) -> impl IntoView {
    let i18n = use_i18n();
    let reset = form_action::<ResetPassword>();
    let pending = reset.pending();
    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let touched = [RwSignal::new(false), RwSignal::new(false)];
    let password_error = Signal::derive(move || {
        if !touched[0].get() {
            return None;
        }
        Password::parse(&password.get()).is_err().then(|| t_string!(i18n, register.password_policy).to_string())
    });
    let confirm_error =
        Signal::derive(move || (touched[1].get() && confirm.get() != password.get()).then(|| t_string!(i18n, register.passwords_differ).to_string()));
    let server_error = move || match reset.value().get() {
        Some(Err(e)) => Some(e.text(i18n.get_locale())),
        _ => None,
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        let Some(input) = held::<ResetPassword>(&ev) else { return };
        password.set(input.password.clone());
        confirm.set(input.confirm.clone());
        touched.iter().for_each(|t| t.set(true));
        if password_error.get_untracked().is_some() || confirm_error.get_untracked().is_some() || pending.get_untracked() {
            return;
        }
        reset.dispatch(input);
    };
    view! {
        <h1 class="text-2xl font-semibold">
            {move || if first { t_string!(i18n, reset.set_title) } else { t_string!(i18n, reset.title) }}
        </h1>
        <p class="mt-2 text-stone-700">{t!(i18n, reset.intro)}</p>
        <p id="form-error" class="mt-4 text-red-700 font-medium empty:hidden" role="alert" aria-live="assertive">{server_error}</p>
        <form class="mt-6 space-y-5" method="post" action=ResetPassword::url() novalidate=true on:submit=on_submit>
            <input type="hidden" name="token" value=token/>
            <Field id="password" kind="password" autocomplete="new-password" label=Signal::derive(move || t_string!(i18n, reset.new_password).to_string()) value=password touched=touched[0] error=password_error hint=Signal::derive(move || t_string!(i18n, reset.password_hint).to_string())/>
            <Field id="confirm" kind="password" autocomplete="new-password" label=Signal::derive(move || t_string!(i18n, reset.confirm_password).to_string()) value=confirm touched=touched[1] error=confirm_error/>
            <button type="submit" aria-disabled=move || pending.get().to_string() class=BUTTON>{t!(i18n, reset.submit)}</button>
        </form>
    }
}
