use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

use super::{signed_in_destination, SignIn, LOGIN_ERROR_CREDENTIALS, LOGIN_ERROR_THROTTLED, LOGIN_ERROR_UNCONFIRMED};
use crate::i18n::{t, t_string, use_i18n};
use crate::layout::public::PublicLayout;
use crate::shared::form::{form_action, held, typed};
use crate::shared::paths::{NOTICE_CONFIRMED, NOTICE_EMAIL, NOTICE_PASSWORD, PATH_FORGOT, PATH_REGISTER};
use crate::shared::refusal::{PortalError, Refusal};
use crate::shared::return_path::RETURN_PARAM;
use crate::shared::ui::{email_error, FIELD};

/// "Connexion": the first page of the portal. A login that is signed in already goes on to
/// where signing in would take it.
#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let back = query.with_untracked(|q| q.get(RETURN_PARAM));
    let destination = Resource::new_blocking(
        {
            let back = back.clone();
            move || back.clone()
        },
        signed_in_destination,
    );
    let (notice, error) = query.with_untracked(|q| {
        // After a link from an e-mail was used: what changed.
        let notice = if q.get(NOTICE_CONFIRMED).is_some() {
            Some(t_string!(i18n, register.confirmed))
        } else if q.get(NOTICE_PASSWORD).is_some() {
            Some(t_string!(i18n, reset.done))
        } else if q.get(NOTICE_EMAIL).is_some() {
            Some(t_string!(i18n, email_change.done))
        } else {
            None
        };
        (notice, q.get("erreur"))
    });
    // Translated here, on the server: the form in the browser carries no table of sentences.
    let posted = match error.as_deref() {
        Some(LOGIN_ERROR_CREDENTIALS) => Some(PortalError::from(Refusal::InvalidCredentials)),
        Some(LOGIN_ERROR_THROTTLED) => Some(PortalError::from(Refusal::SignInThrottled)),
        Some(LOGIN_ERROR_UNCONFIRMED) => Some(PortalError::from(Refusal::EmailUnconfirmed)),
        _ => None,
    };
    view! {
        <Suspense>
            {move || destination.get().and_then(Result::ok).flatten().map(|path| view! { <Redirect path=path/> })}
        </Suspense>
        <PublicLayout title=move || t_string!(i18n, login.title)>
            <h1 class="text-2xl font-semibold">{t!(i18n, login.title)}</h1>
            <p class="mt-2 text-stone-700">{t!(i18n, login.intro)}</p>
            <p data-testid="login-notice" class="mt-4 rounded border border-green-700 bg-green-50 px-3 py-2 font-medium text-green-900 empty:hidden" role="status">
                {notice}
            </p>
            <LoginForm posted=posted back=back/>
            <p class="mt-6 border-t border-stone-200 pt-4 text-stone-700">
                {t!(i18n, register.no_login)}" "
                <a href=PATH_REGISTER class="font-medium text-sky-800 underline underline-offset-2">{t!(i18n, register.link)}</a>
            </p>
        </PublicLayout>
    }
}

/// The sign-in form: checked as it is filled in, sent through the server function with what
/// the form holds (crate::shared::form). Without JavaScript, or tapped before the island woke
/// up, the form posts to the same path and the server answers with a redirect (to the next
/// page, or back here with `?erreur=…`, whose refusal is `posted`). `back` is the page a link
/// named before sign-in (`?retour=…`), which the server checks.
#[cfg_attr(not(island_sign_in), component)]
#[cfg_attr(island_sign_in, island)]
fn LoginForm(posted: Option<PortalError>, back: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let email = RwSignal::new(String::new());
    let email_touched = RwSignal::new(false);
    let password = RwSignal::new(String::new());
    let password_touched = RwSignal::new(false);
    let show_password = RwSignal::new(false);

    let email_error = email_error(email, email_touched);
    let password_error = move || (password_touched.get() && password.get().is_empty()).then_some(t_string!(i18n, login.password_required));

    let sign_in = form_action::<SignIn>();
    let server_error = move || match sign_in.value().get() {
        Some(Err(error)) => Some(error.text(i18n.get_locale())),
        Some(Ok(_)) => None,
        None => posted.as_ref().map(|refusal| refusal.text(i18n.get_locale())),
    };
    let pending = sign_in.pending();

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        let Some(input) = held::<SignIn>(&ev) else { return };
        email.set(input.email.clone());
        password.set(input.password.clone());
        email_touched.set(true);
        password_touched.set(true);
        if email_error.get_untracked().is_some() || password_error().is_some() || pending.get_untracked() {
            return;
        }
        sign_in.dispatch(input);
    };

    view! {
        <p id="form-error" class="mt-4 text-red-700 font-medium empty:hidden" role="alert" aria-live="assertive">
            {server_error}
        </p>
        <form class="mt-6 space-y-5" method="post" action=SignIn::url() novalidate=true on:submit=on_submit>
            {back.map(|back| view! { <input type="hidden" name=RETURN_PARAM value=back/> })}
            <div>
                <label for="email" class="block font-medium">{t!(i18n, login.email)}</label>
                <input
                    id="email"
                    name="email"
                    type="email"
                    autocomplete="username"
                    inputmode="email"
                    required=true
                    class=FIELD
                    aria-invalid=move || email_error.get().is_some().to_string()
                    aria-describedby=move || email_error.get().map(|_| "email-error")
                    use:typed=email
                    on:blur=move |_| email_touched.set(true)
                />
                <p id="email-error" class="mt-1 text-sm text-red-700" role="alert" aria-live="polite">
                    {email_error}
                </p>
            </div>
            <div>
                <label for="password" class="block font-medium">{t!(i18n, login.password)}</label>
                <div class="mt-1 flex gap-2">
                    <input
                        id="password"
                        name="password"
                        type=move || if show_password.get() { "text" } else { "password" }
                        autocomplete="current-password"
                        required=true
                        class="block w-full rounded border border-stone-400 px-3 py-2 text-base focus:border-sky-700 focus:outline-none focus:ring-2 focus:ring-sky-700"
                        aria-invalid=move || password_error().is_some().to_string()
                        aria-describedby=move || password_error().map(|_| "password-error")
                        use:typed=password
                        on:blur=move |_| password_touched.set(true)
                    />
                    <button
                        type="button"
                        class="shrink-0 rounded border border-stone-400 px-3 py-2 text-sm font-medium hover:bg-stone-100 focus:outline-none focus:ring-2 focus:ring-sky-700"
                        aria-controls="password"
                        aria-pressed=move || show_password.get().to_string()
                        on:click=move |_| show_password.update(|shown| *shown = !*shown)
                    >
                        {move || if show_password.get() { t_string!(i18n, login.hide_password) } else { t_string!(i18n, login.show_password) }}
                    </button>
                </div>
                <p id="password-error" class="mt-1 text-sm text-red-700" role="alert" aria-live="polite">
                    {password_error}
                </p>
                <p class="mt-2 text-sm">
                    <a href=PATH_FORGOT class="font-medium text-sky-800 underline underline-offset-2">{t!(i18n, reset.link)}</a>
                </p>
            </div>
            <button
                type="submit"
                aria-disabled=move || pending.get().to_string()
                class="w-full rounded bg-yellow-400 px-4 py-2.5 font-semibold text-stone-900 hover:bg-yellow-300 focus:outline-none focus:ring-2 focus:ring-sky-700 focus:ring-offset-2"
            >
                {move || if pending.get() { t_string!(i18n, login.pending) } else { t_string!(i18n, login.submit) }}
            </button>
        </form>
    }
}
