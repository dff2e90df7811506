//! "Saisir un utilisateur": a new employee, technical user or provider of the acting company,
//! with the set-password e-mail or the provider's invitation.

use crate::shared::refusal::PortalError;
use portal_core::domain::*;
use portal_core::store::{self, EmployeeEntry, EntryCommon, GrantSource, NewMessage, ProviderEntry, Store, StoreError, TechnicalEntry, User, UserRight};

use super::*;
use crate::access::AdminScope;
use crate::i18n::Locale;
use crate::messages::mail::Notice;
use crate::messages::pages::MessageValues;
use crate::shared::deps::Deps;
use crate::shared::refusal::{internal, invalid, refused, Refusal};

/// The fields of "Saisir un utilisateur", as typed.
#[derive(Debug, Clone)]
pub struct EntryForm {
    pub right_type: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub name: String,
    pub remark: String,
    pub administrator: bool,
    pub assignment: String,
    pub copy_from: String,
    pub template: String,
}

/// A technical user is no login (it cannot sign in): its right's type says so.
async fn is_technical(store: &Store, user: &User) -> Result<bool, PortalError> {
    let rights = store.rights_of_user(user.id).await.map_err(internal)?;
    Ok(rights.iter().any(|r| r.right.right_type == RightType::Technical))
}

/// The refusal for a right that exists already, naming its status.
async fn right_exists(store: &Store, company_id: CompanyId, user_id: UserId) -> PortalError {
    match store.right_for(company_id, user_id).await {
        Ok(Some(r)) => refused(Refusal::RightExists(r.status)),
        Ok(None) => refused(Refusal::Conflict),
        Err(e) => internal(e),
    }
}

pub async fn enter_user(deps: &Deps, scope: &AdminScope, form: EntryForm, reader: Locale) -> Result<EntryConfirmation, PortalError> {
    let store = &deps.store;
    let right_type = RightType::parse(form.right_type.trim()).map_err(|_| refused(Refusal::BadRightType))?;
    let remark = Remark::parse(&form.remark).map_err(invalid)?;
    let grants_from = match form.assignment.as_str() {
        "copy" => Some(GrantSource::Right(form.copy_from.trim().parse().map_err(|_| refused(Refusal::CopySourceRequired))?)),
        "template" => Some(GrantSource::Template(form.template.trim().parse().map_err(|_| refused(Refusal::TemplateRequired))?)),
        _ => None,
    };
    let company_id = scope.company.company_id;
    let common = EntryCommon { company_id, remark, end_date: None, grants_from, entered_by: scope.admin.id };
    match right_type {
        RightType::Provider => {
            let email = EmailAddress::parse(&form.email).map_err(invalid)?;
            let Some(provider) = store.user_by_email(&email).await.map_err(internal)? else {
                return Err(refused(Refusal::UnknownLogin));
            };
            if is_technical(store, &provider).await? {
                return Err(refused(Refusal::UnknownLogin));
            }
            if provider.id == scope.admin.id {
                return Err(refused(Refusal::OwnLogin));
            }
            if provider.home_company_id == Some(company_id) {
                return Err(refused(Refusal::ProviderIsEmployee));
            }
            if store.right_for(company_id, provider.id).await.map_err(internal)?.is_some() {
                return Err(right_exists(store, company_id, provider.id).await);
            }
            let entry =
                ProviderEntry { common, provider_user_id: provider.id, message: invitation_message(scope, provider.id, MessageKind::ProviderInvitation) };
            let right = match store.enter_provider(&entry).await {
                Ok(right) => right,
                Err(StoreError::Duplicate { .. }) => return Err(right_exists(store, company_id, provider.id).await),
                Err(e) => return Err(e.into()),
            };
            let mail_withheld = notify_invitation(deps, scope, &provider, &right).await;
            tracing::info!(right_id = right.id, company_id, "provider invited");
            Ok(EntryConfirmation {
                right_id: right.id,
                right_type,
                who: provider.email,
                api_key: None,
                login_created: false,
                invited_to_join: false,
                mail_withheld: withheld_note(mail_withheld, reader),
            })
        }
        RightType::Employee => {
            let entry = EmployeeEntry {
                common,
                email: EmailAddress::parse(&form.email).map_err(invalid)?,
                first_name: PersonName::parse(&form.first_name).map_err(invalid)?,
                last_name: PersonName::parse(&form.last_name).map_err(invalid)?,
                language: scope.admin.language,
                is_admin: form.administrator,
                invitation_params: invitation_params(scope),
            };
            let entered = match store.enter_employee(&entry).await {
                Ok(entered) => entered,
                Err(StoreError::Duplicate { what: "right" }) => {
                    let user = store.user_by_email(&entry.email).await.map_err(internal)?.ok_or_else(|| internal("user vanished"))?;
                    return Err(right_exists(store, company_id, user.id).await);
                }
                Err(e) => return Err(e.into()),
            };
            if entered.login_created {
                send_set_password_mail(deps, &entered.user, &scope.company.name).await?;
            }
            let invited_to_join = entered.right.status == RightStatus::Pending;
            let mut mail_withheld = false;
            if invited_to_join {
                mail_withheld = notify_invitation(deps, scope, &entered.user, &entered.right).await;
                tracing::info!(right_id = entered.right.id, company_id, "login of no company invited to join");
            }
            Ok(EntryConfirmation {
                right_id: entered.right.id,
                right_type,
                who: entered.user.email,
                api_key: None,
                login_created: entered.login_created,
                invited_to_join,
                mail_withheld: withheld_note(mail_withheld, reader),
            })
        }
        RightType::Technical => {
            let name = PersonName::parse(&form.name).map_err(invalid)?;
            let key = store::NewApiKey::generate();
            let identifier = EmailAddress::parse(&format!("technique.{}@{}.invalid", key.prefix, scope.company.customer_number)).map_err(internal)?;
            let entry = TechnicalEntry { common, name: name.clone(), identifier, key_prefix: key.prefix.clone(), key_hash: key.hash() };
            let right = store.enter_technical(&entry).await?;
            Ok(EntryConfirmation {
                right_id: right.id,
                right_type,
                who: name.as_str().to_string(),
                api_key: Some(key.clear),
                login_created: false,
                invited_to_join: false,
                mail_withheld: None,
            })
        }
    }
}

