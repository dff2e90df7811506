//! The server side of two-step login (RFC 6238 time-based codes, recovery codes).
//!
//! Enrolment keeps the new secret in the session only until a code confirms it; sign-in of
//! a user with two-step login on leaves the session "pending" (no `auth.user_id`) until
//! [`verify_sign_in_code`] accepts a code.

use portal_core::domain::{AuditAction, UserId};
use portal_core::store::{self, Actor, AuditEntry, Secret, Store, User};
use totp_rs::{Algorithm, TOTP};
use tower_sessions::Session;

use crate::shared::refusal::PortalError;

use super::{TwoStepEnrolment, TwoStepNotes};
use crate::access::{complete_sign_in, SignInStep};
use crate::shared::context::AuthSettings;
use crate::shared::password::check_current_password;
use crate::shared::paths::{PATH_LOGIN, PATH_LOGIN_CODE};
use crate::shared::refusal::{internal, refused, Refusal, RefusedAt};
use crate::shared::return_path::{ReturnPath, KEY_RETURN_TO};

/// Session key: the user who gave the right password and still owes a code.
pub const KEY_PENDING_USER_ID: &str = "auth.pending_user_id";
/// Session key: when the password was accepted (Unix seconds).
pub const KEY_PENDING_AT: &str = "auth.pending_at";
/// Session key: the secret being enrolled, sealed with the store's key, until a code confirms it.
pub const KEY_ENROL_SECRET: &str = "two_step.enrol_secret";
/// Session key: the recovery codes a confirmation sent without JavaScript issued, sealed,
/// until the account page shows them.
const KEY_ISSUED_RECOVERY_CODES: &str = "two_step.issued_recovery_codes";
/// A pending sign-in expires after this many seconds.
pub const PENDING_SECONDS: i64 = 5 * 60;
/// How many recovery codes are issued.
pub const RECOVERY_CODES: usize = 10;
/// The issuer shown in authenticator apps.
pub const ISSUER: &str = "Centre clientèle";

/// The length of a TOTP step.
const STEP_SECONDS: u64 = 30;

/// The TOTP parameters of the portal: SHA-1, 6 digits, 30 s steps, one step of skew.
fn totp(secret: Vec<u8>) -> Option<TOTP> {
    TOTP::new(Algorithm::SHA1, 6, 1, STEP_SECONDS, secret).ok()
}

fn decode_base32(secret: &str) -> Option<Vec<u8>> {
    totp_rs::Secret::Encoded(secret.to_string()).to_bytes().ok()
}

/// A new random 160-bit secret, base32-encoded (RFC 4648, no padding).
pub fn new_secret() -> String {
    let hex = store::random_token(20);
    let bytes: Vec<u8> = (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0)).collect();
    match totp_rs::Secret::Raw(bytes).to_encoded() {
        totp_rs::Secret::Encoded(s) => s.trim_end_matches('=').to_string(),
        totp_rs::Secret::Raw(_) => unreachable!("to_encoded answers Encoded"),
    }
}

/// The code of `secret` (base32) at Unix time `time` (for tests).
pub fn code_at(secret: &str, time: u64) -> Option<String> {
    Some(totp(decode_base32(secret)?)?.generate(time))
}

/// The 30 s step whose code `code` (spaces ignored) is, for `secret` (base32) at Unix time
/// `time`, one step before or after included; `None` for a wrong code. The step is what
/// makes a code single-use ([`portal_core::store::Store::claim_totp_step`]).
pub fn matching_step_at(secret: &str, code: &str, time: u64) -> Option<u64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let totp = decode_base32(secret).and_then(totp)?;
    let now = time / STEP_SECONDS;
    [now.saturating_sub(1), now, now + 1].into_iter().find(|step| store::same_secret(totp.generate(step * STEP_SECONDS).as_bytes(), code.as_bytes()))
}

/// [`matching_step_at`] now.
pub fn matching_step(secret: &str, code: &str) -> Option<u64> {
    matching_step_at(secret, code, portal_core::store::real_time().timestamp().max(0) as u64)
}

/// The `otpauth://` URI that authenticator apps read from the QR code.
pub fn otpauth_uri(secret: &str, account: &str) -> String {
    let enc = |s: &str| -> String { url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>().replace('+', "%20") };
    format!("otpauth://totp/{}:{}?secret={secret}&issuer={}&algorithm=SHA1&digits=6&period=30", enc(ISSUER), enc(account), enc(ISSUER))
}

