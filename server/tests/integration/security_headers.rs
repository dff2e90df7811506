//! The security headers of every answer, and a Content-Security-Policy whose nonce admits
//! exactly the page's own inline scripts.

use crate::auth_support;
use auth_support::{Options, TestApp};
use server::auth::Security;

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

on_both_backends!(
    https_deployments_also_send_hsts,
    Options { security: Security { secure_cookies: true, ..Security::default() }, ..Options::default() },
    |app: TestApp| async move {
        let page = app.get("/login", None).await;
        assert_eq!(header(&page, "strict-transport-security"), "max-age=31536000; includeSubDomains");
    }
);
