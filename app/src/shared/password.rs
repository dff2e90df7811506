//! Password hashing on a bounded pool, the current-password check that guards every change
//! of a credential, and the per-client limits of the requests anybody may send.
//!
//! Every limit here counts the attempt *before* the work it protects
//! ([`Store::count_attempt`] is one atomic statement): concurrent requests each get their own
//! count, so that no burst of parallel guesses or registrations passes a limit.

use std::net::IpAddr;
use std::sync::OnceLock;

use crate::shared::refusal::PortalError;
use portal_core::domain::{Password, UserId};
use portal_core::store::{self, PasswordHash, Store};
use tokio::sync::Semaphore;

use super::refusal::{refused, Refusal};
use super::{context::AuthSettings, refusal::internal};

/// Argon2 takes tens of milliseconds of CPU and 19 MiB per call: at most one call per core
/// runs at a time, the others wait here, so that a flood of hashing requests cannot take
/// every core and every byte from the rest of the portal.
fn argon2_permits() -> &'static Semaphore {
    static PERMITS: OnceLock<Semaphore> = OnceLock::new();
    PERMITS.get_or_init(|| Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get())))
}

async fn on_argon2_pool<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, PortalError> {
    let _permit = argon2_permits().acquire().await.map_err(internal)?;
    tokio::task::spawn_blocking(work).await.map_err(internal)
}

/// Hashes a new password on the bounded pool.
pub async fn hash(password: Password) -> Result<PasswordHash, PortalError> {
    on_argon2_pool(move || store::hash_password(&password)).await?.map_err(internal)
}

/// Checks `password` against `hash` on the bounded pool; without a hash, the same work
/// against a dummy one, so that a missing login takes as long as a wrong password.
pub async fn verify(password: String, hash: Option<PasswordHash>) -> Result<bool, PortalError> {
    on_argon2_pool(move || match hash {
        Some(hash) => store::verify_password(&password, &hash),
        None => {
            let _ = store::verify_password(&password, dummy_hash());
            false
        }
    })
    .await
}

/// A hash to verify against when there is no login, so that both cases take as long.
fn dummy_hash() -> &'static PasswordHash {
    static DUMMY: OnceLock<PasswordHash> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let password = Password::parse("no-such-user-dummy-password").expect("the dummy password satisfies the policy");
        store::hash_password(&password).expect("hashing works")
    })
}

/// Counts one attempt under `key` and refuses it (`refusal`, a 429) beyond `limit` in the
/// window. Counted before anything is checked, in one statement, so that requests sent side
/// by side cannot pass the limit together.
pub async fn within_limit(store: &Store, settings: &AuthSettings, key: &str, limit: i64, refusal: Refusal) -> Result<(), PortalError> {
    let attempts = store.count_attempt(key, store::real_time(), settings.window()).await.map_err(internal)?;
    if attempts > limit {
        return Err(refused(refusal));
    }
    Ok(())
}

/// The throttle of a login's current-password checks: changing the password or the e-mail,
/// turning two-step login on or off all share it, so that guesses cannot be spread over them.
pub fn current_password_key(user_id: UserId) -> String {
    format!("password:{user_id}")
}

/// Asks for the current password before a credential changes. The attempt is counted first;
/// beyond the limit the answer is 429 without checking; a right password forgets the count.
pub async fn check_current_password(store: &Store, settings: &AuthSettings, user_id: UserId, password: String) -> Result<(), PortalError> {
    let key = current_password_key(user_id);
    within_limit(store, settings, &key, settings.max_failures_per_account, Refusal::SignInThrottled).await?;
    let hash = store.credentials(user_id).await.map_err(internal)?.password_hash;
    if !verify(password, hash).await? {
        return Err(refused(Refusal::WrongCurrentPassword));
    }
    store.clear_attempts(&key).await.map_err(internal)
}

/// Counts one request of `kind` from the client's address (when known) and refuses it with
/// 429 beyond the limit per window. Called before any hashing or e-mail.
pub async fn count_request(store: &Store, settings: &AuthSettings, kind: &str, address: Option<IpAddr>) -> Result<(), PortalError> {
    let Some(ip) = address else {
        return Ok(());
    };
    let counted = within_limit(store, settings, &format!("{kind}:ip:{ip}"), settings.max_requests_per_address, Refusal::RequestsThrottled).await;
    if counted.is_err() {
        tracing::info!(kind, %ip, "request refused: too many from this address");
    }
    counted
}