/// The QR code of `data` as an inline SVG element (no image file, no script).
pub fn qr_svg(data: &str) -> Option<String> {
    let code = qrcode::QrCode::new(data.as_bytes()).ok()?;
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .dark_color(qrcode::render::svg::Color("#000000"))
        .light_color(qrcode::render::svg::Color("#ffffff"))
        .quiet_zone(true)
        .build();
    // Drop the XML declaration: the SVG is inlined in HTML.
    Some(match svg.find("<svg") {
        Some(i) => svg[i..].to_string(),
        None => svg,
    })
}

/// Ten new recovery codes, 64 random bits each, shown as `xxxx-xxxx-xxxx-xxxx`.
pub fn new_recovery_codes() -> Vec<String> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let t = store::random_token(8);
            format!("{}-{}-{}-{}", &t[0..4], &t[4..8], &t[8..12], &t[12..16])
        })
        .collect()
}

fn throttle_key(user_id: UserId) -> String {
    format!("2fa:{user_id}")
}

/// Counts one code attempt of `user_id` before it is checked; true beyond the limit.
async fn throttled(store: &Store, settings: &AuthSettings, user_id: UserId) -> Result<bool, PortalError> {
    let n = store.count_attempt(&throttle_key(user_id), store::real_time(), settings.window()).await.map_err(internal)?;
    Ok(n > settings.max_failures_per_account)
}

async fn audit(store: &Store, user: &User, action: AuditAction) -> Result<(), PortalError> {
    let actor = Actor::login(user.id);
    store.append_audit(&AuditEntry::new(&actor, user.home_company_id, action, format!("user:{}", user.id))).await.map_err(internal)
}

/// Called by sign-in after a correct password when two-step login is on: a new session id,
/// nothing signed in, the user pending for [`PENDING_SECONDS`], the way back kept for after
/// the code.
pub async fn begin_pending(session: &Session, user: &User, back: Option<ReturnPath>) -> Result<(), PortalError> {
    session.clear().await;
    session.cycle_id().await.map_err(internal)?;
    session.insert(KEY_PENDING_USER_ID, user.id).await.map_err(internal)?;
    session.insert(KEY_PENDING_AT, store::real_time().timestamp()).await.map_err(internal)?;
    if let Some(back) = back {
        session.insert(KEY_RETURN_TO, back.as_str()).await.map_err(internal)?;
    }
    tracing::info!(user_id = user.id, "password accepted, code required");
    Ok(())
}

/// The pending user of `session`, if the password was accepted less than 5 minutes ago.
pub async fn pending_user(session: &Session) -> Result<Option<UserId>, PortalError> {
    let Some(user_id) = session.get::<UserId>(KEY_PENDING_USER_ID).await.map_err(internal)? else {
        return Ok(None);
    };
    let at = session.get::<i64>(KEY_PENDING_AT).await.map_err(internal)?.unwrap_or(0);
    if store::real_time().timestamp() - at >= PENDING_SECONDS {
        session.remove_value(KEY_PENDING_USER_ID).await.map_err(internal)?;
        session.remove_value(KEY_PENDING_AT).await.map_err(internal)?;
        return Ok(None);
    }
    Ok(Some(user_id))
}

/// The second step of a two-step sign-in on `session`: the code of the authenticator app or a
/// recovery code. Each attempt is counted before the check; a code is accepted once.
pub async fn verify_sign_in_code(store: &Store, settings: &AuthSettings, session: &Session, code: &str) -> Result<Result<SignInStep, RefusedAt>, PortalError> {
    let back_to = |refusal, page: &str| Ok(Err(RefusedAt { refusal, page: page.to_string() }));
    let Some(user_id) = pending_user(session).await? else {
        return back_to(Refusal::NotSignedIn, PATH_LOGIN);
    };
    if throttled(store, settings, user_id).await? {
        return back_to(Refusal::SignInThrottled, &format!("{PATH_LOGIN_CODE}?erreur=tentatives"));
    }
    let credentials = store.credentials(user_id).await.map_err(internal)?;
    let secret = credentials.totp_secret.filter(|_| credentials.totp_enabled);
    let Some(secret) = secret else {
        return back_to(Refusal::NotSignedIn, PATH_LOGIN);
    };
    let trimmed: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let ok = if trimmed.len() == 6 && trimmed.chars().all(|c| c.is_ascii_digit()) {
        // A code seen once (by a shoulder, a phishing page) must not sign in a second time.
        match matching_step(secret.expose(), &trimmed) {
            Some(step) => store.claim_totp_step(user_id, step as i64).await.map_err(internal)?,
            None => false,
        }
    } else {
        store.use_recovery_code(user_id, &trimmed).await.map_err(internal)?
    };
    let user = store.user(user_id).await.map_err(internal)?;
    if !ok {
        audit(store, &user, AuditAction::LoginCodeFailed).await?;
        return back_to(Refusal::CodeInvalid, &format!("{PATH_LOGIN_CODE}?erreur=code"));
    }
    store.clear_attempts(&throttle_key(user_id)).await.map_err(internal)?;

    let back = session.get::<String>(KEY_RETURN_TO).await.map_err(internal)?.and_then(|b| ReturnPath::parse(&b));
    complete_sign_in(store, session, &user, back).await.map(Ok)
}

