//! The HTTP side: routes, static assets, middleware, graceful shutdown.

use std::net::SocketAddr;
use std::sync::Arc;

use crate::auth::{self, CsrfPolicy, Security};
use crate::config::ServeArgs;
use crate::mail::Mailer;

use app::{shell, App};
use axum::{
    extract::State,
    http::{header, HeaderValue, StatusCode},
    response::IntoResponse,
    routing::get,
    Json, Router,
};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use portal_core::store::Store;
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::{compression::CompressionLayer, limit::RequestBodyLimitLayer, services::ServeDir, set_header::SetResponseHeaderLayer, trace::TraceLayer};

pub use crate::state::AppState;

/// The health check's path.
pub const HEALTHZ: &str = "/healthz";
/// The routes axum answers itself, beside Leptos' pages and server functions (the access
/// matrix checks that each has a row).
pub const AXUM_ROUTES: [&str; 2] = [HEALTHZ, crate::api::PATH];

/// The largest request body accepted: the biggest legitimate one, authorizations for
/// thousands of debtors, is a few tens of kilobytes.
pub const MAX_REQUEST_BODY: usize = 512 * 1024;

/// The whole application as one axum router, with the default session and CSRF settings
/// and e-mails written to the outbox.
pub fn router(state: AppState) -> Router {
    let mailer = crate::mail::mailer(state.store.clone(), None, None).expect("the default sender is valid");
    router_with(state, Security::default(), mailer)
}

/// The whole application as one axum router: sessions in the database, CSRF protection.
pub fn router_with(state: AppState, security: Security, mailer: Mailer) -> Router {
    router_around(Router::new(), state, security, mailer)
}

