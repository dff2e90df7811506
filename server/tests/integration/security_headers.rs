//! The security headers of every answer, and a Content-Security-Policy whose nonce admits
//! exactly the page's own inline scripts.

use crate::auth_support;
use auth_support::{Options, TestApp};

fn header<'a>(answer: &'a auth_support::Answer, name: &str) -> &'a str {
    answer.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_else(|| panic!("no {name} header: {answer:?}"))
}

on_both_backends!(pages_admit_only_their_own_scripts_and_are_never_framed, Options::default(), |app: TestApp| async move {
    let page = app.get("/login", None).await;
    assert_eq!(page.status, 200);
    let csp = header(&page, "content-security-policy").to_string();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("object-src 'none'") && csp.contains("'wasm-unsafe-eval'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    let nonce = csp.split("'nonce-").nth(1).and_then(|rest| rest.split('\'').next()).expect("a nonce in the policy");
    assert!(nonce.len() >= 16, "{nonce}");
    assert!(page.body.contains(&format!("nonce=\"{nonce}\"")), "the hydration script carries the policy's nonce");
    let other = app.get("/login", None).await;
    assert!(!header(&other, "content-security-policy").contains(nonce), "a new nonce per page");

    for answer in [&page, &app.get("/healthz", None).await, &app.post("/api/current_user", &[], None).await] {
        assert_eq!(header(answer, "x-content-type-options"), "nosniff");
        assert_eq!(header(answer, "x-frame-options"), "DENY");
        assert_eq!(header(answer, "referrer-policy"), "strict-origin-when-cross-origin");
        assert!(header(answer, "content-security-policy").contains("frame-ancestors 'none'"));
        assert!(answer.headers.get("strict-transport-security").is_none(), "no HSTS over plain HTTP");
    }
});

on_both_backends!(pages_and_server_function_answers_are_never_stored, Options::default(), |app: TestApp| async move {
    let cookie = app.signed_in_cookie(auth_support::ADMIN).await;
    let page = app.get("/account", Some(&cookie)).await;
    assert_eq!(page.status, 200, "{page:?}");
    assert!(page.body.contains("Anna"), "the signed-in page itself");
    let answer = app.post("/api/load_account", &[], Some(&cookie)).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    let signed_out = app.get("/login", None).await;
    for (what, answer) in [("a signed-in page", &page), ("a server function", &answer), ("the sign-in page", &signed_out)] {
        assert_eq!(header(answer, "cache-control"), "no-store", "{what}");
    }
    let icon = app.get("/favicon.svg", None).await;
    assert_ne!(icon.headers.get("cache-control").and_then(|v| v.to_str().ok()), Some("no-store"), "static files may be kept");
});

on_both_backends!(
    https_deployments_also_send_hsts,
    Options { public_url: Some("https://portal.example.ch"), ..Options::default() },
    |app: TestApp| async move {
        let page = app.get("/login", None).await;
        assert_eq!(header(&page, "strict-transport-security"), "max-age=31536000; includeSubDomains");
    }
);

on_both_backends!(static_files_never_take_a_page_s_headers, Options::default(), |app: TestApp| async move {
    // Signed-in pages stream while the favicon is asked for, as a browser does; each answer
    // keeps its own headers: the page its nonce (which its scripts carry), the file none.
    let cookie = app.signed_in_cookie(auth_support::ADMIN).await;
    let mut requests = tokio::task::JoinSet::new();
    for i in 0..120 {
        let (client, base, cookie) = (app.client.clone(), app.base.clone(), cookie.clone());
        requests.spawn(async move {
            let path = if i % 2 == 0 { "/admin/rights" } else { "/favicon.svg" };
            let mut request = client.get(format!("{base}{path}"));
            if path != "/favicon.svg" {
                request = request.header("cookie", format!("portal_session={cookie}"));
            }
            let answer = auth_support::read(request.send().await.unwrap()).await;
            (path, answer)
        });
    }
    while let Some(done) = requests.join_next().await {
        let (path, answer) = done.unwrap();
        assert_eq!(answer.status, 200, "{path}: {answer:?}");
        let csp = header(&answer, "content-security-policy");
        if path == "/favicon.svg" {
            assert_eq!(answer.body, auth_support::FAVICON);
            assert!(!csp.contains("nonce"), "a file took a page's policy: {csp}");
            assert!(answer.headers.get("set-cookie").is_none(), "a file took a page's cookie: {answer:?}");
        } else {
            let nonce = csp.split("'nonce-").nth(1).and_then(|rest| rest.split('\'').next()).unwrap_or_else(|| panic!("a page lost its nonce: {csp}"));
            assert!(answer.body.contains(&format!("nonce=\"{nonce}\"")), "the page's scripts carry another nonce than its policy");
        }
    }
});
