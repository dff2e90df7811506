//! Registering a login and confirming its address by e-mail link.

use crate::shared::refusal::PortalError;
use portal_core::domain::{EmailAddress, Language, NameError, Password, PersonName};
use portal_core::store::{NewUser, Store, StoreError, TokenPurpose, User};

use crate::shared::mail::{locale_of, mail_text, mailer, may_send, public_base, send_later, Mailer};
use crate::shared::password::{count_request, within_limit};
use crate::shared::paths::*;
use crate::shared::refusal::{invalid, refused, Refusal};
use crate::shared::{
    context::{client_address, settings, show_a_plain_post, store},
    refusal::internal,
};

pub async fn register(email: String, first_name: String, last_name: String, password: String, confirm: String, language: String) -> Result<(), PortalError> {
    let email = EmailAddress::parse(&email).map_err(|_| refused(Refusal::RegistrationEmailInvalid))?;
    let (first, last) = match (PersonName::parse(&first_name), PersonName::parse(&last_name)) {
        (Ok(f), Ok(l)) => (f, l),
        (Err(e @ NameError::Link), _) | (_, Err(e @ NameError::Link)) => return Err(invalid(e)),
        _ => return Err(refused(Refusal::RegistrationNameInvalid)),
    };
    let password = Password::parse(&password).map_err(|_| refused(Refusal::PasswordPolicy))?;
    if password.expose() != confirm {
        return Err(refused(Refusal::PasswordsDiffer));
    }
    let language = Language::parse(&language).map_err(|_| refused(Refusal::LanguageInvalid))?;
    let store = store()?;
    let mailer = mailer()?;
    let base = public_base()?;
    // Counted before any hashing: a flood from one address is refused at once.
    count_request(&store, "register", client_address().await).await?;
    // Hashed whether or not the address is taken: both answers take as long.
    let password_hash = crate::shared::password::hash(password).await?;

    if may_send(&store, "register", email.as_str()).await.map_err(internal)? {
        let existing = store.user_by_email(&email).await.map_err(internal)?;
        let user = match existing {
            Some(user) => Err(user),
            None => {
                let new = NewUser {
                    email: email.clone(),
                    first_name: first.clone(),
                    last_name: last.clone(),
                    password_hash: Some(password_hash.clone()),
                    language,
                    home_company_id: None,
                };
                match store.register_user(&new).await {
                    Ok(user) => Ok(user),
                    // Registered meanwhile: treated like any existing login.
                    Err(StoreError::Duplicate { .. }) => Err(store.user_by_email(&email).await.map_err(internal)?.ok_or_else(|| internal("login vanished"))?),
                    Err(e) => return Err(internal(e)),
                }
            }
        };
        match user {
            Ok(user) => send_confirmation(&store, &mailer, &base, &user).await?,
            // Registered before and never confirmed: this registration replaces the pending
            // one (names, language, password) and only its link confirms. Confirming also
            // asks for the password, so whoever registered an address they do not read can
            // neither confirm it nor have its owner confirm their password.
            Err(user) if user.email_verified_at.is_none() => {
                let user = store.replace_pending_registration(user.id, &first, &last, language, &password_hash).await.map_err(internal)?;
                send_confirmation(&store, &mailer, &base, &user).await?
            }
            // Someone used the address of an existing login: tell its owner, nobody else.
            Err(user) => {
                let locale = locale_of(user.language);
                use crate::i18n::td_string;
                let body = mail_text(
                    locale,
                    &user.full_name(),
                    &[td_string!(locale, register.mail_exists_body), &format!("{base}/login"), &format!("{base}{PATH_FORGOT}")],
                );
                send_later(mailer, user.email.clone(), td_string!(locale, register.mail_exists_subject).to_string(), body);
            }
        }
    } else {
        tracing::info!("registration e-mail not sent: too many for this address");
    }
    show_a_plain_post(&format!("{PATH_REGISTER}?{SENT}=1"));
    Ok(())
}
async fn send_confirmation(store: &Store, mailer: &Mailer, base: &str, user: &User) -> Result<(), PortalError> {
    use crate::i18n::td_string;
    let purpose = TokenPurpose::ConfirmRegistration;
    let token = store.create_email_token(purpose, user.id, None, purpose.validity()).await.map_err(internal)?;
    let locale = locale_of(user.language);
    let link = format!("{base}{PATH_REGISTER_CONFIRM}?token={}", token.expose());
    let body = mail_text(locale, &user.full_name(), &[td_string!(locale, register.mail_body), &link, td_string!(locale, register.mail_ignore)]);
    send_later(mailer.clone(), user.email.clone(), td_string!(locale, register.mail_subject).to_string(), body);
    Ok(())
}

/// The e-mail with the set-password link of a company's first administrator (created by
pub async fn confirm_registration(token: String, password: String) -> Result<(), PortalError> {
    let store = store()?;
    let Some(link) = store.valid_email_token(&[TokenPurpose::ConfirmRegistration], &token).await.map_err(internal)? else {
        return Err(refused(Refusal::LinkInvalid));
    };
    let key = format!("confirm:{}", link.user_id);
    within_limit(&store, &key, settings().max_failures_per_account, Refusal::SignInThrottled).await?;
    let pending = store.credentials(link.user_id).await.map_err(internal)?.password_hash;
    if !crate::shared::password::verify(password, pending).await? {
        return Err(refused(Refusal::RegistrationPasswordWrong));
    }
    store.clear_attempts(&key).await.map_err(internal)?;
    match store.confirm_registration(&token).await.map_err(internal)? {
        Some(user) => {
            tracing::info!(user_id = user.id, "address of a self-registered login confirmed");
            leptos_axum::redirect(&format!("{}?{NOTICE_CONFIRMED}=1", crate::shared::paths::PATH_LOGIN));
            Ok(())
        }
        None => Err(refused(Refusal::LinkInvalid)),
    }
}