/// The portal's routes added to `own` (the test clock, in the end-to-end tests' server), all
/// behind the same middleware.
fn router_around(own: Router<AppState>, state: AppState, security: Security, mailer: Mailer) -> Router {
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    let pkg_dir = format!("{}/{}", options.site_root, options.site_pkg_dir);
    let pkg_path = format!("/{}", options.site_pkg_dir);
    // Hashed file names change with their content, so browsers may keep them for a year.
    // Without hashing (development builds) they must be revalidated.
    let pkg_cache = if options.hash_files { "public, max-age=31536000, immutable" } else { "no-cache" };
    let pkg = ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static(pkg_cache)))
        .service(ServeDir::new(pkg_dir).precompressed_br().precompressed_gzip());

    // The site's own files (favicon) are served here, and only what is not one of them goes to
    // Leptos' handler, which renders the 404 page. Leptos' handler must not serve files itself:
    // it does so in `Owner::new()`, which adopts whatever reactive owner the worker thread was
    // last left with, so that a file answered while a signed-in page was streaming took that
    // page's ResponseOptions: the page went out without its Content-Security-Policy nonce (and
    // could not hydrate) and the file carried the page's nonce and cookies (seen under load in
    // the e2e run; `static_files_never_take_a_page_s_headers` reproduces it).
    let not_found = axum::handler::Handler::with_state(leptos_axum::file_and_error_handler::<AppState, _>(shell), state.clone());
    // Files never read or write the session: with its sliding expiry, every answer inside the
    // session layer saves the whole session as it was when the request came in, so the
    // WebAssembly fetched while a form was being posted undid what that post had just stored
    // (the sentence that says what it did). Only the 404 page, a page like any other, has one.
    let not_found = ServiceBuilder::new()
        .layer(auth::session_layer(state.store.clone(), &security))
        .layer(axum::middleware::from_fn_with_state(security.auth.clone(), auth::enforce_absolute_timeout))
        .service(not_found);
    let site_files = ServeDir::new(options.site_root.as_ref())
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(false)
        .call_fallback_on_method_not_allowed(true)
        .fallback(not_found);

    let store = state.store.clone();
    let auth_settings = security.auth.clone();
    let csrf = Arc::new(CsrfPolicy::new(&security.public_url));
    let public_base = app::shared::mail::PublicBase(security.public_url.origin().ascii_serialization());
    let portal = own
        .route(
            crate::api::PATH,
            get(crate::api::access_decision)
                .layer(axum::middleware::from_fn_with_state(crate::api::RateLimit::per_second(security.api_requests_per_second), crate::api::rate_limit)),
        )
        .leptos_routes_with_context(
            &state,
            routes,
            move || {
                // A fresh nonce per page: the page's own inline scripts carry it, the
                // Content-Security-Policy admits only them.
                leptos::nonce::provide_nonce();
                if let (Some(nonce), Some(response)) = (leptos::nonce::use_nonce(), use_context::<leptos_axum::ResponseOptions>()) {
                    if let Ok(value) = HeaderValue::from_str(&content_security_policy(Some(&nonce))) {
                        response.insert_header(header::CONTENT_SECURITY_POLICY, value);
                    }
                }
                provide_context(store.clone());
                provide_context(auth_settings.clone());
                provide_context(mailer.clone());
                provide_context(public_base.clone());
                provide_context(app::access::ActingThisRequest::default());
            },
            move || shell(options.clone()),
        )
        // Innermost first: absolute time-out (needs the session), sessions; the routes added
        // after them (the health check, the files) are outside both. CSRF is outside all.
        .layer(axum::middleware::from_fn_with_state(security.auth.clone(), auth::enforce_absolute_timeout))
        .layer(auth::session_layer(state.store.clone(), &security))
        .route(HEALTHZ, get(healthz))
        .nest_service(&pkg_path, pkg)
        .fallback_service(site_files)
        .layer(axum::middleware::from_fn_with_state(csrf, auth::csrf_guard))
        .layer(axum::middleware::from_fn_with_state(security.https(), security_headers))
        .layer(axum::middleware::from_fn(redirected_pages_say_why))
        .layer(axum::middleware::from_fn_with_state(security.public_url.clone(), form_posts_come_back_to_the_portal))
        // Server functions read their whole body into memory: refuse big ones up front (413).
        .layer(RequestBodyLimitLayer::new(MAX_REQUEST_BODY))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        // Read by `axum_client_ip::ClientIp`: sign-in throttling and the API's rate limit.
        .layer(security.client_ip_source.clone().into_extension())
        .with_state(state);
    crate::stalled_pages::render_stalled_pages_again(portal, crate::stalled_pages::DEADLINE)
        .layer(axum::middleware::from_fn(crate::request_owner::without_another_request_s_owner))
}

/// The Content-Security-Policy: scripts from the portal itself (and, on pages, the inline
/// hydration script with this request's nonce), WebAssembly compilation, nothing from other
/// origins, never framed.
pub fn content_security_policy(nonce: Option<&str>) -> String {
    let scripts = match nonce {
        Some(nonce) => format!("script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'"),
        None => "script-src 'self' 'wasm-unsafe-eval'".to_string(),
    };
    format!(
        "default-src 'self'; {scripts}; style-src 'self'; img-src 'self' data:; connect-src 'self'; \
         form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'"
    )
}

/// A page that sends its reader elsewhere (to sign in, to the company choice) is a 302 for a
/// browser. A client that does not ask for HTML gets the refusal's own status (401, 409)
/// with the `Location`; it also gets the sentence that says why and where to go, instead of
/// the empty document a redirect leaves behind.
async fn redirected_pages_say_why(request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    let is_page = request.method() == http::Method::GET && !request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    if !is_page || response.status().is_redirection() {
        return response;
    }
    let Some(location) = response.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()).map(str::to_string) else {
        return response;
    };
    use app::shared::refusal::Refusal;
    let why = if location.starts_with(app::shared::paths::PATH_SELECT_COMPANY) { Refusal::NoActingCompany } else { Refusal::NotSignedIn }
        .sentence(app::i18n::Locale::default());
    let (mut parts, _) = response.into_parts();
    parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    parts.headers.remove(header::CONTENT_LENGTH);
    axum::response::Response::from_parts(parts, axum::body::Body::from(format!("{why}\n{location}\n")))
}