/// Starts turning two-step login on for `user_id`, signed in on `session`: the current
/// password first, since whoever holds a session must not be able to bind the login to their
/// own authenticator. Re-enrolling means turning it off (password) and on again (password).
/// The new secret waits in the session, sealed, until a code confirms it.
pub async fn start_two_step(
    store: &Store,
    settings: &AuthSettings,
    session: &Session,
    user_id: UserId,
    password: String,
) -> Result<TwoStepEnrolment, PortalError> {
    check_current_password(store, settings, user_id, password).await?;
    let user = store.user(user_id).await.map_err(internal)?;
    if user.totp_enabled {
        return Err(refused(Refusal::TwoStepAlreadyOn));
    }
    let secret = new_secret();
    // Sealed: the sessions table never holds a secret in clear.
    session.insert(KEY_ENROL_SECRET, store.seal(&secret).map_err(internal)?).await.map_err(internal)?;
    audit(store, &user, AuditAction::TwoStepEnrolStart).await?;
    enrolment_of(secret, &user.email)
}

/// The QR code and the key to type of `secret`, for the login `email`.
fn enrolment_of(secret: String, email: &str) -> Result<TwoStepEnrolment, PortalError> {
    let uri = otpauth_uri(&secret, email);
    let qr_svg = qr_svg(&uri).ok_or_else(|| internal("QR code rendering failed"))?;
    Ok(TwoStepEnrolment { otpauth_uri: uri, qr_svg, secret })
}

/// What the account page of the login `email` shows of two-step login besides on or off:
/// the enrolment the session holds, unless two-step login is `enabled`; the recovery codes a
/// confirmation sent without JavaScript left in the session, taken out now (shown once).
pub async fn notes_for_the_account_page(store: &Store, session: &Session, email: &str, enabled: bool) -> Result<TwoStepNotes, PortalError> {
    let recovery_codes = match session.remove::<String>(KEY_ISSUED_RECOVERY_CODES).await.map_err(internal)? {
        Some(sealed) => serde_json::from_str(&store.open_sealed(&sealed).map_err(internal)?).map_err(internal)?,
        None => Vec::new(),
    };
    let enrolment = match session.get::<String>(KEY_ENROL_SECRET).await.map_err(internal)? {
        Some(sealed) if !enabled => Some(enrolment_of(store.open_sealed(&sealed).map_err(internal)?, email)?),
        _ => None,
    };
    Ok(TwoStepNotes { enrolment, recovery_codes })
}

/// Turns two-step login on for `user_id` with a code of the secret `session` holds; answers
/// the recovery codes, shown once. `for_the_account_page`: a form the browser posted itself,
/// whose recovery codes the account page shows next, so they wait in the session, sealed.
pub async fn confirm_two_step(
    store: &Store,
    settings: &AuthSettings,
    session: &Session,
    user_id: UserId,
    code: &str,
    for_the_account_page: bool,
) -> Result<Vec<String>, PortalError> {
    let Some(sealed) = session.get::<String>(KEY_ENROL_SECRET).await.map_err(internal)? else {
        return Err(refused(Refusal::EnrolmentExpired));
    };
    let secret = store.open_sealed(&sealed).map_err(internal)?;
    if throttled(store, settings, user_id).await? {
        return Err(refused(Refusal::SignInThrottled));
    }
    if store.user(user_id).await.map_err(internal)?.totp_enabled {
        session.remove_value(KEY_ENROL_SECRET).await.map_err(internal)?;
        return Err(refused(Refusal::TwoStepAlreadyOn));
    }
    let Some(step) = matching_step(&secret, code) else {
        return Err(refused(Refusal::CodeInvalid));
    };
    store.clear_attempts(&throttle_key(user_id)).await.map_err(internal)?;
    let codes = new_recovery_codes();
    let hashes: Vec<String> = codes.iter().map(|c| store::hash_recovery_code(user_id, c)).collect();
    let user = store.user(user_id).await.map_err(internal)?;
    // The code that confirmed the enrolment is used: it does not sign in afterwards.
    store.turn_two_step_on(&user, &Secret::new(secret), step as i64, &hashes).await.map_err(internal)?;
    session.remove_value(KEY_ENROL_SECRET).await.map_err(internal)?;
    // The session is now worth more than the one that was maybe seen before: a new id.
    session.cycle_id().await.map_err(internal)?;
    tracing::info!(user_id = user.id, "two-step login enabled");
    if for_the_account_page {
        // Sealed like the secret: the sessions table never holds a credential in clear.
        let sealed = store.seal(&serde_json::to_string(&codes).map_err(internal)?).map_err(internal)?;
        session.insert(KEY_ISSUED_RECOVERY_CODES, sealed).await.map_err(internal)?;
    }
    Ok(codes)
}

