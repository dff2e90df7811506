use crate::shared::form::form_action;
use leptos::prelude::*;
use leptos_meta::Title;

use super::{load_account, AccountView, ChangePassword, Membership};
use crate::i18n::{t, t_string, td_string, use_i18n};
use crate::layout::context::load_portal_context;
use crate::layout::frame::redirect_for;
use crate::layout::portal::{PortalLayout, WithoutCompanyLayout};
use crate::provider::AnswerRight;
use crate::shared::ui::{current_page, BUTTON_DANGER, FIELD, LINK};
use leptos::server_fn::ServerFn as _;

/// "Gérer le compte utilisateur".
#[component]
pub fn AccountPage() -> impl IntoView {
    let i18n = use_i18n();
    let here = current_page();
    // A login that may act for no company has no portal context to load (nor to be refused).
    let data = Resource::new_blocking(
        || (),
        |_| async {
            let account = load_account().await;
            let context = match &account {
                Ok(account) if !account.acts_for_a_company => None,
                _ => Some(load_portal_context().await),
            };
            (context, account)
        },
    );
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), account.title).to_string()/>
        <Transition fallback=move || view! { <p class="p-8">{t!(i18n, portal.loading)}</p> }>
            {move || data.get().map(|result| match result {
                (Some(Ok(context)), Ok(account)) => view! {
                    <PortalLayout context=context>
                        <AccountContent account=account/>
                    </PortalLayout>
                }.into_any(),
                // A login that may act for no company has this page and the company choice
                // only: here it asks a company for access and answers its invitations.
                (None, Ok(account)) => view! {
                    <WithoutCompanyLayout name=account.full_name.clone() unread_messages=account.unread_messages done=account.done.clone()>
                        <AccountContent account=account/>
                    </WithoutCompanyLayout>
                }.into_any(),
                (Some(Err(error)), _) | (_, Err(error)) => redirect_for(&error, &here),
            })}
        </Transition>
    }
}

#[component]
fn AccountContent(account: AccountView) -> impl IntoView {
    let i18n = use_i18n();
    let AccountView { email, last_login, two_step_enabled, provider_access, membership, two_step, .. } = account;
    let email_changed = leptos_router::hooks::use_query_map().with_untracked(|q| q.get(crate::shared::paths::NOTICE_EMAIL).is_some());
    view! {
        <h1 class="text-2xl font-semibold">{t!(i18n, account.title)}</h1>
        <p class="mt-2 text-stone-700">{t!(i18n, account.intro)}</p>
        <div class="mt-6 grid gap-6 lg:grid-cols-2">
            <section class="rounded-lg border border-stone-200 bg-white p-5 shadow-sm" aria-labelledby="login-section">
                <h2 id="login-section" class="text-lg font-semibold">{t!(i18n, account.login_section)}</h2>
                <dl class="mt-3 grid grid-cols-[auto_1fr] gap-x-4 gap-y-2">
                    <dt class="text-stone-700">{t!(i18n, account.email)}</dt>
                    <dd class="break-all font-medium" data-testid="account-email">{email}</dd>
                    <dt class="text-stone-700">{t!(i18n, account.two_step)}</dt>
                    <dd>
                        {move || if two_step_enabled {
                            t_string!(i18n, account.two_step_on)
                        } else {
                            t_string!(i18n, account.two_step_off)
                        }}
                    </dd>
                    <dt class="text-stone-700">{t!(i18n, account.last_login)}</dt>
                    <dd data-testid="last-login">
                        {match last_login {
                            Some(at) => at.into_any(),
                            None => t!(i18n, account.never).into_any(),
                        }}
                    </dd>
                </dl>
                <PasswordForm/>
                <EmailChangeForm changed=email_changed/>
                // Type-erased: the page's view type is otherwise too deep for the server crate.
                {view! { <crate::two_step::TwoStepSection enabled=two_step_enabled notes=two_step/> }.into_any()}
            </section>
            {(!membership.is_empty()).then(|| view! { <MembershipSection membership=membership/> }.into_any())}
            {view! { <crate::provider::access_page::ProviderAccessTable rows=provider_access/> }.into_any()}
        </div>
    }
}