/// A new employee's login has no password: the e-mail's link (72 h, once) sets it.
async fn send_set_password_mail(deps: &Deps, user: &User, company_name: &str) -> Result<(), PortalError> {
    let purpose = store::TokenPurpose::SetPassword;
    let token = deps.store.create_email_token(purpose, user.id, None, purpose.validity()).await.map_err(internal)?;
    let link = format!("{}{}?token={}", deps.base, crate::shared::paths::PATH_RESET, token.expose());
    let (subject, body) = crate::password_reset::service::set_password_mail(user, company_name, &link);
    if let Err(error) = deps.mailer.send(&user.email, &subject, &body).await {
        tracing::warn!(%error, user_id = user.id, "set-password e-mail not delivered; it stays in the outbox");
    }
    Ok(())
}

/// "Autorisation en tant que prestataire" (the seed's message), or the invitation to join as
/// an employee: translated when read.
pub(super) fn invitation_message(scope: &AdminScope, provider_id: UserId, kind: MessageKind) -> NewMessage {
    NewMessage { recipient_user_id: provider_id, company_id: Some(scope.company.company_id), kind, params: invitation_params(scope) }
}

/// Who invites, for which company: the values of both kinds of invitation message.
fn invitation_params(scope: &AdminScope) -> serde_json::Value {
    serde_json::json!({ "admin": scope.admin.full_name(), "company": scope.company.name })
}

/// The message an invitation is told by: to join as an employee, or to work as a provider.
pub(super) fn invitation_kind(right: &UserRight) -> MessageKind {
    if right.joins_by_consent() {
        MessageKind::EmployeeInvitation
    } else {
        MessageKind::ProviderInvitation
    }
}

/// What an invitation tells the invited login (a provider, or a login of no company invited to
/// join): the message the store wrote with the right and, beside it, the e-mail in the
/// login's language, with until when it can be accepted and the link to the invitation's page.
fn invitation_notice(scope: &AdminScope, invited: &User, right: &UserRight) -> Notice {
    Notice {
        company_id: Some(scope.company.company_id),
        right_id: right.id,
        told: vec![(invited.clone(), invitation_kind(right))],
        params: invitation_params(scope),
        values: MessageValues {
            admin: scope.admin.full_name(),
            company: scope.company.name.clone(),
            answer_by: right.answer_by.map(crate::shared::format::short_date_time).unwrap_or_default(),
            ..Default::default()
        },
    }
}

/// Sends the e-mail of the invitation `right` to `invited`; true when the per-address limit
/// withheld it (the message is in the portal all the same).
pub(super) async fn notify_invitation(deps: &Deps, scope: &AdminScope, invited: &User, right: &UserRight) -> bool {
    invitation_notice(scope, invited, right).mail(&deps.mailer, &deps.base).await
}

/// The sentence that says an e-mail was withheld, in the `reader`'s language, written here so
/// that the confirmation carries it (the island carries no table of sentences).
fn withheld_note(withheld: bool, reader: Locale) -> Option<String> {
    withheld.then(|| crate::i18n::td_string!(reader, admin.mail_withheld).to_string())
}
