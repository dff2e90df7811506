//! Bad input to every server function, over real HTTP, on SQLite and on Postgres: malformed,
//! oversized, wrong-type and hostile values (long strings, Unicode edge cases, SQL and HTML
//! fragments, and arbitrary strings drawn by proptest from a fixed seed) are answered with
//! a 4xx and a message, never a 5xx; a refused call stores nothing; what a page shows of
//! stored text is escaped.

use crate::auth_support;

use std::collections::BTreeSet;

use auth_support::{Answer, Options, TestApp, ADMIN, PROVIDER};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, TestRunner};

/// The fields of every server function, as its form sends them. A function missing here
/// fails the test, so that new functions get fuzzed too.
///
/// Signing out and in come last: fuzzing them ends the sessions the other functions are
/// called with, and hundreds of failed sign-ins throttle this client's next ones.
const FIELDS: &[(&str, &[&str])] = &[
    ("/api/current_user", &[]),
    ("/api/signed_in_destination", &["retour"]),
    ("/api/verify_sign_in_code", &["code"]),
    ("/api/load_account", &[]),
    ("/api/change_password", &["current", "new", "confirm"]),
    ("/api/register", &["email", "first_name", "last_name", "password", "confirm", "language"]),
    ("/api/confirm_registration", &["token", "password"]),
    ("/api/request_password_reset", &["email"]),
    ("/api/check_password_link", &["token"]),
    ("/api/reset_password", &["token", "password", "confirm"]),
    ("/api/request_email_change", &["new_email", "password"]),
    ("/api/confirm_email_change", &["token"]),
    ("/api/remember_language", &["language"]),
    ("/api/start_two_step", &["password"]),
    ("/api/confirm_two_step", &["code"]),
    ("/api/disable_two_step", &["password"]),
    ("/api/list_company_choices", &[]),
    ("/api/select_company", &["company_id"]),
    ("/api/load_portal_context", &[]),
    ("/api/load_own_context", &[]),
    ("/api/list_rights", &["search", "sort", "descending", "page"]),
    ("/api/list_copy_sources", &[]),
    ("/api/list_audit", &["page"]),
    ("/api/set_invitation_lifetime", &["days"]),
    ("/api/enter_user", &["right_type", "email", "first_name", "last_name", "name", "remark", "administrator", "assignment", "copy_from", "template"]),
    ("/api/load_right", &["right_id"]),
    ("/api/save_grants", &["right_id", "grants[1][on]", "grants[1][scope]", "grants[1][debtors][1]"]),
    ("/api/update_right", &["right_id", "version", "remark", "end_date", "administrator"]),
    ("/api/end_right", &["right_id", "version", "how"]),
    ("/api/resend_invitation", &["right_id"]),
    ("/api/extend_right", &["right_id", "version", "months", "until"]),
    ("/api/decide_request", &["right_id", "version", "approve"]),
    ("/api/suspend_right", &["right_id", "version"]),
    ("/api/resume_right", &["right_id", "version"]),
    ("/api/load_offboarding", &["provider_company_id"]),
    ("/api/offboard_provider_company", &["provider_company_id", "previewed"]),
    ("/api/load_templates", &[]),
    ("/api/save_template", &["template_id", "name", "grants[1][on]", "grants[1][scope]"]),
    ("/api/delete_template", &["template_id"]),
    ("/api/request_access", &["customer_number", "message"]),
    ("/api/answer_right", &["right_id", "version", "answer"]),
    ("/api/load_invitation", &["right_id"]),
    ("/api/list_messages", &[]),
    ("/api/open_message", &["message_id"]),
    ("/api/load_orders", &[]),
    ("/api/place_order", &["debtor_id", "reference", "quantities[1]"]),
    ("/api/load_invoices", &[]),
    ("/api/sign_out", &[]),
    ("/api/sign_in", &["email", "password"]),
];

/// Values no form should send, chosen by hand: each one has broken some server somewhere.
fn hostile() -> Vec<String> {
    vec![
        String::new(),
        " \t\r\n".into(),
        "x".repeat(20_000),
        "é".repeat(5_000),
        "'; DROP TABLE users; --".into(),
        "1 OR 1=1".into(),
        "' UNION SELECT password_hash FROM users --".into(),
        "<script>alert('xss')</script>".into(),
        "\"><img src=x onerror=alert(1)>".into(),
        "\u{0}".into(),
        "a\u{0}b".into(),
        "\u{202e}evil\u{202c}".into(),
        "👩‍👩‍👧‍👦🏳️‍🌈".into(),
        "\u{fffd}\u{feff}\u{200b}".into(),
        "-1".into(),
        "0".into(),
        "99999999999999999999999".into(),
        "-9223372036854775808".into(),
        "1e308".into(),
        "NaN".into(),
        "true".into(),
        "[1,2]".into(),
        "{\"a\":1}".into(),
        "%00%27".into(),
        "../../etc/passwd".into(),
        "2026-02-30".into(),
        "a@b".into(),
        "admin@musterhans.example\r\nBcc: x@y.example".into(),
    ]
}

