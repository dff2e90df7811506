//! "Créer un login" (`/register`) and "Confirmer l'adresse e-mail" (`/register/confirm`).

use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;
use leptos_i18n::Locale as _;
use leptos_router::hooks::use_query_map;
use portal_core::domain::{NameError, Password, PersonName};

use super::{ConfirmRegistration, Register};
use crate::i18n::{t, t_string, use_i18n, Locale};
use crate::layout::public::PublicLayout;
use crate::shared::form::{form_action, held, typed};
use crate::shared::locale::language_name;
use crate::shared::paths::SENT;
use crate::shared::ui::{email_error, Field, FIELD, PUBLIC_BUTTON as BUTTON, PUBLIC_LINK as LINK};

/// "Créer un login": e-mail, first and last name, password twice, language.
#[component]
pub fn RegisterPage() -> impl IntoView {
    let i18n = use_i18n();
    let sent = use_query_map().with_untracked(|q| q.get(SENT).is_some());
    view! {
        <PublicLayout title=move || t_string!(i18n, register.title)>
            <RegisterForm sent=sent/>
        </PublicLayout>
    }
}

/// The registration form; `sent`: the page was loaded after a registration posted without
/// JavaScript.
#[cfg_attr(not(island_public), component)]
#[cfg_attr(island_public, island)]
fn RegisterForm(sent: bool) -> impl IntoView {
    let i18n = use_i18n();
    let register = form_action::<Register>();
    let pending = register.pending();

    let email = RwSignal::new(String::new());
    let first = RwSignal::new(String::new());
    let last = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let language = RwSignal::new(i18n.get_locale_untracked().as_str().to_string());
    let touched: [RwSignal<bool>; 5] = std::array::from_fn(|_| RwSignal::new(false));

    let email_error = email_error(email, touched[0]);
    let name_error = move |value: RwSignal<String>, touched: RwSignal<bool>, is_first: bool| {
        Signal::derive(move || {
            if !touched.get() {
                return None;
            }
            let v = value.get();
            if v.trim().is_empty() {
                Some(if is_first { t_string!(i18n, register.first_name_required) } else { t_string!(i18n, register.last_name_required) }.to_string())
            } else if let Err(error) = PersonName::parse(&v) {
                Some(match error {
                    NameError::Link => t_string!(i18n, errors.name_link).to_string(),
                    _ => t_string!(i18n, register.name_invalid).to_string(),
                })
            } else {
                None
            }
        })
    };
    let first_error = name_error(first, touched[1], true);
    let last_error = name_error(last, touched[2], false);
    let password_error = Signal::derive(move || {
        if !touched[3].get() {
            return None;
        }
        let v = password.get();
        if v.is_empty() {
            Some(t_string!(i18n, register.password_required).to_string())
        } else if Password::parse(&v).is_err() {
            Some(t_string!(i18n, register.password_policy).to_string())
        } else {
            None
        }
    });
    let confirm_error =
        Signal::derive(move || (touched[4].get() && confirm.get() != password.get()).then(|| t_string!(i18n, register.passwords_differ).to_string()));

    let sent = move || sent || matches!(register.value().get(), Some(Ok(())));
    let server_error = move || match register.value().get() {
        Some(Err(error)) => Some(error.text(i18n.get_locale())),
        _ => None,
    };

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        let Some(input) = held::<Register>(&ev) else { return };
        for (signal, value) in [
            (email, &input.email),
            (first, &input.first_name),
            (last, &input.last_name),
            (password, &input.password),
            (confirm, &input.confirm),
            (language, &input.language),
        ] {
            signal.set(value.clone());
        }
        for t in touched {
            t.set(true);
        }
        let invalid = [email_error, first_error, last_error, password_error, confirm_error].iter().any(|e| e.get_untracked().is_some());
        if invalid || pending.get_untracked() {
            return;
        }
        register.dispatch(input);
    };

    view! {
        <Show
            when=sent
            fallback=move || view! {
                <h1 class="text-2xl font-semibold">{t!(i18n, register.title)}</h1>
                <p class="mt-2 text-stone-700">{t!(i18n, register.intro)}</p>
                <p id="form-error" class="mt-4 text-red-700 font-medium empty:hidden" role="alert" aria-live="assertive">
                    {server_error}
                </p>
                <form class="mt-6 space-y-5" method="post" action=Register::url() novalidate=true on:submit=on_submit>
                    <Field id="email" kind="email" autocomplete="email" label=Signal::derive(move || t_string!(i18n, register.email).to_string()) value=email touched=touched[0] error=email_error/>
                    <Field id="first_name" autocomplete="given-name" label=Signal::derive(move || t_string!(i18n, register.first_name).to_string()) value=first touched=touched[1] error=first_error/>
                    <Field id="last_name" autocomplete="family-name" label=Signal::derive(move || t_string!(i18n, register.last_name).to_string()) value=last touched=touched[2] error=last_error/>
                    <Field id="password" kind="password" autocomplete="new-password" label=Signal::derive(move || t_string!(i18n, register.password).to_string()) value=password touched=touched[3] error=password_error hint=Signal::derive(move || t_string!(i18n, register.password_hint).to_string())/>
                    <Field id="confirm" kind="password" autocomplete="new-password" label=Signal::derive(move || t_string!(i18n, register.confirm_password).to_string()) value=confirm touched=touched[4] error=confirm_error/>
                    <div>
                        <label for="language" class="block font-medium">{t!(i18n, register.language)}</label>
                        <select
                            id="language"
                            name="language"
                            class=FIELD
                            use:typed=language
                        >
                            {Locale::get_all().iter().map(|l| {
                                let code = l.as_str();
                                view! { <option value=code selected=move || language.get() == code>{language_name(code)}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                    <button type="submit" aria-disabled=move || pending.get().to_string() class=BUTTON>
                        {move || if pending.get() { t_string!(i18n, register.pending) } else { t_string!(i18n, register.submit) }}
                    </button>
                </form>
                <p class="mt-6 border-t border-stone-200 pt-4">
                    <a href=crate::shared::paths::PATH_LOGIN class=LINK>{t!(i18n, register.back_to_login)}</a>
                </p>
            }
        >
            <h1 class="text-2xl font-semibold">{t!(i18n, register.check_mailbox_title)}</h1>
            <p data-testid="check-mailbox" class="mt-4 text-stone-800" role="status">{t!(i18n, register.check_mailbox)}</p>
            <p class="mt-6"><a href=crate::shared::paths::PATH_LOGIN class=LINK>{t!(i18n, register.back_to_login)}</a></p>
        </Show>
    }
}

/// "Confirmer l'adresse e-mail": the link of the registration e-mail. Confirming is a button
/// (a POST), so that mail scanners that open links do not confirm by themselves.
#[component]
pub fn RegisterConfirmPage() -> impl IntoView {
    let i18n = use_i18n();
    let token = use_query_map().with_untracked(|q| q.get("token").unwrap_or_default());
    view! {
        <PublicLayout title=move || t_string!(i18n, register.confirm_title)>
            <ConfirmRegistrationForm token=token/>
        </PublicLayout>
    }
}

#[cfg_attr(not(island_public), component)]
#[cfg_attr(island_public, island)]
fn ConfirmRegistrationForm(token: String) -> impl IntoView {
    let i18n = use_i18n();
    let confirm = form_action::<ConfirmRegistration>();
    let error = move || match confirm.value().get() {
        Some(Err(e)) => Some(e.text(i18n.get_locale())),
        _ => None,
    };
    view! {
        <h1 class="text-2xl font-semibold">{t!(i18n, register.confirm_title)}</h1>
        <p class="mt-2 text-stone-700">{t!(i18n, register.confirm_intro)}</p>
        <p id="form-error" class="mt-4 text-red-700 font-medium empty:hidden" role="alert" aria-live="assertive">{error}</p>
        <ActionForm action=confirm attr:class="mt-6 space-y-5">
            <input type="hidden" name="token" value=token/>
            <div>
                <label for="confirm-password" class="block font-medium">{t!(i18n, register.confirm_password_label)}</label>
                <input id="confirm-password" name="password" type="password" autocomplete="current-password" required=true class=crate::shared::ui::FIELD aria-describedby="confirm-password-hint form-error"/>
                <p id="confirm-password-hint" class="mt-1 text-sm text-stone-700">{t!(i18n, register.confirm_password_hint)}</p>
            </div>
            <button type="submit" class=BUTTON>{t!(i18n, register.confirm_submit)}</button>
        </ActionForm>
        <p class="mt-6"><a href=crate::shared::paths::PATH_LOGIN class=LINK>{t!(i18n, register.back_to_login)}</a></p>
    }
}
