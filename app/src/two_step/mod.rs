//! Two-step login ("Processus de connexion en deux étapes"): the server functions, the
//! `/login/code` page and the account page's section to turn it on and off.
//!
//! The server side lives in [`service`] (feature `ssr`).

use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod service;

use crate::i18n::{t, t_string, use_i18n};
use crate::layout::public::PublicLayout;
use crate::shared::form::{form_action, held, typed};
use crate::shared::refusal::{PortalError, Refusal};
use crate::shared::ui::FIELD;

/// What the account page shows to enrol an authenticator app.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoStepEnrolment {
    pub otpauth_uri: String,
    /// An inline `<svg>` element (rendered on the server, no script).
    pub qr_svg: String,
    /// The secret in base32, for typing it in by hand.
    pub secret: String,
}

impl std::fmt::Debug for TwoStepEnrolment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TwoStepEnrolment(…)")
    }
}

/// What the account page shows of two-step login when it is rendered: the enrolment the
/// session holds (started, not confirmed yet), and the recovery codes a confirmation posted
/// without JavaScript issued, shown this once. Awake, the island shows the same from its
/// server functions' answers.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TwoStepNotes {
    pub enrolment: Option<TwoStepEnrolment>,
    pub recovery_codes: Vec<String>,
}

impl std::fmt::Debug for TwoStepNotes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TwoStepNotes").field("enrolment", &self.enrolment.is_some()).field("recovery_codes", &self.recovery_codes.len()).finish()
    }
}

/// Starts enrolment (the current password is required): a new secret, kept in the session
/// only until confirmed.
#[server(prefix = "/api", endpoint = "start_two_step")]
pub async fn start_two_step(password: String) -> Result<TwoStepEnrolment, PortalError> {
    use crate::shared::context::{session, settings, show_a_plain_post, store};
    let login = crate::access::require_login().await?;
    let enrolment = service::start_two_step(&store()?, &settings(), &session().await?, login.user_id, password).await?;
    // Sent before the page woke up (or without JavaScript): the account page shows the
    // enrolment the session now holds.
    show_a_plain_post(crate::shared::paths::PATH_ACCOUNT_TWO_STEP);
    Ok(enrolment)
}

/// Confirms enrolment with a code of the app; answers the 10 recovery codes (shown once).
#[server(prefix = "/api", endpoint = "confirm_two_step")]
pub async fn confirm_two_step(code: String) -> Result<Vec<String>, PortalError> {
    use crate::shared::context::{is_plain_form_post, session, settings, show_a_plain_post, store};
    let login = crate::access::require_login().await?;
    let codes = service::confirm_two_step(&store()?, &settings(), &session().await?, login.user_id, &code, is_plain_form_post()).await?;
    show_a_plain_post(crate::shared::paths::PATH_ACCOUNT_TWO_STEP);
    Ok(codes)
}

/// Turns two-step login off (the current password is required).
#[server(prefix = "/api", endpoint = "disable_two_step")]
pub async fn disable_two_step(password: String) -> Result<(), PortalError> {
    use crate::shared::context::{settings, show_a_plain_post, store};
    let login = crate::access::require_login().await?;
    service::disable_two_step(&store()?, &settings(), login.user_id, password).await?;
    show_a_plain_post(crate::shared::paths::PATH_ACCOUNT_TWO_STEP);
    Ok(())
}

/// Completes a pending sign-in with a code of the app or a recovery code; answers (and
/// redirects to) the next page.
#[server(prefix = "/api", endpoint = "verify_sign_in_code")]
pub async fn verify_sign_in_code(code: String) -> Result<String, PortalError> {
    use crate::shared::context::{session, settings, store};
    crate::access::answer_sign_in(service::verify_sign_in_code(&store()?, &settings(), &session().await?, &code).await?)
}

/// The field of a code from the authenticator app (or a recovery code): the phone's numeric
/// keypad and the one-time-code autofill, at sign-in and at enrolment.
#[component]
fn CodeInput(id: &'static str, described_by: &'static str, invalid: Signal<bool>, code: RwSignal<String>) -> impl IntoView {
    view! {
        <input
            id=id
            name="code"
            type="text"
            autocomplete="one-time-code"
            inputmode="numeric"
            required=true
            class=FIELD
            aria-invalid=move || invalid.get().to_string()
            aria-describedby=described_by
            use:typed=code
        />
    }
}
const BUTTON: &str =
    "rounded bg-yellow-400 px-4 py-2.5 font-semibold text-stone-900 hover:bg-yellow-300 focus:outline-none focus:ring-2 focus:ring-sky-700 focus:ring-offset-2";