/// Arbitrary strings from a fixed seed: reproducible, and different from the hand-picked ones.
fn drawn(count: usize) -> Vec<String> {
    let mut runner =
        TestRunner::new_with_rng(Config::default(), proptest::test_runner::TestRng::deterministic_rng(proptest::test_runner::RngAlgorithm::ChaCha));
    let strategy = proptest::string::string_regex("\\PC{0,40}|[0-9-]{1,25}|.{100,400}").unwrap();
    (0..count).map(|_| strategy.new_tree(&mut runner).unwrap().current()).collect()
}

/// Rows that a refusal may add: a failed sign-in is counted (that is the throttle), and
/// every request may carry a session.
const MAY_CHANGE_ON_REFUSAL: &[&str] = &["sessions", "login_throttle"];

async fn counts(app: &TestApp) -> Vec<(&'static str, i64)> {
    app.store.table_counts().await.unwrap().into_iter().filter(|(t, _)| !MAY_CHANGE_ON_REFUSAL.contains(t)).collect()
}

async fn send(app: &TestApp, path: &str, cookie: Option<&str>, content_type: &str, body: Vec<u8>) -> Answer {
    let size = body.len();
    let mut request = app.client.post(format!("{}{path}", app.base)).header("origin", &app.base).header("content-type", content_type).body(body);
    if let Some(c) = cookie {
        request = request.header("cookie", format!("portal_session={c}"));
    }
    if size > server::http::MAX_REQUEST_BODY {
        // The server answers 413 and closes the connection without reading the body; a
        // pooled connection would otherwise be reused for the next call and fail it.
        request = request.header("connection", "close");
    }
    let response = match request.send().await {
        Ok(r) => r,
        // The server answers 413 and closes before an oversized body is all written.
        Err(_) if size > server::http::MAX_REQUEST_BODY => {
            return Answer { status: 413, headers: Default::default(), body: "closed".into() };
        }
        Err(e) => panic!("the server answers: {e:?}"),
    };
    auth_support::read(response).await
}

fn form(fields: &[(&str, &str)]) -> Vec<u8> {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in fields {
        s.append_pair(k, v);
    }
    s.finish().into_bytes()
}

/// A body for `path` with `field` set to `value` and every other field to a plain value.
fn body_with(fields: &[&str], field: &str, value: &str) -> (&'static str, Vec<u8>) {
    let pairs: Vec<(&str, &str)> = fields.iter().map(|f| (*f, if *f == field { value } else { "1" })).collect();
    ("application/x-www-form-urlencoded", form(&pairs))
}

/// Whole bodies that are wrong before any field is read.
fn malformed_bodies() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("application/x-www-form-urlencoded", vec![0xff, 0xfe, 0x00, 0x80]),
        ("application/x-www-form-urlencoded", b"%%%&&&===".to_vec()),
        ("application/json", b"{\"unclosed\": ".to_vec()),
        ("application/json", b"[]".to_vec()),
        ("application/json", b"right_id=1".to_vec()),
        ("text/plain", b"hello".to_vec()),
        ("application/x-www-form-urlencoded", vec![b'a'; 3 * 1024 * 1024]),
    ]
}

fn is_refusal(answer: &Answer) -> bool {
    (400..500).contains(&answer.status)
}

