//! Sessions in the database, the session cookie, the absolute time-out on every request and
//! the protection against cross-site request forgery.
//!
//! Sign-in state is kept by a small typed wrapper over `tower_sessions::Session`
//! (`app::access`): the user id and the sign-in instant. `axum-login` would add an
//! `AuthnBackend`/`AuthUser` layer for the same two keys, while throttling, the dummy hash and
//! the Leptos server functions would still be ours — so it is not used.

use std::sync::Arc;

use app::access::KEY_USER_ID;
use app::shared::context::{AuthSettings, SESSION_COOKIE};
use app::two_step::service::KEY_PENDING_USER_ID;
use async_trait::async_trait;
use axum::{
    extract::{Request, State},
    http::{header, HeaderMap, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use chrono::{DateTime, SubsecRound, Utc};
use portal_core::store::Store;
use tower_sessions::{
    cookie::SameSite,
    session::{Id, Record},
    session_store, Expiry, Session, SessionManagerLayer, SessionStore,
};

/// Everything the HTTP layer needs to protect sessions and the access-decision API.
#[derive(Debug, Clone)]
pub struct Security {
    pub auth: AuthSettings,
    /// The portal's public address (`https://portal.example.ch`): links in e-mails start with
    /// its origin, and state-changing requests must come from exactly that origin. Never read
    /// from a request: a forged `Host` would otherwise carry a reset link to its own site.
    pub public_url: url::Url,
    /// Questions a second one client address may ask the access-decision API (`api::RateLimit`).
    pub api_requests_per_second: std::num::NonZeroU32,
    /// Where the client's address is read (`--client-ip-source`).
    pub client_ip_source: axum_client_ip::ClientIpSource,
}

/// The session cookie's name over HTTPS: a browser keeps a `__Host-` cookie only when it is
/// `Secure`, set by this very host for every path, so that neither a sibling domain nor plain
/// HTTP can plant or overwrite it.
pub const SECURE_SESSION_COOKIE: &str = "__Host-portal_session";

/// The public address of a portal served with the default listen address.
pub const DEFAULT_PUBLIC_URL: &str = "http://127.0.0.1:3000";

/// The access-decision API's default rate per client address (`--api-requests-per-second`).
pub const DEFAULT_API_REQUESTS_PER_SECOND: std::num::NonZeroU32 = std::num::NonZeroU32::new(20).unwrap();

impl Default for Security {
    fn default() -> Self {
        Security {
            auth: AuthSettings::default(),
            public_url: url::Url::parse(DEFAULT_PUBLIC_URL).expect("the default public URL is valid"),
            api_requests_per_second: DEFAULT_API_REQUESTS_PER_SECOND,
            client_ip_source: axum_client_ip::ClientIpSource::ConnectInfo,
        }
    }
}

// ------------------------------------------------------------------ session store

/// `tower_sessions` records stored as JSON in the `sessions` table (SQLite or Postgres), so
/// that several server instances share them. A row is keyed by the hash of the session's id
/// (`store::session_key`) and its JSON holds the session's data only: neither the id (the
/// table holds nothing a cookie could be made from) nor the expiry, which has its own column.
#[derive(Debug, Clone)]
pub struct DbSessionStore {
    store: Store,
    /// How far the expiry of an unchanged session may lag behind before a request writes it
    /// again ([`Store::update_session`]).
    slack: chrono::Duration,
}

impl DbSessionStore {
    /// A thirtieth of the idle time-out: one minute for the default 30 minutes.
    pub fn new(store: Store, idle_timeout: std::time::Duration) -> Self {
        let slack = chrono::Duration::from_std(idle_timeout / 30).unwrap_or(chrono::Duration::minutes(1));
        DbSessionStore { store, slack }
    }
}

fn backend_error(e: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

fn expires_at(record: &Record) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp(record.expiry_date.unix_timestamp(), record.expiry_date.nanosecond())
        .unwrap_or_else(portal_core::store::real_time)
        .trunc_subsecs(6)
}

/// The login a session belongs to — signed in, or owing the two-step code — so that a
/// password reset can end all of that login's sessions.
fn owner(record: &Record) -> Option<i64> {
    [KEY_USER_ID, KEY_PENDING_USER_ID].iter().find_map(|key| record.data.get(*key)?.as_i64())
}

/// What a row's JSON holds. Rows written before the expiry had its own column also hold
/// `id` and `expiry_date`, which reading ignores.
#[derive(serde::Serialize, serde::Deserialize)]
struct Stored<D> {
    data: D,
}

/// The record's data with its keys in order, so that the same session data is the same text
/// from one request to the next and an unchanged session is recognized as such.
fn encode(record: &Record) -> session_store::Result<String> {
    let data: std::collections::BTreeMap<&String, &serde_json::Value> = record.data.iter().collect();
    serde_json::to_string(&Stored { data }).map_err(|e| session_store::Error::Encode(e.to_string()))
}

#[async_trait]
impl SessionStore for DbSessionStore {
    /// Inserts a new session; never overwrites one: on an id collision, draws a new id.
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        loop {
            let created =
                self.store.create_session(&record.id.to_string(), &encode(record)?, expires_at(record), owner(record)).await.map_err(backend_error)?;
            if created {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    /// Updates an existing session only: a session deleted meanwhile (sign-out, time-out on
    /// another instance) is not brought back by a request that was still under way.
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.store.update_session(&record.id.to_string(), &encode(record)?, expires_at(record), owner(record), self.slack).await.map_err(backend_error)
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let row = self.store.load_session(&id.to_string(), portal_core::store::real_time()).await.map_err(backend_error)?;
        let Some((data, expires)) = row else { return Ok(None) };
        let stored: Stored<std::collections::HashMap<String, serde_json::Value>> =
            serde_json::from_str(&data).map_err(|e| session_store::Error::Decode(e.to_string()))?;
        let expiry_date = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(expires.timestamp_micros()) * 1000)
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        Ok(Some(Record { id: *id, data: stored.data, expiry_date }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.store.delete_session(&id.to_string()).await.map_err(backend_error)
    }
}

impl Security {
    /// Served over HTTPS, as the public address says: the session cookie is `Secure` under
    /// its `__Host-` name and every answer carries HSTS. Nothing else decides it, so that a
    /// deployment cannot be half secure.
    pub fn https(&self) -> bool {
        self.public_url.scheme() == "https"
    }

    /// The session cookie's name: [`SECURE_SESSION_COOKIE`] over HTTPS.
    pub fn session_cookie(&self) -> &'static str {
        if self.https() {
            SECURE_SESSION_COOKIE
        } else {
            SESSION_COOKIE
        }
    }
}

/// The session layer: cookie `portal_session` (`__Host-portal_session` over HTTPS),
/// HttpOnly, SameSite=Lax, Secure over HTTPS,
/// sliding expiry after `idle_timeout` (a request that changed nothing moves it when it lags by more than a thirtieth of the time-out).
pub fn session_layer(store: Store, security: &Security) -> SessionManagerLayer<DbSessionStore> {
    let idle = time::Duration::try_from(security.auth.idle_timeout).unwrap_or(time::Duration::minutes(30));
    SessionManagerLayer::new(DbSessionStore::new(store, security.auth.idle_timeout))
        .with_name(security.session_cookie())
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(security.https())
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(idle))
        .with_always_save(true)
}

/// Ends sessions past their absolute time-out, on every request inside the session layer
/// (pages and server functions, not files), before any handler.
pub async fn enforce_absolute_timeout(State(settings): State<AuthSettings>, request: Request, next: Next) -> Response {
    if let Some(session) = request.extensions().get::<Session>().cloned() {
        if let Err(error) = app::access::signed_in(&session, &settings).await {
            tracing::error!(%error, "cannot read the session");
            return (StatusCode::SERVICE_UNAVAILABLE, "Service momentanément indisponible.").into_response();
        }
    }
    next.run(request).await
}

// ------------------------------------------------------------------ CSRF

/// What the CSRF check compares a request's origin with.
#[derive(Debug, Clone)]
pub struct CsrfPolicy {
    /// `scheme://host:port` of the portal's public address.
    pub public_origin: url::Origin,
}

impl CsrfPolicy {
    pub fn new(public_url: &url::Url) -> Self {
        CsrfPolicy { public_origin: public_url.origin() }
    }
}

pub const CSRF_REJECTED: &str = "Requête refusée : elle ne provient pas du Centre clientèle (protection contre la falsification de requêtes).";

/// Rejects a state-changing request (anything but GET, HEAD, OPTIONS, TRACE) with 403 unless
/// it comes from the portal's own origin: `Sec-Fetch-Site: same-origin`, or an `Origin` (else
/// `Referer`) with the scheme, host and port of the public address. The request's `Host` is
/// never trusted: whoever forges it would also forge the `Origin` to match.
pub async fn csrf_guard(State(policy): State<Arc<CsrfPolicy>>, request: Request, next: Next) -> Response {
    if is_same_origin(request.method(), request.headers(), &policy) {
        next.run(request).await
    } else {
        tracing::warn!(
            method = %request.method(),
            path = request.uri().path(),
            origin = ?request.headers().get(header::ORIGIN),
            "cross-site request refused"
        );
        (StatusCode::FORBIDDEN, CSRF_REJECTED).into_response()
    }
}

/// The decision of [`csrf_guard`].
pub fn is_same_origin(method: &Method, headers: &HeaderMap, policy: &CsrfPolicy) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE) {
        return true;
    }
    let header = |name| headers.get(name).and_then(|v: &header::HeaderValue| v.to_str().ok());
    if header("sec-fetch-site") == Some("same-origin") {
        return true;
    }
    let source = header(header::ORIGIN.as_str()).filter(|o| *o != "null").or_else(|| header(header::REFERER.as_str()));
    let Some(source) = source.and_then(|s| url::Url::parse(s).ok()) else {
        return false;
    };
    if !matches!(source.scheme(), "http" | "https") {
        return false;
    }
    source.origin() == policy.public_origin
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    fn policy(public_url: &str) -> CsrfPolicy {
        CsrfPolicy::new(&url::Url::parse(public_url).unwrap())
    }

    #[test]
    fn reading_requests_need_no_origin() {
        assert!(is_same_origin(&Method::GET, &HeaderMap::new(), &policy(DEFAULT_PUBLIC_URL)));
    }

    #[test]
    fn a_post_from_the_public_origin_is_accepted_and_one_from_elsewhere_is_not() {
        let p = policy("http://127.0.0.1:3000");
        let own = headers(&[("host", "127.0.0.1:3000"), ("origin", "http://127.0.0.1:3000")]);
        assert!(is_same_origin(&Method::POST, &own, &p));
        let other_port = headers(&[("host", "127.0.0.1:3000"), ("origin", "http://127.0.0.1:3001")]);
        assert!(!is_same_origin(&Method::POST, &other_port, &p));
        let evil = headers(&[("host", "127.0.0.1:3000"), ("origin", "https://evil.example")]);
        assert!(!is_same_origin(&Method::POST, &evil, &p));
        let none = headers(&[("host", "127.0.0.1:3000")]);
        assert!(!is_same_origin(&Method::POST, &none, &p));
        let null = headers(&[("host", "127.0.0.1:3000"), ("origin", "null")]);
        assert!(!is_same_origin(&Method::DELETE, &null, &p));
    }

    #[test]
    fn a_forged_host_that_matches_its_own_origin_is_refused() {
        let p = policy("https://portal.example.ch");
        let forged = headers(&[("host", "evil.example"), ("origin", "http://evil.example")]);
        assert!(!is_same_origin(&Method::POST, &forged, &p));
    }

    #[test]
    fn the_referer_counts_when_there_is_no_origin_and_fetch_metadata_suffices() {
        let p = policy("http://portal.example:8080");
        let referer = headers(&[("host", "portal.example:8080"), ("referer", "http://portal.example:8080/login?x=1")]);
        assert!(is_same_origin(&Method::POST, &referer, &p));
        let site = headers(&[("sec-fetch-site", "same-origin")]);
        assert!(is_same_origin(&Method::POST, &site, &p));
        let same_site = headers(&[("sec-fetch-site", "same-site"), ("host", "a.example")]);
        assert!(!is_same_origin(&Method::POST, &same_site, &p));
    }

    #[test]
    fn only_the_exact_public_origin_is_accepted() {
        let p = policy("https://portal.example.ch");
        let ok = headers(&[("host", "10.0.0.5:3000"), ("origin", "https://portal.example.ch")]);
        assert!(is_same_origin(&Method::POST, &ok, &p));
        let http = headers(&[("host", "portal.example.ch"), ("origin", "http://portal.example.ch")]);
        assert!(!is_same_origin(&Method::POST, &http, &p));
    }
}
