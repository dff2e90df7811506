//! The e-mail beside an in-app message, for the logins who want e-mails: the message's title
//! as its subject, its text in the reader's language and the link where they act on it.

use portal_core::domain::{CompanyId, MessageKind, RightId};
use portal_core::store::{Company, NewMessage, Store, StoreError, User};

use super::pages::{message_title, text_of, MessageLink, MessageValues};
use crate::shared::mail::{locale_of, mail_text, names_typed_note, typed_name, Mailer, NOTICE_MAILS};

/// What one change to a right tells: the logins told, each with the kind of message it gets,
/// the values the message stores, and the same values as the reader reads them. The messages
/// are written in the change's own transaction ([`Notice::messages`]), so that a change that
/// loses a race tells nobody; the e-mails go out once it committed ([`Notice::mail`]).
pub struct Notice {
    /// The company the messages are filed under; none for a request the company never answered.
    pub company_id: Option<CompanyId>,
    pub right_id: RightId,
    pub told: Vec<(User, MessageKind)>,
    pub params: serde_json::Value,
    pub values: MessageValues,
}

impl Notice {
    /// What `provider` (as the principal reads its name) did to the right `right_id` on
    /// `company`, told as `kind` to the company's administrators of the day (not whoever sent
    /// an invitation: that login may no longer administer the company). `params` are the
    /// message's own values; the provider and the company are added to them.
    pub async fn to_admins(
        store: &Store,
        company: &Company,
        right_id: RightId,
        kind: MessageKind,
        provider: String,
        mut params: serde_json::Value,
    ) -> Result<Notice, StoreError> {
        let told = store.admins_of_company(company.id).await?.into_iter().map(|admin| (admin, kind)).collect();
        params["provider"] = provider.clone().into();
        params["company"] = company.name.clone().into();
        let values = MessageValues { provider, company: company.name.clone(), ..Default::default() };
        Ok(Notice { company_id: Some(company.id), right_id, told, params, values })
    }

    /// The in-app messages, one per login told.
    pub fn messages(&self) -> Vec<NewMessage> {
        self.told
            .iter()
            .map(|(user, kind)| NewMessage { recipient_user_id: user.id, company_id: self.company_id, kind: *kind, params: self.params.clone() })
            .collect()
    }

    /// The e-mails beside the messages, from `base`, the portal's public address. True when
    /// one was withheld by the per-address limit (its message is in the portal all the same).
    pub async fn mail(&self, mailer: &Mailer, base: &str) -> bool {
        let mut withheld = false;
        for (user, kind) in &self.told {
            withheld |= mail_message(mailer, base, user, *kind, &self.values, MessageLink::of(*kind, Some(self.right_id))).await;
        }
        withheld
    }
}

/// Sends one now, within the per-address limit of [`NOTICE_MAILS`]; true when that limit
/// withheld it. A delivery failure is logged; the e-mail stays in the outbox (the in-app
/// message is there anyway).
async fn mail_message(mailer: &Mailer, base: &str, to: &User, kind: MessageKind, values: &MessageValues, link: MessageLink) -> bool {
    if !to.email_notifications {
        return false;
    }
    let locale = locale_of(to.language);
    let quoted = MessageValues {
        admin: typed_name(locale, &values.admin),
        provider: typed_name(locale, &values.provider),
        company: typed_name(locale, &values.company),
        ..values.clone()
    };
    let text = text_of(locale, kind, &quoted);
    let action = format!("{}\n{base}{}", link.text(locale), link.href());
    let body = mail_text(locale, &to.full_name(), &[&text, &action, names_typed_note(locale)]);
    match mailer.send_within_limit(NOTICE_MAILS, &to.email, &message_title(locale, kind), &body).await {
        Ok(true) => false,
        Ok(false) => {
            tracing::info!(user_id = to.id, kind = kind.as_str(), "message e-mail withheld: too many to this address lately (the message is in the portal)");
            true
        }
        Err(error) => {
            tracing::warn!(%error, user_id = to.id, kind = kind.as_str(), "message e-mail not delivered; kept in the outbox");
            false
        }
    }
}