/// "Code de vérification": the second step of sign-in.
#[component]
pub fn LoginCodePage() -> impl IntoView {
    let i18n = use_i18n();
    // Translated here, on the server: the form in the browser carries no table of sentences.
    let posted = match use_query_map().with_untracked(|q| q.get("erreur")).as_deref() {
        Some("code") => Some(PortalError::from(Refusal::CodeInvalid)),
        Some("tentatives") => Some(PortalError::from(Refusal::SignInThrottled)),
        _ => None,
    };
    view! {
        <PublicLayout title=move || t_string!(i18n, two_step.code_title)>
            <h1 class="text-2xl font-semibold">{t!(i18n, two_step.code_title)}</h1>
            <p class="mt-2 text-stone-700">{t!(i18n, two_step.code_intro)}</p>
            <LoginCodeForm posted=posted/>
            <p class="mt-6"><a class="underline" href=crate::shared::paths::PATH_LOGIN>{t!(i18n, two_step.back_to_login)}</a></p>
        </PublicLayout>
    }
}

/// The code form. Without JavaScript it posts to the server function, which redirects back
/// here with `?erreur=…` (its refusal is `posted`) when the code is refused.
#[cfg_attr(not(island_sign_in), component)]
#[cfg_attr(island_sign_in, island)]
fn LoginCodeForm(posted: Option<PortalError>) -> impl IntoView {
    let i18n = use_i18n();
    let posted = StoredValue::new(posted);
    let code = RwSignal::new(String::new());
    let touched = RwSignal::new(false);
    let verify = form_action::<VerifySignInCode>();
    let field_error = move || (touched.get() && code.get().trim().is_empty()).then(|| t_string!(i18n, two_step.code_required).to_string());
    let server_error = move || match verify.value().get() {
        Some(Err(e)) => Some(e.text(i18n.get_locale())),
        Some(Ok(_)) => None,
        None => posted.with_value(|p| p.as_ref().map(|refusal| refusal.text(i18n.get_locale()))),
    };
    let error = move || field_error().or_else(server_error);
    let pending = verify.pending();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        let Some(input) = held::<VerifySignInCode>(&ev) else { return };
        code.set(input.code.clone());
        touched.set(true);
        if field_error().is_some() || pending.get_untracked() {
            return;
        }
        verify.dispatch(input);
    };
    view! {
        <form class="mt-6 space-y-5" method="post" action=VerifySignInCode::url() novalidate=true on:submit=on_submit>
            <div>
                <label for="code" class="block font-medium">{t!(i18n, two_step.code_label)}</label>
                <CodeInput id="code" described_by="code-hint code-error" invalid=Signal::derive(move || error().is_some()) code=code/>
                <p id="code-hint" class="mt-1 text-sm text-stone-700">{t!(i18n, two_step.code_hint)}</p>
                <p id="code-error" class="mt-1 text-sm text-red-700" role="alert" aria-live="polite">{error}</p>
            </div>
            <button type="submit" class=format!("w-full {BUTTON}") aria-disabled=move || pending.get().to_string()>
                {t!(i18n, two_step.verify)}
            </button>
        </form>
    }
}

