//! A login's self-service by e-mail link: registering ("Créer un login") and confirming the
//! address, "Mot de passe oublié ?", changing the login e-mail, and the language the login
//! is remembered in.
//!
//! Server functions stay thin: input is checked with the domain's types, every refusal is a
//! clear message with a 4xx status and changes nothing, the work is one store call (audited
//! there), and e-mails go through the [`Mailer`](crate::auth::mail::Mailer). Answers never
//! say whether an address has a login, except to a signed-in user who changes their own.

use leptos::prelude::*;

use crate::i18n::Locale;

pub const PATH_REGISTER: &str = "/register";
pub const PATH_REGISTER_CONFIRM: &str = "/register/confirm";
pub const PATH_FORGOT: &str = "/password/forgot";
pub const PATH_RESET: &str = "/password/reset";
pub const PATH_EMAIL_CONFIRM: &str = "/email/confirm";

/// Query flags on `/login` (and `/account`) after a link was used.
pub const NOTICE_CONFIRMED: &str = "confirme";
pub const NOTICE_PASSWORD: &str = "motdepasse";
pub const NOTICE_EMAIL: &str = "adresse";
/// Query flag of a form page after it was sent without JavaScript.
pub const SENT: &str = "envoye";

pub const MSG_EMAIL_INVALID: &str = "Veuillez saisir une adresse e-mail valide, par exemple nom@societe.ch.";
pub const MSG_NAME_INVALID: &str = "Veuillez saisir votre prénom et votre nom (100 caractères au plus chacun).";
pub const MSG_PASSWORD_POLICY: &str = "Le mot de passe doit comporter de 10 à 128 caractères.";
pub const MSG_PASSWORDS_DIFFER: &str = "Les deux mots de passe ne sont pas identiques.";
pub const MSG_LANGUAGE_INVALID: &str = "Veuillez choisir une langue.";
pub const MSG_LINK_INVALID: &str = "Ce lien n'est plus valable : il a déjà été utilisé ou il a expiré.";
pub const MSG_EMAIL_SAME: &str = "C'est déjà l'adresse e-mail de votre login.";
pub const MSG_EMAIL_TAKEN: &str = "Cette adresse e-mail est déjà utilisée par un autre login.";
pub const MSG_REGISTRATION_PASSWORD_WRONG: &str = "Ce n'est pas le mot de passe choisi lors de l'inscription avec cette adresse.";

/// Creates a login (no home company, address unconfirmed) and e-mails a confirmation link;
/// an address that already has a login gets an informational e-mail instead, and the
/// answer is the same.
#[server(prefix = "/api", endpoint = "register")]
pub async fn register(
    email: String,
    first_name: String,
    last_name: String,
    password: String,
    confirm: String,
    language: String,
) -> Result<(), ServerFnError> {
    ssr::register(email, first_name, last_name, password, confirm, language).await
}

/// Confirms a self-registered login's address with the link's token and the password chosen
/// when registering; goes to `/login`.
#[server(prefix = "/api", endpoint = "confirm_registration")]
pub async fn confirm_registration(token: String, password: String) -> Result<(), ServerFnError> {
    ssr::confirm_registration(token, password).await
}

/// "Mot de passe oublié ?": always the same answer; a link (1 hour) goes to the login's address.
#[server(prefix = "/api", endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<(), ServerFnError> {
    ssr::request_password_reset(email).await
}

/// Whether a password link is still valid: `"reset"` or `"set"` (first password).
#[server(prefix = "/api", endpoint = "check_password_link")]
pub async fn check_password_link(token: String) -> Result<String, ServerFnError> {
    ssr::check_password_link(token).await
}

/// Sets a new password with a reset or set-password link; goes to `/login`.
#[server(prefix = "/api", endpoint = "reset_password")]
pub async fn reset_password(token: String, password: String, confirm: String) -> Result<(), ServerFnError> {
    ssr::reset_password(token, password, confirm).await
}

/// Asks to change the signed-in login's e-mail: a link goes to the new address, a notice to
/// the current one. Answers the new address.
#[server(prefix = "/api", endpoint = "request_email_change")]
pub async fn request_email_change(new_email: String, password: String) -> Result<String, ServerFnError> {
    ssr::request_email_change(new_email, password).await
}

/// Changes the login's e-mail to the address the link was sent to.
#[server(prefix = "/api", endpoint = "confirm_email_change")]
pub async fn confirm_email_change(token: String) -> Result<(), ServerFnError> {
    ssr::confirm_email_change(token).await
}

/// Remembers the language the signed-in login chose (used for its e-mails and at sign-in).
#[server(prefix = "/api", endpoint = "remember_language")]
pub async fn remember_language(language: String) -> Result<(), ServerFnError> {
    ssr::remember_language(language).await
}