/// "Votre société": the invitations to join a company, and the company joined by accepting,
/// which the login may leave. Plain forms and a disclosure for the confirmation: no script
/// is needed, so nothing here waits for the page to wake up.
#[component]
fn MembershipSection(membership: Vec<Membership>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="self-start rounded-lg border border-stone-200 bg-white p-5 shadow-sm" aria-labelledby="membership-section" data-testid="membership">
            <h2 id="membership-section" class="text-lg font-semibold">{t!(i18n, account.membership_title)}</h2>
            {membership.into_iter().map(|Membership { right_id, version, company_name, member }| {
                let company = company_name.clone();
                if member {
                    view! {
                        <p class="mt-3 text-stone-800">{move || t_string!(i18n, account.membership_member, company = company.clone()).to_string()}</p>
                        <details class="mt-3">
                            <summary class=format!("{BUTTON_DANGER} inline-block cursor-pointer")>
                                {let company = company_name.clone(); move || t_string!(i18n, account.leave, company = company.clone()).to_string()}
                            </summary>
                            <form method="post" action=AnswerRight::url() class="mt-3 rounded border border-red-300 bg-red-50 p-3">
                                <p class="font-medium text-red-900">{t!(i18n, account.leave_confirm)}</p>
                                <input type="hidden" name="right_id" value=right_id.to_string()/>
                                <input type="hidden" name="version" value=version.to_string()/>
                                <input type="hidden" name="answer" value="resign"/>
                                <button type="submit" class=format!("{BUTTON_DANGER} mt-2")>{t!(i18n, account.leave_yes)}</button>
                            </form>
                        </details>
                    }
                    .into_any()
                } else {
                    view! {
                        <p class="mt-3 text-stone-800">{move || t_string!(i18n, account.membership_invited, company = company.clone()).to_string()}</p>
                        <p class="mt-2"><a href=format!("/invitations/{right_id}") class=LINK>{t!(i18n, account.membership_open)}</a></p>
                    }
                    .into_any()
                }
            }).collect_view()}
        </section>
    }
}

#[cfg_attr(not(island_account), component)]
#[cfg_attr(island_account, island)]
fn PasswordForm() -> impl IntoView {
    let i18n = use_i18n();
    let change = form_action::<ChangePassword>();
    let outcome = move || change.value().get();
    let field = FIELD;
    view! {
        <h3 class="mt-6 font-semibold">{t!(i18n, account.change_password)}</h3>
        <ActionForm action=change attr:class="mt-3 space-y-4">
            <div>
                <label for="current" class="block font-medium">{t!(i18n, account.current_password)}</label>
                <input id="current" name="current" type="password" autocomplete="current-password" required=true class=field/>
            </div>
            <div>
                <label for="new" class="block font-medium">{t!(i18n, account.new_password)}</label>
                <input id="new" name="new" type="password" autocomplete="new-password" required=true minlength="10" maxlength="128" aria-describedby="new-hint" class=field/>
                <p id="new-hint" class="mt-1 text-sm text-stone-600">{t!(i18n, account.password_hint)}</p>
            </div>
            <div>
                <label for="confirm" class="block font-medium">{t!(i18n, account.confirm_password)}</label>
                <input id="confirm" name="confirm" type="password" autocomplete="new-password" required=true class=field/>
            </div>
            <p role="status" aria-live="polite" class="empty:hidden">
                {move || match outcome() {
                    Some(Ok(())) => Some(view! { <span class="font-medium text-green-800">{t!(i18n, account.password_changed)}</span> }.into_any()),
                    Some(Err(error)) => Some(view! { <span class="font-medium text-red-700">{move || error.text(i18n.get_locale())}</span> }.into_any()),
                    None => None,
                }}
            </p>
            <button type="submit" class="rounded bg-yellow-400 px-4 py-2 font-semibold hover:bg-yellow-300">
                {t!(i18n, account.save)}
            </button>
        </ActionForm>
    }
}

/// "Modifier l'adresse e-mail du login": a link goes to the new address; the login's address
/// changes only when it is opened (`changed`: the page was opened by that link).
#[cfg_attr(not(island_account), component)]
#[cfg_attr(island_account, island)]
fn EmailChangeForm(changed: bool) -> impl IntoView {
    let i18n = use_i18n();
    let change = form_action::<crate::account::email_change::RequestEmailChange>();
    let field = FIELD;
    view! {
        <h3 class="mt-6 font-semibold">{t!(i18n, email_change.title)}</h3>
        <p role="status" class="mt-2 font-medium text-green-800 empty:hidden" data-testid="email-changed">
            {move || changed.then(|| t_string!(i18n, email_change.done))}
        </p>
        <ActionForm action=change attr:class="mt-3 space-y-4">
            <div>
                <label for="new_email" class="block font-medium">{t!(i18n, email_change.new_email)}</label>
                <input id="new_email" name="new_email" type="email" autocomplete="email" inputmode="email" required=true class=field/>
            </div>
            <div>
                <label for="email_password" class="block font-medium">{t!(i18n, email_change.password)}</label>
                <input id="email_password" name="password" type="password" autocomplete="current-password" required=true class=field/>
            </div>
            <p role="status" aria-live="polite" class="empty:hidden">
                {move || match change.value().get() {
                    Some(Ok(_)) => Some(view! { <span class="font-medium text-green-800">{t!(i18n, email_change.sent)}</span> }.into_any()),
                    Some(Err(error)) => Some(view! { <span class="font-medium text-red-700">{move || error.text(i18n.get_locale())}</span> }.into_any()),
                    None => None,
                }}
            </p>
            <button type="submit" class="rounded bg-yellow-400 px-4 py-2 font-semibold hover:bg-yellow-300">
                {t!(i18n, email_change.submit)}
            </button>
        </ActionForm>
    }
}
