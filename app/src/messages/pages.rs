//! "Profil utilisateur → Messages → Information": the list of the login's messages and one
//! message, written in the reader's language from its kind and values.

use crate::shared::refusal::PortalError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::i18n::{t, t_string, td_string, use_i18n, Locale};
use crate::layout::frame::SignedInPage;
use crate::messages::{list_messages, open_message, MessageLine, MessageView, MessagesView};
use crate::shared::ui::{NewestFirstPager, ProfileCrumbs, BEFORE, CARD, LINK};
use portal_core::domain::MessageKind;

/// A message's title ("Autorisation en tant que prestataire"…).
pub fn message_title(locale: Locale, kind: MessageKind) -> String {
    match kind {
        MessageKind::ProviderInvitation => td_string!(locale, messages.invitation_title),
        MessageKind::ProviderRightRevoked => td_string!(locale, messages.revoked_title),
        MessageKind::ProviderInvitationCancelled => td_string!(locale, messages.cancelled_title),
        MessageKind::ProviderAccepted => td_string!(locale, messages.accepted_title),
        MessageKind::ProviderRefused => td_string!(locale, messages.refused_title),
        MessageKind::ProviderResigned => td_string!(locale, messages.resigned_title),
        MessageKind::ProviderRequest => td_string!(locale, messages.request_title),
        MessageKind::ProviderRequestApproved => td_string!(locale, messages.approved_title),
        MessageKind::ProviderRequestDeclined => td_string!(locale, messages.declined_title),
        MessageKind::ProviderRequestWithdrawn => td_string!(locale, messages.withdrawn_title),
        MessageKind::ProviderInvitationExpired => td_string!(locale, messages.invitation_expired_title),
        MessageKind::ProviderRequestExpired => td_string!(locale, messages.request_expired_title),
        MessageKind::ProviderInvitationReminder => td_string!(locale, messages.invitation_reminder_title),
        MessageKind::ProviderRightEnding => td_string!(locale, messages.right_ending_title),
        MessageKind::ProviderAccessEnding => td_string!(locale, messages.access_ending_title),
        MessageKind::ProviderRightExtended => td_string!(locale, messages.right_extended_title),
        MessageKind::ProviderRightSuspended => td_string!(locale, messages.right_suspended_title),
        MessageKind::ProviderRightResumed => td_string!(locale, messages.right_resumed_title),
        MessageKind::ProviderGrantsChanged => td_string!(locale, messages.grants_changed_title),
        MessageKind::EmployeeInvitation => td_string!(locale, messages.join_invitation_title),
        MessageKind::EmployeeJoined => td_string!(locale, messages.joined_title),
        MessageKind::EmployeeRefused => td_string!(locale, messages.join_refused_title),
        MessageKind::EmployeeLeft => td_string!(locale, messages.left_title),
        MessageKind::EmployeeInvitationExpired => td_string!(locale, messages.join_expired_title),
        MessageKind::EmployeeInvitationCancelled => td_string!(locale, messages.join_cancelled_title),
        MessageKind::EmployeeRemoved => td_string!(locale, messages.removed_title),
    }
    .to_string()
}

/// The values a message's text is made of.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageValues {
    pub admin: String,
    pub provider: String,
    pub company: String,
    /// The date the message is about (an answer-by time, an end date), as the reader reads it.
    pub until: String,
    /// An invitation's answer-by time, as the reader reads it (empty before invitations had one).
    pub answer_by: String,
}

/// A message's text, made of its values; an invitation says until when it can be accepted.
pub fn message_text(locale: Locale, m: &MessageView) -> String {
    let values = MessageValues {
        admin: m.admin.clone(),
        provider: m.provider.clone(),
        company: m.company_name.clone(),
        until: m.until.clone(),
        answer_by: m.answer_by.clone(),
    };
    text_of(locale, m.kind, &values)
}

