//! Password hashing (Argon2id, default parameters) and random tokens.
//! Hashing is CPU-heavy: call it from `tokio::task::spawn_blocking` in request handlers.

use argon2::password_hash::{PasswordHash as PhcHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::fmt;

use crate::domain::Password;
use crate::store::StoreError;

/// A PHC-format password hash ("$argon2id$…"): not serializable, redacted in `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

impl PasswordHash {
    /// Wraps a stored PHC string.
    pub fn from_phc(s: impl Into<String>) -> Self {
        PasswordHash(s.into())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordHash(<redacted>)")
    }
}

/// Hashes a policy-checked password with Argon2id and a random salt.
pub fn hash_password(password: &Password) -> Result<PasswordHash, StoreError> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Argon2::default()
        .hash_password(password.expose().as_bytes(), &salt)
        .map(|h| PasswordHash(h.to_string()))
        .map_err(|e| StoreError::Database(sqlx::Error::Protocol(format!("password hashing failed: {e}"))))
}

/// True when `candidate` matches `hash`. Takes any string: a login form's input need not
/// satisfy the current policy. A malformed hash never verifies.
pub fn verify_password(candidate: &str, hash: &PasswordHash) -> bool {
    match PhcHash::new(&hash.0) {
        Ok(parsed) => Argon2::default().verify_password(candidate.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

/// `bytes` random bytes from the OS, hex-encoded (session ids, API keys, tokens).
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    hex(&buf)
}

/// The hex SHA-256 of `secret`: the stored form of session ids, e-mail tokens, API keys and
/// recovery codes, so that a read of the database gives nothing to sign in with.
pub fn hex_sha256(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares two secrets (codes, key hashes) in time independent of where they differ.
pub fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |diff, (x, y)| diff | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hashed_password_verifies_and_a_wrong_one_does_not() {
        let pw = Password::parse("Demo-2026!portal").unwrap();
        let h = hash_password(&pw).unwrap();
        assert!(h.as_str().starts_with("$argon2id$"));
        assert!(verify_password("Demo-2026!portal", &h));
        assert!(!verify_password("demo-2026!portal", &h));
        assert!(!format!("{h:?}").contains("argon2"));
    }

    #[test]
    fn a_malformed_hash_never_verifies() {
        assert!(!verify_password("anything", &PasswordHash::from_phc("not a hash")));
    }

    #[test]
    fn a_secret_is_stored_as_the_hex_sha256_everyone_knows() {
        assert_eq!(hex_sha256("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn random_tokens_are_hex_and_differ() {
        let a = random_token(16);
        assert_eq!(a.len(), 32);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, random_token(16));
    }
}