/// The server's French messages in the reader's language.
pub fn translate(locale: Locale, message: &str) -> String {
    use crate::i18n::td_string;
    let text = match message {
        MSG_EMAIL_INVALID => td_string!(locale, login.email_invalid),
        MSG_NAME_INVALID => td_string!(locale, register.name_invalid),
        MSG_PASSWORD_POLICY => td_string!(locale, register.password_policy),
        MSG_PASSWORDS_DIFFER => td_string!(locale, register.passwords_differ),
        MSG_LANGUAGE_INVALID => td_string!(locale, register.language_invalid),
        MSG_LINK_INVALID => td_string!(locale, register.link_invalid),
        MSG_EMAIL_SAME => td_string!(locale, email_change.same),
        MSG_EMAIL_TAKEN => td_string!(locale, email_change.taken),
        MSG_REGISTRATION_PASSWORD_WRONG => td_string!(locale, register.confirm_password_wrong),
        crate::auth::MSG_EMAIL_UNCONFIRMED => td_string!(locale, register.unconfirmed),
        crate::auth::MSG_THROTTLED => td_string!(locale, login.throttled),
        crate::auth::MSG_NOT_SIGNED_IN => td_string!(locale, login.session_expired),
        crate::account::MSG_WRONG_CURRENT_PASSWORD => td_string!(locale, account.wrong_current),
        _ => td_string!(locale, unavailable),
    };
    text.to_string()
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::auth::mail::{public_base, Mailer};
    use crate::auth::password::{check_current_password, count_request, within_limit};
    use crate::auth::server::{client_address, internal, is_plain_form_post, require_login, settings, store};
    use crate::refusal::refused;
    use http::StatusCode;
    use portal_core::domain::{EmailAddress, Language, Password, PersonName};
    use portal_core::store::{self, Actor, AuditEntry, NewUser, Store, StoreError, TokenPurpose, User};

    /// At most this many e-mails per address and purpose within the throttling window;
    /// more requests get the same answer and send nothing (no mail bombing).
    const MAILS_PER_WINDOW: i64 = 5;

    fn bad(message: &str) -> ServerFnError {
        refused(StatusCode::BAD_REQUEST, message)
    }

    fn mailer() -> Result<Mailer, ServerFnError> {
        use_context::<Mailer>().ok_or_else(|| internal("no Mailer in the Leptos context"))
    }

    /// The locale of a stored language, for e-mails.
    pub fn locale_of(language: Language) -> Locale {
        use leptos_i18n::Locale as _;
        Locale::get_all().iter().copied().find(|l| l.as_str() == language.code()).unwrap_or_default()
    }

    /// A plain-text e-mail: greeting, paragraphs, signature.
    pub fn mail_text(locale: Locale, name: &str, paragraphs: &[&str]) -> String {
        use crate::i18n::td_string;
        let mut body = format!("{} {name},\n\n", td_string!(locale, register.mail_greeting));
        for p in paragraphs {
            body.push_str(p);
            body.push_str("\n\n");
        }
        body.push_str(td_string!(locale, register.mail_signature));
        body.push('\n');
        body
    }

    /// Sends in the background: the answer does not wait for SMTP (nor tell by its timing
    /// whether an e-mail was sent). A failure is logged; the message stays in the outbox.
    fn send_later(mailer: Mailer, to: String, subject: String, body: String) {
        tokio::spawn(async move {
            if let Err(error) = mailer.send(&to, &subject, &body).await {
                tracing::warn!(%error, "e-mail not delivered; kept in the outbox");
            }
        });
    }

    /// Counts one e-mail of `purpose` to `email`; false when too many were sent lately.
    async fn may_send(store: &Store, purpose: &str, email: &str) -> Result<bool, StoreError> {
        let n = store.count_attempt(&format!("mail:{purpose}:{email}"), store::now(), settings().window()).await?;
        Ok(n <= MAILS_PER_WINDOW)
    }

    pub async fn register(
        email: String,
        first_name: String,
        last_name: String,
        password: String,
        confirm: String,
        language: String,
    ) -> Result<(), ServerFnError> {
        let email = EmailAddress::parse(&email).map_err(|_| bad(MSG_EMAIL_INVALID))?;
        let (first, last) = match (PersonName::parse(&first_name), PersonName::parse(&last_name)) {
            (Ok(f), Ok(l)) => (f, l),
            _ => return Err(bad(MSG_NAME_INVALID)),
        };
        let password = Password::parse(&password).map_err(|_| bad(MSG_PASSWORD_POLICY))?;
        if password.expose() != confirm {
            return Err(bad(MSG_PASSWORDS_DIFFER));
        }
        let language = Language::parse(&language).map_err(|_| bad(MSG_LANGUAGE_INVALID))?;
        let store = store()?;
        let mailer = mailer()?;
        let base = public_base()?;
        // Counted before any hashing: a flood from one address is refused at once.
        count_request(&store, "register", client_address().await).await?;
        // Hashed whether or not the address is taken: both answers take as long.
        let password_hash = crate::auth::password::hash(password).await?;

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
                        Err(StoreError::Duplicate { .. }) => {
                            Err(store.user_by_email(&email).await.map_err(internal)?.ok_or_else(|| internal("login vanished"))?)
                        }
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
        if is_plain_form_post() {
            leptos_axum::redirect(&format!("{PATH_REGISTER}?{SENT}=1"));
        }
        Ok(())
    }

    async fn send_confirmation(store: &Store, mailer: &Mailer, base: &str, user: &User) -> Result<(), ServerFnError> {
        use crate::i18n::td_string;
        let purpose = TokenPurpose::ConfirmRegistration;
        let token = store.create_email_token(purpose, user.id, None, purpose.validity()).await.map_err(internal)?;
        let locale = locale_of(user.language);
        let link = format!("{base}{PATH_REGISTER_CONFIRM}?token={}", token.expose());
        let body = mail_text(
            locale,
            &user.full_name(),
            &[td_string!(locale, register.mail_body), &link, td_string!(locale, register.mail_ignore)],
        );
        send_later(mailer.clone(), user.email.clone(), td_string!(locale, register.mail_subject).to_string(), body);
        Ok(())
    }

    /// The e-mail with the set-password link of a company's first administrator (created by
    /// the operator): subject and body, in the login's language.
    pub fn set_password_mail(user: &User, company_name: &str, link: &str) -> (String, String) {
        use crate::i18n::td_string;
        let locale = locale_of(user.language);
        let body = mail_text(
            locale,
            &user.full_name(),
            &[td_string!(locale, reset.mail_set_body), company_name, td_string!(locale, reset.mail_set_link), link],
        );
        (td_string!(locale, reset.mail_set_subject).to_string(), body)
    }

    pub async fn confirm_registration(token: String, password: String) -> Result<(), ServerFnError> {
        let store = store()?;
        let Some(link) = store.valid_email_token(&[TokenPurpose::ConfirmRegistration], &token).await.map_err(internal)? else {
            return Err(bad(MSG_LINK_INVALID));
        };
        let key = format!("confirm:{}", link.user_id);
        within_limit(&store, &key, settings().max_failures_per_account, crate::auth::MSG_THROTTLED).await?;
        let pending = store.credentials(link.user_id).await.map_err(internal)?.password_hash;
        if !crate::auth::password::verify(password, pending).await? {
            return Err(bad(MSG_REGISTRATION_PASSWORD_WRONG));
        }
        store.clear_attempts(&key).await.map_err(internal)?;
        match store.confirm_registration(&token).await.map_err(internal)? {
            Some(user) => {
                tracing::info!(user_id = user.id, "address of a self-registered login confirmed");
                leptos_axum::redirect(&format!("{}?{NOTICE_CONFIRMED}=1", crate::auth::PATH_LOGIN));
                Ok(())
            }
            None => Err(bad(MSG_LINK_INVALID)),
        }
    }

    pub async fn request_password_reset(email: String) -> Result<(), ServerFnError> {
        let email = EmailAddress::parse(&email).map_err(|_| bad(MSG_EMAIL_INVALID))?;
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
        if is_plain_form_post() {
            leptos_axum::redirect(&format!("{PATH_FORGOT}?{SENT}=1"));
        }
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

    pub async fn check_password_link(token: String) -> Result<String, ServerFnError> {
        let store = store()?;
        let purposes = [TokenPurpose::ResetPassword, TokenPurpose::SetPassword];
        match store.valid_email_token(&purposes, &token).await.map_err(internal)? {
            Some(t) if t.purpose == TokenPurpose::SetPassword => Ok("set".into()),
            Some(_) => Ok("reset".into()),
            None => Err(bad(MSG_LINK_INVALID)),
        }
    }

    pub async fn reset_password(token: String, password: String, confirm: String) -> Result<(), ServerFnError> {
        let password = Password::parse(&password).map_err(|_| bad(MSG_PASSWORD_POLICY))?;
        if password.expose() != confirm {
            return Err(bad(MSG_PASSWORDS_DIFFER));
        }
        let store = store()?;
        let purposes = [TokenPurpose::ResetPassword, TokenPurpose::SetPassword];
        // Checked first so that a dead link costs no hashing; used atomically below.
        if store.valid_email_token(&purposes, &token).await.map_err(internal)?.is_none() {
            return Err(bad(MSG_LINK_INVALID));
        }
        let password_hash = crate::auth::password::hash(password).await?;
        match store.reset_password_with_token(&token, &password_hash).await.map_err(internal)? {
            Some(user) => {
                tracing::info!(user_id = user.id, "password set with an e-mail link; sessions ended");
                leptos_axum::redirect(&format!("{}?{NOTICE_PASSWORD}=1", crate::auth::PATH_LOGIN));
                Ok(())
            }
            None => Err(bad(MSG_LINK_INVALID)),
        }
    }

    pub async fn request_email_change(new_email: String, password: String) -> Result<String, ServerFnError> {
        use crate::i18n::td_string;
        let login = require_login().await?;
        let new_email = EmailAddress::parse(&new_email).map_err(|_| bad(MSG_EMAIL_INVALID))?;
        let store = store()?;
        let mailer = mailer()?;
        check_current_password(&store, login.user_id, password).await?;
        let user = store.user(login.user_id).await.map_err(internal)?;
        if user.email == new_email.as_str().to_lowercase() {
            return Err(bad(MSG_EMAIL_SAME));
        }
        let key = format!("email_change:user:{}", user.id);
        within_limit(&store, &key, settings().max_requests_per_address, crate::auth::REQUESTS_THROTTLED).await?;
        let actor = Actor { user_id: Some(user.id), acting_company_id: None };
        store
            .append_audit(
                &AuditEntry::new(&actor, user.home_company_id, "user.email_change_request", format!("user:{}", user.id))
                    .after(std::collections::BTreeMap::from([("new_email", new_email.as_str())])),
            )
            .await
            .map_err(internal)?;
        let answer = new_email.as_str().to_lowercase();
        if !may_send(&store, "email_change", &answer).await.map_err(internal)? {
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
        let link = format!("{}{PATH_EMAIL_CONFIRM}?token={}", public_base()?, token.expose());
        let to_new = mail_text(
            locale,
            &user.full_name(),
            &[td_string!(locale, email_change.mail_body), &link, td_string!(locale, email_change.mail_ignore)],
        );
        send_later(mailer, answer.clone(), td_string!(locale, email_change.mail_subject).to_string(), to_new);
        tracing::info!(user_id = user.id, "login e-mail change asked; link sent to the new address");
        Ok(answer)
    }

    pub async fn confirm_email_change(token: String) -> Result<(), ServerFnError> {
        use crate::i18n::td_string;
        let store = store()?;
        let current = crate::auth::server::session().await?.id().map(|id| id.to_string());
        let (old_email, user) = match store.change_email_with_token(&token, current.as_deref()).await {
            Ok(Some(changed)) => changed,
            Ok(None) => return Err(bad(MSG_LINK_INVALID)),
            Err(StoreError::Duplicate { .. }) => return Err(refused(StatusCode::CONFLICT, MSG_EMAIL_TAKEN)),
            Err(e) => return Err(internal(e)),
        };
        let locale = locale_of(user.language);
        let notice = mail_text(locale, &user.full_name(), &[td_string!(locale, email_change.changed_body), &user.email]);
        send_later(mailer()?, old_email, td_string!(locale, email_change.changed_subject).to_string(), notice);
        tracing::info!(user_id = user.id, "login e-mail changed");
        let signed_in_here = crate::auth::server::current_login().await?.is_some_and(|l| l.user_id == user.id);
        let next = if signed_in_here { "/account" } else { crate::auth::PATH_LOGIN };
        leptos_axum::redirect(&format!("{next}?{NOTICE_EMAIL}=1"));
        Ok(())
    }

    pub async fn remember_language(language: String) -> Result<(), ServerFnError> {
        let login = require_login().await?;
        let language = Language::parse(&language).map_err(|_| bad(MSG_LANGUAGE_INVALID))?;
        let store = store()?;
        let user = store.user(login.user_id).await.map_err(internal)?;
        if user.language == language {
            return Ok(());
        }
        store.set_user_language(user.id, language).await.map_err(internal)?;
        let actor = Actor { user_id: Some(user.id), acting_company_id: None };
        store
            .append_audit(
                &AuditEntry::new(&actor, user.home_company_id, "user.language", format!("user:{}", user.id))
                    .before(std::collections::BTreeMap::from([("language", user.language.code())]))
                    .after(std::collections::BTreeMap::from([("language", language.code())])),
            )
            .await
            .map_err(internal)?;
        Ok(())
    }
}
