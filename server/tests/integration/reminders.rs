//! The reminders over real HTTP, on SQLite and on Postgres: before an invitation lapses the
//! provider is reminded, before a provider's access ends the provider and the company's
//! administrators are, each reminder once — also with two instances on one database — and an
//! administrator extends the access in one step from the reminder. Time moves with the
//! store's test clock.

use crate::auth_support;
use auth_support::people::{invitation, invite_paul, step};
use auth_support::{json_of, Options, TestApp, ADMIN, PROVIDER};
use chrono::{Duration, NaiveDate};
use portal_core::domain::{AuditAction, MessageKind, Party, Transition};
use portal_core::store::{Actor, Store, UserRight};

/// How many messages of `kind` the login holds.
async fn told(app: &TestApp, user_id: i64, kind: MessageKind) -> usize {
    app.store.messages_for(user_id).await.unwrap().iter().filter(|m| m.kind == kind).count()
}

/// How many e-mails to `to` have `subject`.
async fn mailed(app: &TestApp, to: &str, subject: &str) -> usize {
    app.store.outbox(false).await.unwrap().iter().filter(|m| m.to_address == to && m.subject == subject).count()
}

/// Paul's active provider right on Musterhans SA, ending `days` days from the store's today.
async fn paul_active_until(app: &TestApp, days: i64) -> UserRight {
    let end = app.store.today() + Duration::days(days);
    let invited = invitation(app, app.demo.principal.id, app.demo.admin.id, app.demo.provider.id, Some(end)).await;
    step(app, invited, Transition::Accept, Party::Provider, Actor::user(app.demo.provider.id, app.demo.principal.id)).await
}

const ENDING: &str = "Accès de prestataire bientôt échu";
const YOURS_ENDING: &str = "Votre accès prend bientôt fin";

on_both_backends!(an_access_ending_soon_is_reminded_thirty_and_seven_days_before_once_each, Options::default(), |app: TestApp| async move {
    let (anna, paul) = (app.demo.admin.id, app.demo.provider.id);
    let right = paul_active_until(&app, 40).await;
    app.housekeeping.run_once().await;
    assert_eq!(told(&app, paul, MessageKind::ProviderAccessEnding).await, 0, "40 days before, nobody is reminded");

    app.store.advance_clock_for_tests(Duration::days(11));
    app.housekeeping.run_once().await;
    app.housekeeping.run_once().await;
    assert_eq!(told(&app, paul, MessageKind::ProviderAccessEnding).await, 1, "the provider, once");
    assert_eq!(told(&app, anna, MessageKind::ProviderRightEnding).await, 1, "the administrator, once");
    assert_eq!(mailed(&app, PROVIDER, YOURS_ENDING).await, 1);
    let mail = app.newest_mail(ADMIN, |m| m.subject == ENDING).await;
    assert!(mail.body.contains(&format!("{}/admin/rights/{}#extend", app.base, right.id)), "the e-mail opens the extension: {}", mail.body);
    let end = right.end_date.unwrap().format("%d.%m.%Y").to_string();
    assert!(mail.body.contains(&end), "the e-mail says when it ends: {}", mail.body);

    app.store.advance_clock_for_tests(Duration::days(23));
    app.housekeeping.run_once().await;
    assert_eq!(told(&app, paul, MessageKind::ProviderAccessEnding).await, 2, "6 days before: the 7-day reminder");
    assert_eq!(told(&app, anna, MessageKind::ProviderRightEnding).await, 2);
    assert_eq!(app.store.reminders_sent(right.id).await.unwrap().into_iter().map(|(r, _)| r.as_str()).collect::<Vec<_>>(), ["end_30", "end_7"]);
});

on_both_backends!(an_administrator_extends_an_access_by_three_months_from_the_reminder, Options::default(), |app: TestApp| async move {
    let right = paul_active_until(&app, 6).await;
    app.housekeeping.run_once().await;
    let reminder = app.store.messages_for(app.demo.admin.id).await.unwrap().into_iter().find(|m| m.kind == MessageKind::ProviderRightEnding).expect("reminded");
    assert_eq!(reminder.params["right_id"], right.id, "the message opens the right, where it is extended");

    let anna = app.signed_in_cookie(ADMIN).await;
    let form = |version: i64, months: &str, until: &str| {
        vec![("right_id", right.id.to_string()), ("version", version.to_string()), ("months", months.to_string()), ("until", until.to_string())]
    };
    let post = |form: Vec<(&'static str, String)>| {
        let (app, anna) = (&app, anna.clone());
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post("/api/extend_right", &form, Some(&anna)).await
        }
    };
    let extended = post(form(right.version, "3", "")).await;
    assert_eq!(extended.status, 200, "{extended:?}");
    let after = app.store.right(right.id).await.unwrap();
    let three_months = right.end_date.unwrap().checked_add_months(chrono::Months::new(3)).unwrap();
    assert_eq!(after.end_date, Some(three_months));
    let log = app.store.audit_for_company(app.demo.principal.id, 50, 0).await.unwrap();
    assert_eq!(log.items.iter().filter(|e| e.action == AuditAction::RightExtend).count(), 1, "audited once");
    assert_eq!(told(&app, app.demo.provider.id, MessageKind::ProviderRightExtended).await, 1, "the provider is told");
    let told_mail = app.newest_mail(PROVIDER, |m| m.subject == "Accès prolongé").await;
    assert!(told_mail.body.contains(&three_months.format("%d.%m.%Y").to_string()), "{}", told_mail.body);

    // The extended right is no longer due a reminder: its end is three months away.
    app.housekeeping.run_once().await;
    assert_eq!(told(&app, app.demo.admin.id, MessageKind::ProviderRightEnding).await, 1);

    // An old version, a choice the page does not offer, an earlier date: refused, nothing changes.
    let stale = post(form(right.version, "6", "")).await;
    assert_eq!(stale.status, 409, "{stale:?}");
    let odd = post(form(after.version, "5", "")).await;
    assert_eq!(odd.status, 400, "{odd:?}");
    assert!(odd.body.contains("Veuillez choisir une prolongation de 3, 6 ou 12 mois"), "{odd:?}");
    let earlier = post(form(after.version, "", &right.end_date.unwrap().to_string())).await;
    assert_eq!(earlier.status, 400, "{earlier:?}");
    assert!(earlier.body.contains("La nouvelle date de fin doit suivre"), "{earlier:?}");
    assert_eq!(app.store.right(right.id).await.unwrap(), after, "nothing changed");

    let until = NaiveDate::from_ymd_opt(2030, 6, 30).unwrap();
    let to_date = post(form(after.version, "", "2030-06-30")).await;
    assert_eq!(to_date.status, 200, "{to_date:?}");
    assert_eq!(app.store.right(right.id).await.unwrap().end_date, Some(until));
});