/// The text of a message of `kind` with `values`, in `locale` (the page and the e-mail).
pub fn text_of(locale: Locale, kind: MessageKind, values: &MessageValues) -> String {
    let MessageValues { admin, provider, company, until, answer_by } = values.clone();
    let text = match kind {
        MessageKind::ProviderInvitation => td_string!(locale, messages.invitation_text, admin = admin, company = company),
        MessageKind::ProviderRightRevoked => td_string!(locale, messages.revoked_text, admin = admin, company = company),
        MessageKind::ProviderInvitationCancelled => td_string!(locale, messages.cancelled_text, admin = admin, company = company),
        MessageKind::ProviderAccepted => td_string!(locale, messages.accepted_text, provider = provider, company = company),
        MessageKind::ProviderRefused => td_string!(locale, messages.refused_text, provider = provider, company = company),
        MessageKind::ProviderResigned => td_string!(locale, messages.resigned_text, provider = provider, company = company),
        MessageKind::ProviderRequest => td_string!(locale, messages.request_text, provider = provider, company = company),
        MessageKind::ProviderRequestApproved => td_string!(locale, messages.approved_text, admin = admin, company = company),
        MessageKind::ProviderRequestDeclined => td_string!(locale, messages.declined_text, admin = admin, company = company),
        MessageKind::ProviderRequestWithdrawn => td_string!(locale, messages.withdrawn_text, provider = provider, company = company),
        MessageKind::ProviderInvitationExpired => td_string!(locale, messages.invitation_expired_text, provider = provider, company = company),
        MessageKind::ProviderRequestExpired => td_string!(locale, messages.request_expired_text, company = company),
        MessageKind::ProviderInvitationReminder => td_string!(locale, messages.invitation_reminder_text, company = company, date = until),
        MessageKind::ProviderRightEnding => td_string!(locale, messages.right_ending_text, provider = provider, company = company, date = until),
        MessageKind::ProviderAccessEnding => td_string!(locale, messages.access_ending_text, company = company, date = until),
        MessageKind::ProviderRightExtended => td_string!(locale, messages.right_extended_text, admin = admin, company = company, date = until),
        MessageKind::ProviderRightSuspended => td_string!(locale, messages.right_suspended_text, admin = admin, company = company),
        MessageKind::ProviderRightResumed => td_string!(locale, messages.right_resumed_text, admin = admin, company = company),
        MessageKind::ProviderGrantsChanged => td_string!(locale, messages.grants_changed_text, admin = admin, company = company),
        MessageKind::EmployeeInvitation => td_string!(locale, messages.join_invitation_text, admin = admin, company = company),
        MessageKind::EmployeeJoined => td_string!(locale, messages.joined_text, provider = provider, company = company),
        MessageKind::EmployeeRefused => td_string!(locale, messages.join_refused_text, provider = provider, company = company),
        MessageKind::EmployeeLeft => td_string!(locale, messages.left_text, provider = provider, company = company),
        MessageKind::EmployeeInvitationExpired => td_string!(locale, messages.join_expired_text, provider = provider, company = company),
        MessageKind::EmployeeInvitationCancelled => td_string!(locale, messages.join_cancelled_text, admin = admin, company = company),
        MessageKind::EmployeeRemoved => td_string!(locale, messages.removed_text, admin = admin, company = company),
    }
    .to_string();
    match kind {
        MessageKind::ProviderInvitation | MessageKind::EmployeeInvitation if !answer_by.is_empty() => {
            format!("{text} {}", td_string!(locale, messages.invitation_answer_by, date = answer_by))
        }
        _ => text,
    }
}

/// Where the reader of a message acts on it, and the words of the link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageLink {
    /// A provider's invitation: its own page.
    Invitation(i64),
    /// "Gérer le compte utilisateur".
    Account,
    /// The rights list.
    Rights,
    /// One right's page ("Renvoyer" there).
    Right(i64),
    /// One right's page, at "Prolonger l'accès".
    Extend(i64),
}