/// A form posted before its page woke up (or without JavaScript) is answered with a redirect,
/// which Leptos points back at the `Referer` the browser sent, with the refusal, if any, in its
/// address. A refusal also sets its own status (400, 409…), with which the browser would show
/// the bare answer instead of following the redirect: such an answer becomes a 303 to that
/// address. And whatever a header said, a redirect goes to a page of the portal's own public
/// address, written as a path: the `Referer`'s path when it is on that address, else the
/// portal's start.
async fn form_posts_come_back_to_the_portal(
    State(public_url): State<url::Url>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let browser_post =
        request.method() == http::Method::POST && request.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"));
    let mut response = next.run(request).await;
    let Some(location) = response.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()) else {
        return response;
    };
    let own = own_location(location, &public_url);
    if own != location {
        if let Ok(value) = HeaderValue::from_str(&own) {
            response.headers_mut().insert(header::LOCATION, value);
        }
    }
    if browser_post && !response.status().is_redirection() {
        *response.status_mut() = StatusCode::SEE_OTHER;
    }
    response
}

/// `location` as a path of the portal: a path stays, an absolute address on the portal's own
/// origin becomes its path and query, anything else becomes `/`.
fn own_location(location: &str, public_url: &url::Url) -> String {
    if location.starts_with('/') && !location.starts_with("//") && !location.starts_with("/\\") {
        return location.to_string();
    }
    match url::Url::parse(location) {
        Ok(url) if url.origin() == public_url.origin() => match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_string(),
        },
        _ => "/".to_string(),
    }
}

