//! Changing the login's e-mail: the current password first, then a link to the new address
//! (and a notice to the current one) that makes the change.

use crate::shared::refusal::PortalError;
use leptos::prelude::*;

/// Asks to change the signed-in login's e-mail: a link goes to the new address, a notice to
/// the current one. Answers the new address.
#[server(prefix = "/api", endpoint = "request_email_change")]
pub async fn request_email_change(new_email: String, password: String) -> Result<String, PortalError> {
    let login = crate::access::require_login().await?;
    let deps = crate::shared::deps::Deps::of_request()?;
    let sent_to = service::request_email_change(&deps, login.user_id, new_email, password).await?;
    crate::shared::context::say_after_a_plain_post(|locale| crate::i18n::td_string!(locale, email_change.sent).to_string()).await?;
    Ok(sent_to)
}

/// Changes the login's e-mail to the address the link was sent to.
#[server(prefix = "/api", endpoint = "confirm_email_change")]
pub async fn confirm_email_change(token: String) -> Result<(), PortalError> {
    let deps = crate::shared::deps::Deps::of_request()?;
    let this_session = crate::shared::context::session().await?.id().map(|id| id.to_string());
    let user_id = service::confirm_email_change(&deps, this_session.as_deref(), token).await?;
    let signed_in_here = crate::access::current_login().await?.is_some_and(|l| l.user_id == user_id);
    let next = if signed_in_here { crate::shared::paths::PATH_ACCOUNT } else { crate::shared::paths::PATH_LOGIN };
    leptos_axum::redirect(&format!("{next}?{}=1", crate::shared::paths::NOTICE_EMAIL));
    Ok(())
}

#[cfg(feature = "ssr")]
pub mod service {
    use portal_core::domain::{AuditAction, EmailAddress};
    use portal_core::store::{Actor, AuditEntry, StoreError, TokenPurpose};

    use crate::shared::deps::Deps;
    use crate::shared::mail::{locale_of, mail_text, may_send, send_later};
    use crate::shared::password::{check_current_password, within_limit};
    use crate::shared::paths::*;
    use crate::shared::refusal::{internal, refused, PortalError, Refusal};

    /// Asks to change `user_id`'s e-mail once its current password is given: a link to the
    /// new address, a notice to the current one. Answers the new address, also when nothing
    /// was sent (an address with a login of its own, too many links lately).
    pub async fn request_email_change(deps: &Deps, user_id: i64, new_email: String, password: String) -> Result<String, PortalError> {
        use crate::i18n::td_string;
        let new_email = EmailAddress::parse(&new_email).map_err(|_| refused(Refusal::RegistrationEmailInvalid))?;
        let (store, mailer) = (&deps.store, deps.mailer.clone());
        check_current_password(store, &deps.settings, user_id, password).await?;
        let user = store.user(user_id).await.map_err(internal)?;
        if user.email == new_email.as_str().to_lowercase() {
            return Err(refused(Refusal::EmailSame));
        }
        let key = format!("email_change:user:{}", user.id);
        within_limit(store, &deps.settings, &key, deps.settings.max_requests_per_address, Refusal::RequestsThrottled).await?;
        // The request is the event audited, before its outcome is known: a request for an
        // address that already has a login changes nothing, and is audited all the same.
        let actor = Actor::login(user.id);
        store
            .append_audit(
                &AuditEntry::new(&actor, user.home_company_id, AuditAction::UserEmailChangeRequest, format!("user:{}", user.id))
                    .after(std::collections::BTreeMap::from([("new_email", new_email.as_str())])),
            )
            .await
            .map_err(internal)?;
        let answer = new_email.as_str().to_lowercase();
        if !may_send(store, "email_change", &answer).await.map_err(internal)? {
            tracing::info!(user_id = user.id, "e-mail change link not sent: too many to this address lately");
            return Ok(answer);
        }
        let locale = locale_of(user.language);
        let to_old = mail_text(
            locale,
            &user.full_name(),
            &[td_string!(locale, email_change.notice_body), new_email.as_str(), td_string!(locale, email_change.notice_ignore)],
        );
        send_later(mailer.clone(), user.email.clone(), td_string!(locale, email_change.notice_subject).to_string(), to_old);
        if let Some(owner) = store.user_by_email(&new_email).await.map_err(internal)? {
            // The same answer as for a free address: whether an address has a login is told
            // to its owner only, who learns that somebody tried to take it.
            let owner_locale = locale_of(owner.language);
            let notice = mail_text(owner_locale, &owner.full_name(), &[td_string!(owner_locale, email_change.taken_notice_body)]);
            send_later(mailer, owner.email.clone(), td_string!(owner_locale, email_change.taken_notice_subject).to_string(), notice);
            tracing::info!(user_id = user.id, "login e-mail change asked for an address that has a login; its owner was told");
            return Ok(answer);
        }
        let purpose = TokenPurpose::ChangeEmail;
        let token = store.create_email_token(purpose, user.id, Some(&new_email), purpose.validity()).await.map_err(internal)?;
        let link = format!("{}{PATH_EMAIL_CONFIRM}?token={}", deps.base, token.expose());
        let to_new = mail_text(locale, &user.full_name(), &[td_string!(locale, email_change.mail_body), &link, td_string!(locale, email_change.mail_ignore)]);
        send_later(mailer, answer.clone(), td_string!(locale, email_change.mail_subject).to_string(), to_new);
        tracing::info!(user_id = user.id, "login e-mail change asked; link sent to the new address");
        Ok(answer)
    }
    /// Changes the e-mail of the login the link was sent to, and tells its old address. Every
    /// other session of that login ends; `this_session` stays. Answers the login.
    pub async fn confirm_email_change(deps: &Deps, this_session: Option<&str>, token: String) -> Result<i64, PortalError> {
        use crate::i18n::td_string;
        let (old_email, user) = match deps.store.change_email_with_token(&token, this_session).await {
            Ok(Some(changed)) => changed,
            Ok(None) => return Err(refused(Refusal::LinkInvalid)),
            Err(StoreError::Duplicate { .. }) => return Err(refused(Refusal::EmailTaken)),
            Err(e) => return Err(internal(e)),
        };
        let locale = locale_of(user.language);
        let notice = mail_text(locale, &user.full_name(), &[td_string!(locale, email_change.changed_body), &user.email]);
        send_later(deps.mailer.clone(), old_email, td_string!(locale, email_change.changed_subject).to_string(), notice);
        tracing::info!(user_id = user.id, "login e-mail changed");
        Ok(user.id)
    }
}