impl MessageLink {
    /// The link of a message of `kind` about the right `right_id` (absent in messages written
    /// before they named their right).
    pub fn of(kind: MessageKind, right_id: Option<i64>) -> MessageLink {
        use MessageKind::*;
        match (kind, right_id) {
            (ProviderInvitation | ProviderInvitationReminder | ProviderGrantsChanged | EmployeeInvitation, Some(id)) => MessageLink::Invitation(id),
            (ProviderInvitationExpired | EmployeeInvitationExpired, Some(id)) => MessageLink::Right(id),
            (ProviderRightEnding, Some(id)) => MessageLink::Extend(id),
            (ProviderInvitation | ProviderInvitationReminder | ProviderRightRevoked | ProviderInvitationCancelled | EmployeeInvitation, _)
            | (EmployeeInvitationCancelled | EmployeeRemoved, _)
            | (ProviderRequestApproved | ProviderRequestDeclined | ProviderRequestExpired, _)
            | (ProviderAccessEnding | ProviderRightExtended | ProviderRightSuspended | ProviderRightResumed | ProviderGrantsChanged, _) => MessageLink::Account,
            (ProviderAccepted | ProviderRefused | ProviderResigned | ProviderRequest | ProviderRequestWithdrawn, _)
            | (EmployeeJoined | EmployeeRefused | EmployeeLeft, _)
            | (ProviderInvitationExpired | EmployeeInvitationExpired | ProviderRightEnding, None) => MessageLink::Rights,
        }
    }

    /// The path, from the portal's root.
    pub fn href(&self) -> String {
        match self {
            MessageLink::Invitation(id) => format!("/invitations/{id}"),
            MessageLink::Account => "/account".into(),
            MessageLink::Rights => "/admin/rights".into(),
            MessageLink::Right(id) => format!("/admin/rights/{id}"),
            MessageLink::Extend(id) => format!("/admin/rights/{id}#extend"),
        }
    }

    pub fn text(&self, locale: Locale) -> String {
        match self {
            MessageLink::Invitation(_) => td_string!(locale, messages.manage_requests),
            MessageLink::Account => td_string!(locale, account.title),
            MessageLink::Rights => td_string!(locale, admin.title),
            MessageLink::Right(_) => td_string!(locale, messages.open_right),
            MessageLink::Extend(_) => td_string!(locale, messages.extend_link),
        }
        .to_string()
    }
}

/// The breadcrumb of the message pages, as in the seed.
#[component]
fn MessageCrumbs(#[prop(optional)] information: bool) -> impl IntoView {
    let i18n = use_i18n();
    let section = Signal::derive(move || t_string!(i18n, messages.title).to_string());
    if information {
        view! { <ProfileCrumbs section=section section_href="/messages" last=t_string!(i18n, messages.information).to_string()/> }.into_any()
    } else {
        view! { <ProfileCrumbs section=section section_href="/messages"/> }.into_any()
    }
}

async fn load_list(before: Option<i64>) -> Result<MessagesView, PortalError> {
    list_messages(before).await
}

#[component]
pub fn MessagesPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let before = Signal::derive(move || query.read().get(BEFORE).and_then(|id| id.parse::<i64>().ok()));
    let content = |page: MessagesView| view! { <MessageList page=page/> }.into_any();
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), messages.title).to_string()/>
        <SignedInPage key=before load=load_list view=content own=true/>
    }
}