on_both_backends!(a_right_without_end_date_has_nothing_to_extend, Options::default(), |app: TestApp| async move {
    let anna = app.signed_in_cookie(ADMIN).await;
    let right = invite_paul(&app).await;
    let refused = app.post("/api/extend_right", &[("right_id", &right.0.to_string()), ("version", &right.1.to_string()), ("months", "12")], Some(&anna)).await;
    assert_eq!(refused.status, 400, "{refused:?}");
    assert!(refused.body.contains("n'a pas de date de fin"), "{refused:?}");
    assert_eq!(app.store.right(right.0).await.unwrap().version, right.1);
});

on_both_backends!(a_provider_is_reminded_three_days_before_an_invitation_lapses_and_again_once_it_is_renewed, Options::default(), |app: TestApp| async move {
    let paul = app.demo.provider.id;
    let right = invite_paul(&app).await;
    app.store.advance_clock_for_tests(Duration::days(10));
    app.housekeeping.run_once().await;
    assert_eq!(told(&app, paul, MessageKind::ProviderInvitationReminder).await, 0, "4 days before it lapses");
    // A minute into its last 3 days (14 days on the Swiss calendar: an hour more or less
    // than 14 × 24 hours when the clocks change in between).
    let due = app.store.right(right.0).await.unwrap().answer_by.unwrap();
    app.store.advance_clock_for_tests(due - Duration::days(3) + Duration::minutes(1) - app.store.now());
    app.housekeeping.run_once().await;
    app.housekeeping.run_once().await;
    assert_eq!(told(&app, paul, MessageKind::ProviderInvitationReminder).await, 1);
    let mail = app.newest_mail(PROVIDER, |m| m.subject == "Rappel : invitation en attente de réponse").await;
    assert!(mail.body.contains(&format!("{}/invitations/{}", app.base, right.0)), "{}", mail.body);
    let opened = json_of(
        &app.post(
            "/api/open_message",
            &[("message_id", &app.store.messages_for(paul).await.unwrap()[0].id.to_string())],
            Some(&app.signed_in_cookie(PROVIDER).await),
        )
        .await,
    );
    assert!(opened["until"].as_str().unwrap().len() == "17.12.2026 10:00".len(), "{opened}");

    // Sent again, it is due later: a reminder about the new date comes in its last 3 days.
    let anna = app.signed_in_cookie(ADMIN).await;
    assert_eq!(app.post("/api/resend_invitation", &[("right_id", &right.0.to_string())], Some(&anna)).await.status, 200);
    app.store.advance_clock_for_tests(Duration::days(12));
    app.housekeeping.run_once().await;
    assert_eq!(told(&app, paul, MessageKind::ProviderInvitationReminder).await, 2);
});

on_both_backends!(two_instances_on_one_database_send_each_reminder_once, Options::default(), |app: TestApp| async move {
    let right = paul_active_until(&app, 20).await;
    let invited = invite_paul_elsewhere(&app).await;
    // A second instance: its own pool and clock on the same database, its own mailer.
    let other = Store::connect(&app.database_url).await.expect("a second instance opens the database");
    let housekeeping = app::housekeeping::Housekeeping {
        store: other.clone(),
        mailer: server::mail::mailer(other.clone(), None, None).unwrap(),
        public_base: app.base.clone(),
    };
    for store in [&app.store, &other] {
        store.advance_clock_for_tests(Duration::days(12));
    }
    for _ in 0..3 {
        tokio::join!(app.housekeeping.run_once(), housekeeping.run_once());
    }
    let paul = app.demo.provider.id;
    assert_eq!(told(&app, paul, MessageKind::ProviderAccessEnding).await, 1, "the 30-day reminder, once");
    assert_eq!(told(&app, app.demo.admin.id, MessageKind::ProviderRightEnding).await, 1);
    assert_eq!(told(&app, invited.user_id, MessageKind::ProviderInvitationReminder).await, 1, "the invitation's reminder, once");
    assert_eq!(mailed(&app, PROVIDER, YOURS_ENDING).await, 1, "one e-mail");
    assert_eq!(mailed(&app, ADMIN, ENDING).await, 1);
    assert_eq!(app.store.reminders_sent(right.id).await.unwrap().len(), 1);
    other.close().await;
});

/// A pending invitation of Musterhans SA to another provider, made now.
async fn invite_paul_elsewhere(app: &TestApp) -> UserRight {
    let home = auth_support::people::new_company(app, "10000777", "Agence Rappel SA").await;
    let user_id = auth_support::people::new_login(app, "rita@rappel.example", &home).await;
    invitation(app, app.demo.principal.id, app.demo.admin.id, user_id, None).await
}