#[cfg_attr(not(island_account), component)]
#[cfg_attr(island_account, island)]
pub fn TwoStepSection(enabled: bool, notes: TwoStepNotes) -> impl IntoView {
    let i18n = use_i18n();
    let enabled = RwSignal::new(enabled);
    let TwoStepNotes { enrolment: held_enrolment, recovery_codes: issued_codes } = notes;
    let (held_enrolment, issued_codes) = (StoredValue::new(held_enrolment), StoredValue::new(issued_codes));
    let start = form_action::<StartTwoStep>();
    let confirm = form_action::<ConfirmTwoStep>();
    let disable = form_action::<DisableTwoStep>();
    let code = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());

    Effect::new(move |_| {
        if let Some(Ok(_)) = confirm.value().get() {
            // The enrolment the page was rendered with is used up.
            held_enrolment.set_value(None);
            enabled.set(true);
        }
    });
    // The password asked to start enrolment is not kept for the form that turns it off.
    Effect::new(move |_| {
        if let Some(Ok(_)) = start.value().get() {
            password.set(String::new());
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = disable.value().get() {
            enabled.set(false);
            start.value().set(None);
            confirm.value().set(None);
        }
    });

    let start_error = move || match start.value().get() {
        Some(Err(e)) => Some(e.text(i18n.get_locale())),
        _ => None,
    };
    let confirm_error = move || match confirm.value().get() {
        Some(Err(e)) => Some(e.text(i18n.get_locale())),
        _ => None,
    };
    let disable_error = move || match disable.value().get() {
        Some(Err(e)) => Some(e.text(i18n.get_locale())),
        _ => None,
    };
    let recovery_codes = move || match confirm.value().get() {
        Some(Ok(codes)) => Some(codes),
        _ => issued_codes.with_value(|codes| (!codes.is_empty()).then(|| codes.clone())),
    };

    let enrolment = move || match start.value().get() {
        _ if enabled.get() => None,
        Some(Ok(enrolment)) => Some(enrolment),
        _ => held_enrolment.get_value(),
    };
    let enrolment = move || match enrolment() {
        Some(enrolment) => Some(view! {
            <div class="mt-4 space-y-3">
                <p>{t!(i18n, two_step.scan)}</p>
                <div class="h-52 w-52 [&>svg]:h-full [&>svg]:w-full" role="img" aria-label=move || t_string!(i18n, two_step.qr_label) inner_html=enrolment.qr_svg></div>
                <p>
                    {t!(i18n, two_step.secret_label)} " "
                    <code class="break-all font-mono">{enrolment.secret}</code>
                </p>
                <form class="space-y-3" method="post" action=ConfirmTwoStep::url() novalidate=true on:submit=move |ev: leptos::ev::SubmitEvent| {
                    if let Some(input) = held::<ConfirmTwoStep>(&ev) {
                        confirm.dispatch(input);
                    }
                }>
                    <label for="enrol-code" class="block font-medium">{t!(i18n, two_step.code_label)}</label>
                    <CodeInput id="enrol-code" described_by="enrol-code-error" invalid=Signal::derive(move || confirm_error().is_some()) code=code/>
                    <p id="enrol-code-error" class="text-sm text-red-700" role="alert" aria-live="polite">{confirm_error}</p>
                    <button type="submit" class=BUTTON>{t!(i18n, two_step.confirm)}</button>
                </form>
            </div>
        }),
        _ => None,
    };

    view! {
        <section class="mt-6" aria-labelledby="two-step-title">
            <h2 id="two-step-title" class="text-lg font-semibold">{t!(i18n, account.two_step)}</h2>
            <p class="mt-1">
                {move || if enabled.get() { t_string!(i18n, account.two_step_on) } else { t_string!(i18n, account.two_step_off) }}
            </p>
            {move || recovery_codes().map(|codes| view! {
                <div class="mt-4 rounded border border-amber-500 bg-amber-50 p-4">
                    <h3 class="font-semibold">{t!(i18n, two_step.recovery_title)}</h3>
                    <p class="mt-1" role="alert">{t!(i18n, two_step.recovery_warning)}</p>
                    <ul class="mt-2 grid grid-cols-2 gap-1 font-mono">
                        {codes.into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}
                    </ul>
                </div>
            })}
            {move || if enabled.get() {
                view! {
                    <div class="mt-4">
                        <CurrentPasswordForm
                            id="two-step-password"
                            action=DisableTwoStep::url()
                            password=password
                            error=Signal::derive(disable_error)
                            submit=Signal::derive(move || t_string!(i18n, two_step.disable).to_string())
                            send=Callback::new(move |password: String| { disable.dispatch(DisableTwoStep { password }); })
                        />
                    </div>
                }.into_any()
            } else {
                view! {
                    <div class="mt-4">
                        <CurrentPasswordForm
                            id="two-step-enrol-password"
                            action=StartTwoStep::url()
                            password=password
                            error=Signal::derive(start_error)
                            submit=Signal::derive(move || t_string!(i18n, two_step.enable).to_string())
                            send=Callback::new(move |password: String| { start.dispatch(StartTwoStep { password }); })
                        />
                        {enrolment}
                    </div>
                }.into_any()
            }}
        </section>
    }
}

/// The current password asked before two-step login is turned on or off, with its refusal;
/// `action`: the server function the form posts to before the island is awake (a post, so
/// that the password never lands in an address).
#[component]
fn CurrentPasswordForm(
    id: &'static str,
    action: &'static str,
    password: RwSignal<String>,
    error: Signal<Option<String>>,
    submit: Signal<String>,
    send: Callback<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error_id = format!("{id}-error");
    view! {
        <form class="space-y-3" method="post" action=action novalidate=true on:submit=move |ev: leptos::ev::SubmitEvent| {
            if let Some(input) = held::<DisableTwoStep>(&ev) {
                send.run(input.password);
            }
        }>
            <label for=id class="block font-medium">{t!(i18n, two_step.password_label)}</label>
            <input
                id=id
                name="password"
                type="password"
                autocomplete="current-password"
                class=FIELD
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=error_id.clone()
                use:typed=password
            />
            <p id=error_id class="text-sm text-red-700" role="alert" aria-live="polite">{move || error.get()}</p>
            <button type="submit" class=BUTTON>{move || submit.get()}</button>
        </form>
    }
}