/// Turns two-step login off for `user_id` once its current password is given.
pub async fn disable_two_step(store: &Store, settings: &AuthSettings, user_id: UserId, password: String) -> Result<(), PortalError> {
    check_current_password(store, settings, user_id, password).await?;
    let user = store.user(user_id).await.map_err(internal)?;
    store.turn_two_step_off(&user).await.map_err(internal)?;
    tracing::info!(user_id = user.id, "two-step login disabled");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// True when `code` is valid for `secret` at `time`, one 30 s step before or after included.
    fn verify_code_at(secret: &str, code: &str, time: u64) -> bool {
        matching_step_at(secret, code, time).is_some()
    }

    // RFC 6238 appendix B, SHA-1 seed "12345678901234567890" (base32 below), 8 digits there;
    // the last 6 digits are the 6-digit codes.
    const RFC_SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    #[test]
    fn codes_match_rfc_6238() {
        assert_eq!(code_at(RFC_SECRET, 59).unwrap(), "287082");
        assert_eq!(code_at(RFC_SECRET, 1111111109).unwrap(), "081804");
        assert_eq!(code_at(RFC_SECRET, 1234567890).unwrap(), "005924");
    }

    #[test]
    fn a_code_is_accepted_one_step_early_or_late_but_not_two() {
        let t = 1_700_000_000u64;
        let code = code_at(RFC_SECRET, t).unwrap();
        assert!(verify_code_at(RFC_SECRET, &code, t));
        assert!(verify_code_at(RFC_SECRET, &code, t + 30));
        assert!(verify_code_at(RFC_SECRET, &code, t - 30));
        assert!(!verify_code_at(RFC_SECRET, &code, t + 90));
        assert!(verify_code_at(RFC_SECRET, &format!("{} {}", &code[..3], &code[3..]), t));
    }

    #[test]
    fn a_code_names_its_own_step_whenever_it_is_checked() {
        let t = 1_700_000_010u64;
        let code = code_at(RFC_SECRET, t).unwrap();
        let own = t / 30;
        for checked_at in [t - 30, t, t + 30] {
            assert_eq!(matching_step_at(RFC_SECRET, &code, checked_at), Some(own), "checked at {checked_at}");
        }
        assert_eq!(matching_step_at(RFC_SECRET, "000000", t).filter(|_| code != "000000"), None);
    }

    #[test]
    fn malformed_codes_and_secrets_are_refused() {
        let t = 1_700_000_000u64;
        assert!(!verify_code_at(RFC_SECRET, "", t));
        assert!(!verify_code_at(RFC_SECRET, "12345a", t));
        assert!(!verify_code_at(RFC_SECRET, "1234567", t));
        assert!(!verify_code_at("not base32!", "123456", t));
    }

    #[test]
    fn new_secrets_are_160_bits_and_work() {
        let s = new_secret();
        assert_eq!(s.len(), 32);
        assert_ne!(s, new_secret());
        let code = code_at(&s, 1_700_000_000).unwrap();
        assert!(verify_code_at(&s, &code, 1_700_000_000));
    }

    #[test]
    fn the_uri_and_the_qr_code_carry_the_secret() {
        let uri = otpauth_uri(RFC_SECRET, "anna@example.ch");
        assert!(uri.starts_with("otpauth://totp/Centre%20client%C3%A8le:anna%40example.ch?secret=GEZD"));
        let svg = qr_svg(&uri).unwrap();
        assert!(svg.starts_with("<svg"));
    }

    #[test]
    fn recovery_codes_are_ten_distinct_and_formatted() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), 10);
        assert!(codes.iter().all(|c| c.len() == 19 && c.matches('-').count() == 3));
        let distinct: std::collections::BTreeSet<_> = codes.iter().collect();
        assert_eq!(distinct.len(), 10);
    }
}
