//! "Mot de passe oublié ?": the reset link by e-mail, and setting a password with it (also the
//! first password of a login an administrator entered).

use crate::shared::refusal::PortalError;
use portal_core::domain::{EmailAddress, Password};
use portal_core::store::{Store, StoreError, TokenPurpose, User};

use std::net::IpAddr;

use crate::shared::deps::Deps;
use crate::shared::mail::{locale_of, mail_text, may_send, Mailer};
use crate::shared::password::count_request;
use crate::shared::paths::*;
use crate::shared::refusal::{internal, refused, Refusal};

/// The e-mail with the set-password link of a company's first administrator (created by
/// the operator): subject and body, in the login's language.
pub fn set_password_mail(user: &User, company_name: &str, link: &str) -> (String, String) {
    use crate::i18n::td_string;
    let locale = locale_of(user.language);
    let body = mail_text(locale, &user.full_name(), &[td_string!(locale, reset.mail_set_body), company_name, td_string!(locale, reset.mail_set_link), link]);
    (td_string!(locale, reset.mail_set_subject).to_string(), body)
}

/// "Mot de passe oublié ?": the same answer, as fast, whether or not the address has a login;
/// a link goes to it when it has one. `address` is the client's, whose requests are counted.
pub async fn request_password_reset(deps: &Deps, address: Option<IpAddr>, email: String) -> Result<(), PortalError> {
    let email = EmailAddress::parse(&email).map_err(|_| refused(Refusal::RegistrationEmailInvalid))?;
    count_request(&deps.store, &deps.settings, "reset", address).await?;
    let (store, mailer, base) = (deps.store.clone(), deps.mailer.clone(), deps.base.clone());
    // All the work in the background: the answer is the same, and as fast, whether or
    // not the address has a login.
    tokio::spawn(async move {
        if let Err(error) = send_reset_link(&store, mailer, &base, &email).await {
            tracing::error!(%error, "password reset link not sent");
        }
    });
    Ok(())
}

async fn send_reset_link(store: &Store, mailer: Mailer, base: &str, email: &EmailAddress) -> Result<(), StoreError> {
    use crate::i18n::td_string;
    let Some(user) = store.user_by_email(email).await? else {
        tracing::info!("password reset asked for an address without login");
        return Ok(());
    };
    if !may_send(store, "reset", &user.email).await? {
        tracing::info!(user_id = user.id, "password reset link not sent: too many lately");
        return Ok(());
    }
    let purpose = TokenPurpose::ResetPassword;
    let token = store.create_email_token(purpose, user.id, None, purpose.validity()).await?;
    let locale = locale_of(user.language);
    let link = format!("{base}{PATH_RESET}?token={}", token.expose());
    let body = mail_text(locale, &user.full_name(), &[td_string!(locale, reset.mail_body), &link, td_string!(locale, reset.mail_ignore)]);
    if let Err(error) = mailer.send(&user.email, td_string!(locale, reset.mail_subject), &body).await {
        tracing::warn!(%error, "password reset e-mail not delivered; kept in the outbox");
    }
    tracing::info!(user_id = user.id, "password reset link sent");
    Ok(())
}

/// Whether a password link is still valid: `"reset"` or `"set"` (first password).
pub async fn check_password_link(store: &Store, token: String) -> Result<String, PortalError> {
    let purposes = [TokenPurpose::ResetPassword, TokenPurpose::SetPassword];
    match store.valid_email_token(&purposes, &token).await.map_err(internal)? {
        Some(t) if t.purpose == TokenPurpose::SetPassword => Ok("set".into()),
        Some(_) => Ok("reset".into()),
        None => Err(refused(Refusal::LinkInvalid)),
    }
}

/// Sets a new password with a reset or set-password link; every session of the login ends.
pub async fn reset_password(store: &Store, token: String, password: String, confirm: String) -> Result<(), PortalError> {
    let password = Password::parse(&password).map_err(|_| refused(Refusal::PasswordPolicy))?;
    if password.expose() != confirm {
        return Err(refused(Refusal::PasswordsDiffer));
    }
    let purposes = [TokenPurpose::ResetPassword, TokenPurpose::SetPassword];
    // Checked first so that a dead link costs no hashing; used atomically below.
    if store.valid_email_token(&purposes, &token).await.map_err(internal)?.is_none() {
        return Err(refused(Refusal::LinkInvalid));
    }
    let password_hash = crate::shared::password::hash(password).await?;
    match store.reset_password_with_token(&token, &password_hash).await.map_err(internal)? {
        Some(user) => {
            tracing::info!(user_id = user.id, "password set with an e-mail link; sessions ended");
            Ok(())
        }
        None => Err(refused(Refusal::LinkInvalid)),
    }
}
