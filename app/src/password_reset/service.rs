//! "Mot de passe oublié ?": the reset link by e-mail, and setting a password with it (also the
//! first password of a login an administrator entered).

use crate::shared::refusal::PortalError;
use portal_core::domain::{EmailAddress, Password};
use portal_core::store::{Store, StoreError, TokenPurpose, User};

use crate::shared::mail::{locale_of, mail_text, mailer, may_send, public_base, Mailer};
use crate::shared::password::count_request;
use crate::shared::paths::*;
use crate::shared::refusal::{refused, Refusal};
use crate::shared::{
    context::{client_address, show_a_plain_post, store},
    refusal::internal,
};

/// the operator): subject and body, in the login's language.
pub fn set_password_mail(user: &User, company_name: &str, link: &str) -> (String, String) {
    use crate::i18n::td_string;
    let locale = locale_of(user.language);
    let body = mail_text(locale, &user.full_name(), &[td_string!(locale, reset.mail_set_body), company_name, td_string!(locale, reset.mail_set_link), link]);
    (td_string!(locale, reset.mail_set_subject).to_string(), body)
}
pub async fn request_password_reset(email: String) -> Result<(), PortalError> {
    let email = EmailAddress::parse(&email).map_err(|_| refused(Refusal::RegistrationEmailInvalid))?;
    let store = store()?;
    let mailer = mailer()?;
    let base = public_base()?;
    count_request(&store, "reset", client_address().await).await?;
    // All the work in the background: the answer is the same, and as fast, whether or
    // not the address has a login.
    tokio::spawn(async move {
        if let Err(error) = send_reset_link(&store, mailer, &base, &email).await {
            tracing::error!(%error, "password reset link not sent");
        }
    });
    show_a_plain_post(&format!("{PATH_FORGOT}?{SENT}=1"));
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
pub async fn check_password_link(token: String) -> Result<String, PortalError> {
    let store = store()?;
    let purposes = [TokenPurpose::ResetPassword, TokenPurpose::SetPassword];
    match store.valid_email_token(&purposes, &token).await.map_err(internal)? {
        Some(t) if t.purpose == TokenPurpose::SetPassword => Ok("set".into()),
        Some(_) => Ok("reset".into()),
        None => Err(refused(Refusal::LinkInvalid)),
    }
}
pub async fn reset_password(token: String, password: String, confirm: String) -> Result<(), PortalError> {
    let password = Password::parse(&password).map_err(|_| refused(Refusal::PasswordPolicy))?;
    if password.expose() != confirm {
        return Err(refused(Refusal::PasswordsDiffer));
    }
    let store = store()?;
    let purposes = [TokenPurpose::ResetPassword, TokenPurpose::SetPassword];
    // Checked first so that a dead link costs no hashing; used atomically below.
    if store.valid_email_token(&purposes, &token).await.map_err(internal)?.is_none() {
        return Err(refused(Refusal::LinkInvalid));
    }
    let password_hash = crate::shared::password::hash(password).await?;
    match store.reset_password_with_token(&token, &password_hash).await.map_err(internal)? {
        Some(user) => {
            tracing::info!(user_id = user.id, "password set with an e-mail link; sessions ended");
            leptos_axum::redirect(&format!("{}?{NOTICE_PASSWORD}=1", crate::shared::paths::PATH_LOGIN));
            Ok(())
        }
        None => Err(refused(Refusal::LinkInvalid)),
    }
}