#[component]
fn MessageList(page: MessagesView) -> impl IntoView {
    let i18n = use_i18n();
    let MessagesView { lines, later_page, older } = page;
    view! {
        <MessageCrumbs/>
        <h1 class="text-2xl font-semibold">{t!(i18n, messages.title)}</h1>
        {if lines.is_empty() {
            view! { <p class="mt-4 text-stone-700">{t!(i18n, messages.none)}</p> }.into_any()
        } else {
            view! {
                <ul id="message-list" class="mt-4 divide-y divide-stone-200 rounded-lg border border-stone-200 bg-white shadow-sm" data-testid="message-list">
                    {lines.into_iter().map(|line| {
                        let MessageLine { id, kind, company, received_at, unread } = line;
                        view! {
                            <li data-testid="message-line" data-unread=unread.to_string()>
                                <a href=format!("/messages/{id}") class="flex flex-wrap items-baseline gap-x-3 gap-y-1 px-4 py-3 hover:bg-stone-50">
                                    {unread.then(|| view! {
                                        <span class="rounded bg-yellow-400 px-2 py-0.5 text-xs font-semibold text-stone-900">{t!(i18n, messages.unread)}</span>
                                    })}
                                    <span class=if unread { "font-semibold text-sky-900 underline" } else { "text-sky-900 underline" }>
                                        {move || message_title(i18n.get_locale(), kind)}
                                    </span>
                                    <span class="text-sm text-stone-600">{company}</span>
                                    <span class="ml-auto text-sm text-stone-600">{received_at}</span>
                                </a>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
        <NewestFirstPager
            path="/messages"
            anchor="message-list"
            later_page=later_page
            older=older
            label=t_string!(i18n, messages.pages).to_string()
            newest=t_string!(i18n, messages.newest).to_string()
            older_ones=t_string!(i18n, messages.older).to_string()
        />
    }
}

type MessageKey = i64;

async fn load_one(id: MessageKey) -> Result<MessageView, PortalError> {
    open_message(id).await
}

#[component]
pub fn MessagePage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let key = Signal::derive(move || params.read().get("id").and_then(|id| id.parse().ok()).unwrap_or(0));
    let content = |message: MessageView| view! { <Information message=message/> }.into_any();
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), messages.information).to_string()/>
        <SignedInPage key=key load=load_one view=content own=true/>
    }
}

/// "Information": the seed's layout — the recipient's box beside the text.
#[component]
fn Information(message: MessageView) -> impl IntoView {
    let i18n = use_i18n();
    let kind = message.kind;
    let link = MessageLink::of(kind, message.right_id);
    let for_text = message.clone();
    view! {
        <MessageCrumbs information=true/>
        <h1 class="text-2xl font-semibold">{t!(i18n, messages.information)}</h1>
        <h2 class="mt-2 text-lg font-semibold" data-testid="message-title">{move || message_title(i18n.get_locale(), kind)}</h2>
        <div class="mt-4 grid gap-6 lg:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
            <section class=CARD aria-labelledby="recipient-info">
                <h3 id="recipient-info" class="font-semibold">{t!(i18n, messages.for_recipient)}</h3>
                <dl class="mt-3 grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
                    <dt class="text-stone-600">{t!(i18n, messages.concerns)}</dt>
                    <dd data-testid="message-company">{message.company.clone()}</dd>
                    <dt class="text-stone-600">{t!(i18n, messages.recipient)}</dt>
                    <dd class="break-all">{message.recipient.clone()}</dd>
                    <dt class="text-stone-600">{t!(i18n, messages.received_at)}</dt>
                    <dd>{message.received_at.clone()}</dd>
                    <dt class="text-stone-600">{t!(i18n, messages.read_at)}</dt>
                    <dd data-testid="message-read-at">{message.read_at.clone()}</dd>
                </dl>
            </section>
            <section class=CARD aria-labelledby="message-title">
                <p data-testid="message-text" class="leading-relaxed">{move || message_text(i18n.get_locale(), &for_text)}</p>
                {(!message.message.is_empty()).then(|| view! {
                    <blockquote class="mt-3 border-l-4 border-stone-300 pl-3 italic text-stone-800">{message.message.clone()}</blockquote>
                })}
                <p class="mt-4">
                    <a href=link.href() class=LINK data-testid="message-link">{move || link.text(i18n.get_locale())}</a>
                </p>
            </section>
        </div>
        <p class="mt-6"><a href="/messages" class=LINK>{t!(i18n, messages.back)}</a></p>
    }
}