/// Every function, every field, every value, as anonymous and as signed-in users of both
/// sides: never a 5xx; a refusal stores nothing.
async fn fuzz_every_function(app: &TestApp) -> (usize, usize, usize) {
    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths().map(|(p, _)| p.to_string()).collect();
    let listed: BTreeSet<String> = FIELDS.iter().map(|(p, _)| p.to_string()).collect();
    let unlisted: Vec<&String> = registered.difference(&listed).collect();
    assert!(unlisted.is_empty(), "server functions without fuzzing fields: {unlisted:?}");

    let mut values = hostile();
    values.extend(drawn(12));
    let (mut calls, mut refusals, mut failures) = (0, 0, Vec::new());
    let admin = app.signed_in_cookie(ADMIN).await;
    let provider = app.signed_in_cookie(PROVIDER).await;
    for (path, fields) in FIELDS {
        for cookie in [None, Some(admin.as_str()), Some(provider.as_str())] {
            let mut bodies: Vec<(&'static str, Vec<u8>)> = malformed_bodies();
            for field in fields.iter() {
                for value in &values {
                    bodies.push(body_with(fields, field, value));
                }
            }
            let mut before = counts(app).await;
            for (content_type, body) in bodies {
                let shown: String = String::from_utf8_lossy(&body).chars().take(80).collect();
                let answer = send(app, path, cookie, content_type, body).await;
                calls += 1;
                if answer.status >= 500 {
                    failures.push(format!("{path} {shown:?}: {} {}", answer.status, answer.body.chars().take(200).collect::<String>()));
                    continue;
                }
                let after = counts(app).await;
                if is_refusal(&answer) {
                    refusals += 1;
                    if answer.body.trim().is_empty() && answer.status != 413 {
                        failures.push(format!("{path} {shown:?}: {} without a message", answer.status));
                    }
                    if after != before {
                        let changed: Vec<_> = before.iter().zip(&after).filter(|(b, a)| b != a).collect();
                        failures.push(format!("{path} {shown:?}: refused ({}) but stored {changed:?}", answer.status));
                    }
                }
                before = after;
            }
        }
    }
    assert!(failures.is_empty(), "{} of {calls} calls broke the promise:\n{}", failures.len(), failures.join("\n"));
    (calls, refusals, FIELDS.len())
}

on_both_backends!(bad_input_to_every_server_function_gets_a_4xx_and_stores_nothing, Options::default(), |app: TestApp| async move {
    let (calls, refusals, functions) = fuzz_every_function(&app).await;
    println!("bad input on {}: {calls} calls to {functions} functions, {refusals} refused with a 4xx, none answered 5xx", app.store.backend_name());
});

on_both_backends!(a_body_over_the_limit_is_refused_before_it_is_read, Options::default(), |app: TestApp| async move {
    let admin = app.signed_in_cookie(ADMIN).await;
    let answer = send(&app, "/api/list_rights", Some(&admin), "application/x-www-form-urlencoded", vec![b'a'; 3 * 1024 * 1024]).await;
    assert_eq!(answer.status, 413, "{}", answer.status);
});

/// The page without the contents of its double-quoted attribute values.
fn outside_attribute_values(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("=\"") {
        out.push_str(&rest[..start + 2]);
        rest = &rest[start + 2..];
        match rest.find('"') {
            Some(end) => rest = &rest[end..],
            None => break,
        }
    }
    out.push_str(rest);
    out
}

on_both_backends!(hostile_text_that_is_stored_is_shown_escaped_on_every_page, Options::default(), |app: TestApp| async move {
    const SCRIPT: &str = "<script>alert('xss')</script>";
    const IMAGE: &str = "\"><img src=x onerror=alert(1)>";
    // Ends a <textarea> early if its text is written unescaped.
    const BREAKOUT: &str = "</textarea><u>breakout</u>";
    let admin = app.signed_in_cookie(ADMIN).await;
    // A remark on Sophie Keller's right (the administrator's page and the change log show it).
    let sophie = app.demo.employees[1].id;
    let right = app.store.right_for(app.demo.principal.id, sophie).await.unwrap().unwrap();
    let remark = format!("{SCRIPT}{IMAGE}{BREAKOUT}");
    let saved = app
        .post(
            "/api/update_right",
            &[("right_id", &right.id.to_string()), ("version", &right.version.to_string()), ("remark", &remark), ("end_date", "")],
            Some(&admin),
        )
        .await;
    assert_eq!(saved.status, 200, "{saved:?}");
    // A provider's request message (the administrator's message page shows it).
    let provider = app.signed_in_cookie(PROVIDER).await;
    let asked = app.post("/api/request_access", &[("customer_number", "10000001"), ("message", &remark)], Some(&provider)).await;
    assert_eq!(asked.status, 200, "{asked:?}");
    let message = app.store.messages_for(app.demo.admin.id).await.unwrap().first().expect("the request's message").id;
    // A search the rights list echoes back.
    let search = url::form_urlencoded::byte_serialize(remark.as_bytes()).collect::<String>();

    for page in [format!("/admin/rights/{}", right.id), "/admin/audit".to_string(), format!("/messages/{message}"), format!("/admin/rights?q={search}")] {
        let answer = app.get(&page, Some(&admin)).await;
        assert_eq!(answer.status, 200, "{page}: {}", answer.status);
        // Inside a quoted attribute value `<` is inert (and `"` is escaped): only markup
        // outside attribute values could run.
        let markup = outside_attribute_values(&answer.body);
        let rendered = [SCRIPT, "<img src=x", "<u>breakout</u>"].into_iter().find(|m| markup.contains(m));
        assert!(rendered.is_none(), "{page} renders {rendered:?} as markup");
    }
    let shown = app.get(&format!("/admin/rights/{}", right.id), Some(&admin)).await;
    assert!(shown.body.contains("&lt;script&gt;"), "the remark is shown, as text");
});
