//! Registering a login and confirming its address by e-mail link.

use crate::shared::refusal::PortalError;
use portal_core::domain::{EmailAddress, Language, NameError, Password, PersonName};
use portal_core::store::{NewUser, Store, StoreError, TokenPurpose, User};

use std::net::IpAddr;

use crate::shared::deps::Deps;
use crate::shared::mail::{locale_of, mail_text, may_send, send_later, Mailer};
use crate::shared::password::{count_request, within_limit};
use crate::shared::paths::*;
use crate::shared::refusal::{internal, invalid, refused, Refusal};

/// What the registration form sends, as typed.
pub struct Registration {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub password: String,
    pub confirm: String,
    pub language: String,
}

/// Creates a login (no home company, address unconfirmed) and e-mails a confirmation link;
/// an address that already has a login gets an informational e-mail instead, and the answer
/// is the same. `address` is the client's, whose requests are counted.
pub async fn register(deps: &Deps, address: Option<IpAddr>, registration: Registration) -> Result<(), PortalError> {
    let Registration { email, first_name, last_name, password, confirm, language } = registration;
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
    let (store, mailer, base) = (&deps.store, deps.mailer.clone(), deps.base.as_str());
    // Counted before any hashing: a flood from one address is refused at once.
    count_request(store, &deps.settings, "register", address).await?;
    // Hashed whether or not the address is taken: both answers take as long.
    let password_hash = crate::shared::password::hash(password).await?;

    if may_send(store, "register", email.as_str()).await.map_err(internal)? {
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
            Ok(user) => send_confirmation(store, &mailer, base, &user).await?,
            // Registered before and never confirmed: this registration replaces the pending
            // one (names, language, password) and only its link confirms. Confirming also
            // asks for the password, so whoever registered an address they do not read can
            // neither confirm it nor have its owner confirm their password.
            Err(user) if user.email_verified_at.is_none() => {
                let user = store.replace_pending_registration(user.id, &first, &last, language, &password_hash).await.map_err(internal)?;
                send_confirmation(store, &mailer, base, &user).await?
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

/// Confirms a self-registered login's address with the link's token and the password chosen
/// when registering. The attempts on one link are counted first.
pub async fn confirm_registration(deps: &Deps, token: String, password: String) -> Result<(), PortalError> {
    let store = &deps.store;
    let Some(link) = store.valid_email_token(&[TokenPurpose::ConfirmRegistration], &token).await.map_err(internal)? else {
        return Err(refused(Refusal::LinkInvalid));
    };
    let key = format!("confirm:{}", link.user_id);
    within_limit(store, &deps.settings, &key, deps.settings.max_failures_per_account, Refusal::SignInThrottled).await?;
    let pending = store.credentials(link.user_id).await.map_err(internal)?.password_hash;
    if !crate::shared::password::verify(password, pending).await? {
        return Err(refused(Refusal::RegistrationPasswordWrong));
    }
    store.clear_attempts(&key).await.map_err(internal)?;
    match store.confirm_registration(&token).await.map_err(internal)? {
        Some(user) => {
            tracing::info!(user_id = user.id, "address of a self-registered login confirmed");
            Ok(())
        }
        None => Err(refused(Refusal::LinkInvalid)),
    }
}