/// Security headers on every answer; HSTS only when the portal is served over HTTPS (an
/// `https` public address), since a browser would otherwise refuse plain-HTTP access for a year.
/// Pages and server-function answers are never stored (`no-store`): a signed-in page left in
/// a shared computer's cache, or a proxy's, would show one login's data to the next person.
/// Only the static files, which set their own `Cache-Control`, may be kept.
async fn security_headers(State(https): State<bool>, request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let is_image = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("image/"));
    if !headers.contains_key(header::CACHE_CONTROL) && !is_image {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        if let Ok(value) = HeaderValue::from_str(&content_security_policy(None)) {
            headers.insert(header::CONTENT_SECURITY_POLICY, value);
        }
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin"));
    headers.insert(header::HeaderName::from_static("permissions-policy"), HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"));
    if https {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    }
    response
}

/// Liveness and readiness in one: the server answers and its database does too.
async fn healthz(State(store): State<Store>) -> impl IntoResponse {
    match store.ping().await {
        Ok(()) => (StatusCode::OK, Json(serde_json::json!({ "status": "ok", "database": store.backend_name() }))),
        Err(error) => {
            tracing::warn!(%error, "health check: database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, Json(serde_json::json!({ "status": "unavailable", "database": store.backend_name() })))
        }
    }
}

/// Leptos settings from cargo-leptos's environment, or from the workspace's metadata
/// when the binary is started by hand.
pub fn leptos_options(listen: Option<SocketAddr>) -> Result<LeptosOptions, String> {
    let conf = get_configuration(None).map_err(|e| format!("invalid Leptos configuration: {e}"))?;
    let mut options = conf.leptos_options;
    // Started by hand (not by cargo-leptos): a release binary serves the hashed release assets
    // that cargo-leptos wrote beside it, in production mode (no live-reload script).
    if std::env::var_os("LEPTOS_HASH_FILES").is_none() {
        options.hash_files =
            std::env::current_exe().ok().and_then(|exe| Some(exe.parent()?.join(options.hash_file.as_ref()))).is_some_and(|path| path.is_file());
    }
    if std::env::var_os("LEPTOS_ENV").is_none() && !cfg!(debug_assertions) {
        options.env = leptos::config::Env::PROD;
    }
    if let Some(addr) = listen {
        options.site_addr = addr;
    }
    Ok(options)
}

/// Binds, then serves until SIGINT or SIGTERM; requests under way are finished first.
pub async fn serve(store: Store, args: &ServeArgs) -> Result<(), String> {
    let leptos_options = leptos_options(args.listen)?;
    let addr = leptos_options.site_addr;
    let listener = TcpListener::bind(addr).await.map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    let public_url = crate::config::public_url(args, local)?;
    crate::config::check_secure_cookies(args, &public_url)?;
    let security = Security {
        auth: app::shared::context::AuthSettings {
            idle_timeout: std::time::Duration::from_secs(args.session_idle_minutes * 60),
            absolute_timeout: std::time::Duration::from_secs(args.session_max_hours * 3600),
            ..Default::default()
        },
        public_url: public_url.clone(),
        api_requests_per_second: args.api_requests_per_second,
        client_ip_source: args.client_ip_source.clone(),
    };
    let mailer = crate::mail::mailer(store.clone(), args.smtp_url.as_deref(), args.mail_from.as_deref())?;
    let housekeeping = app::housekeeping::Housekeeping { store: store.clone(), mailer: mailer.clone(), public_base: public_url.to_string() };
    let _housekeeping = housekeeping.clone().spawn(std::time::Duration::from_secs(600));
    #[cfg_attr(not(feature = "test-clock"), allow(unused_mut))]
    let mut own = Router::new();
    #[cfg(feature = "test-clock")]
    if args.test_clock {
        tracing::warn!(
            "test clock on: POST {} moves the time of pending rights, POST {} makes a provider company",
            crate::test_clock::PATH,
            crate::test_fixtures::PATH
        );
        own = own
            .route(crate::test_clock::PATH, crate::test_clock::route(housekeeping))
            .route(crate::test_fixtures::PATH, crate::test_fixtures::route(store.clone()));
    }
    let app = router_around(own, AppState { leptos_options, store }, security, mailer);
    tracing::info!(%public_url, "listening on http://{local}");
    println!("Centre clientèle: {public_url}");
    // An answer is written as its head and then its body: with Nagle's algorithm on, the
    // second write waits for the client's delayed acknowledgement of the first (40 ms on
    // Linux) on a kept-alive connection. Measured with `scripts/load.sh`: the CSS file's p50
    // under 64 clients was 44 ms with it on.
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        if let Err(error) = tcp.set_nodelay(true) {
            tracing::debug!(%error, "cannot set TCP_NODELAY");
        }
    });
    // The peer address is needed for throttling sign-ins per client address.
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|e| format!("server stopped: {e}"))?;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received, finishing requests under way");
}

#[cfg(test)]
mod tests {
    use super::own_location;

    fn portal() -> url::Url {
        url::Url::parse("https://portal.example/").unwrap()
    }

    #[test]
    fn a_redirect_to_a_path_of_the_portal_stays_as_it_is() {
        assert_eq!(own_location("/admin/rights/7?x=1", &portal()), "/admin/rights/7?x=1");
    }

    #[test]
    fn a_redirect_to_the_portal_s_own_address_becomes_its_path() {
        let back = "https://portal.example/admin/rights/new?__path=%2Fapi%2Fenter_user&__err=e30";
        assert_eq!(own_location(back, &portal()), "/admin/rights/new?__path=%2Fapi%2Fenter_user&__err=e30");
    }

    #[test]
    fn a_redirect_elsewhere_goes_to_the_portal_s_start() {
        for elsewhere in ["https://evil.example/login", "http://portal.example/login", "//evil.example/", "/\\evil.example/", "javascript:alert(1)"] {
            assert_eq!(own_location(elsewhere, &portal()), "/", "{elsewhere}");
        }
    }
}
