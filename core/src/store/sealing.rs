//! Two-step login secrets are stored sealed (ChaCha20-Poly1305) with a key the operator
//! provides, so that a copy of the database (a backup, a dump, a replica) gives nobody the
//! codes of the portal's logins.
//!
//! A sealed value reads `sealed1:<key fingerprint>:<hex of nonce and ciphertext>`; the
//! fingerprint names the key that sealed it, so that a value sealed with a previous key is
//! still opened during a rotation ([`Store::reseal_secrets`] then seals it again with the
//! current key). A value without the prefix is a secret written before sealing existed: it is
//! read as it is and sealed at the next start-up.

use std::fmt;
use std::sync::Arc;

use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::*;

const PREFIX: &str = "sealed1:";

/// A 256-bit key: not serializable, redacted in `Debug`.
#[derive(Clone)]
pub struct SecretsKey([u8; 32]);

impl fmt::Debug for SecretsKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretsKey({})", self.fingerprint())
    }
}

impl SecretsKey {
    /// A new random key (the demo mode's, when no key file is given).
    pub fn generate() -> Self {
        let mut key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        SecretsKey(key)
    }

    /// A key written as 64 hexadecimal digits (`openssl rand -hex 32`); spaces and line ends
    /// around it are ignored.
    pub fn parse_hex(text: &str) -> std::result::Result<Self, String> {
        let text = text.trim();
        let bytes = from_hex(text).filter(|b| b.len() == 32).ok_or("expected 64 hexadecimal digits (e.g. `openssl rand -hex 32`)")?;
        let mut key = [0u8; 32];
        key.copy_from_slice(&bytes);
        Ok(SecretsKey(key))
    }

    /// The key as a key file holds it: 64 hexadecimal digits (the demo writes its own).
    pub fn to_hex(&self) -> String {
        to_hex(&self.0)
    }

    /// The first 8 hex digits of the key's SHA-256: names the key, reveals nothing of it.
    pub fn fingerprint(&self) -> String {
        to_hex(&Sha256::digest(self.0))[..8].to_string()
    }

    fn cipher(&self) -> ChaCha20Poly1305 {
        ChaCha20Poly1305::new(Key::from_slice(&self.0))
    }
}

/// The current key, and the previous ones still accepted for opening during a rotation.
#[derive(Clone, Default)]
pub struct Sealing {
    keys: Option<Arc<(SecretsKey, Vec<SecretsKey>)>>,
}

impl fmt::Debug for Sealing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.keys {
            Some(keys) => write!(f, "Sealing({}, {} previous)", keys.0.fingerprint(), keys.1.len()),
            None => f.write_str("Sealing(no key)"),
        }
    }
}

fn no_key() -> StoreError {
    StoreError::Secrets("no_key")
}

impl Sealing {
    pub fn new(current: SecretsKey, previous: Vec<SecretsKey>) -> Self {
        Sealing { keys: Some(Arc::new((current, previous))) }
    }

    /// Seals `plain` with the current key and a fresh random nonce.
    pub fn seal(&self, plain: &str) -> Result<String> {
        let keys = self.keys.as_ref().ok_or_else(no_key)?;
        let mut nonce = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let sealed = keys.0.cipher().encrypt(Nonce::from_slice(&nonce), plain.as_bytes()).map_err(|_| StoreError::Secrets("seal"))?;
        Ok(format!("{PREFIX}{}:{}{}", keys.0.fingerprint(), to_hex(&nonce), to_hex(&sealed)))
    }

    /// Opens a stored value with the key that sealed it; a value from before sealing is read
    /// as it is.
    pub fn open(&self, stored: &str) -> Result<String> {
        let Some(rest) = stored.strip_prefix(PREFIX) else {
            return Ok(stored.to_string());
        };
        let keys = self.keys.as_ref().ok_or_else(no_key)?;
        let (fingerprint, data) = rest.split_once(':').ok_or(StoreError::Secrets("malformed"))?;
        let key = std::iter::once(&keys.0).chain(keys.1.iter()).find(|k| k.fingerprint() == fingerprint).ok_or(StoreError::Secrets("unknown_key"))?;
        let bytes = from_hex(data).filter(|b| b.len() > 12).ok_or(StoreError::Secrets("malformed"))?;
        let plain = key.cipher().decrypt(Nonce::from_slice(&bytes[..12]), &bytes[12..]).map_err(|_| StoreError::Secrets("tampered"))?;
        String::from_utf8(plain).map_err(|_| StoreError::Secrets("malformed"))
    }

    /// True when `stored` is sealed with the current key (nothing to do at a rotation).
    fn is_current(&self, stored: &str) -> bool {
        match &self.keys {
            Some(keys) => stored.strip_prefix(PREFIX).is_some_and(|rest| rest.starts_with(&format!("{}:", keys.0.fingerprint()))),
            None => false,
        }
    }
}

impl Store {
    /// This store seals two-step secrets with `current`, and still opens those sealed with
    /// one of `previous` (a key rotation).
    pub fn with_secrets_keys(mut self, current: SecretsKey, previous: Vec<SecretsKey>) -> Store {
        self.sealing = Sealing::new(current, previous);
        self
    }

    /// `plain` sealed with the current key (the enrolment's secret kept in the session).
    pub fn seal(&self, plain: &str) -> Result<String> {
        self.sealing.seal(plain)
    }

    /// A value sealed by [`Store::seal`], opened.
    pub fn open_sealed(&self, stored: &str) -> Result<String> {
        self.sealing.open(stored)
    }

    /// Seals with the current key every two-step secret that is not yet (one stored in clear
    /// before sealing existed, or sealed with a previous key); answers how many. Run at every
    /// start-up: a rotation is "start with the new key and the old one as previous, once".
    pub async fn reseal_secrets(&self) -> Result<u64> {
        let rows: Vec<(i64, String)> =
            with_pool!(self, |p| sqlx::query_as("SELECT id, totp_secret FROM users WHERE totp_secret IS NOT NULL").fetch_all(p).await)?;
        let mut resealed = 0;
        for (id, stored) in rows {
            if self.sealing.is_current(&stored) {
                continue;
            }
            let sealed = self.sealing.seal(&self.sealing.open(&stored)?)?;
            // Only if unchanged meanwhile: another instance may be doing the same.
            let n = with_pool!(self, |p| sqlx::query("UPDATE users SET totp_secret = $2 WHERE id = $1 AND totp_secret = $3")
                .bind(id)
                .bind(&sealed)
                .bind(&stored)
                .execute(p)
                .await
                .map(|r| r.rows_affected()))?;
            resealed += n;
        }
        Ok(resealed)
    }
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn from_hex(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 || !text.is_ascii() {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sealing() -> Sealing {
        Sealing::new(SecretsKey::generate(), vec![])
    }

    #[test]
    fn a_sealed_secret_opens_with_its_key_and_does_not_show_in_the_stored_text() {
        let s = sealing();
        let sealed = s.seal("JBSWY3DPEHPK3PXP").unwrap();
        assert!(sealed.starts_with(PREFIX) && !sealed.contains("JBSWY3DPEHPK3PXP"), "{sealed}");
        assert_ne!(sealed, s.seal("JBSWY3DPEHPK3PXP").unwrap(), "a fresh nonce each time");
        assert_eq!(s.open(&sealed).unwrap(), "JBSWY3DPEHPK3PXP");
    }

    #[test]
    fn another_key_or_a_changed_byte_opens_nothing() {
        let sealed = sealing().seal("JBSWY3DPEHPK3PXP").unwrap();
        assert!(matches!(sealing().open(&sealed), Err(StoreError::Secrets("unknown_key"))));
        let s = sealing();
        let mut tampered = s.seal("JBSWY3DPEHPK3PXP").unwrap();
        let last = tampered.pop().unwrap();
        tampered.push(if last == '0' { '1' } else { '0' });
        assert!(matches!(s.open(&tampered), Err(StoreError::Secrets("tampered"))));
    }

    #[test]
    fn during_a_rotation_the_previous_key_still_opens() {
        let old = SecretsKey::generate();
        let sealed = Sealing::new(old.clone(), vec![]).seal("JBSWY3DPEHPK3PXP").unwrap();
        let rotated = Sealing::new(SecretsKey::generate(), vec![old]);
        assert_eq!(rotated.open(&sealed).unwrap(), "JBSWY3DPEHPK3PXP");
        assert!(!rotated.is_current(&sealed));
        assert!(rotated.is_current(&rotated.seal("x").unwrap()));
    }

    #[test]
    fn keys_are_64_hex_digits_and_never_shown() {
        let key = SecretsKey::parse_hex(&format!("{}\n", "ab".repeat(32))).unwrap();
        assert_eq!(format!("{key:?}"), format!("SecretsKey({})", key.fingerprint()));
        assert!(!format!("{key:?}").contains("abab"));
        assert_eq!(SecretsKey::parse_hex(&key.to_hex()).unwrap().fingerprint(), key.fingerprint());
        for bad in ["", "abc", &"zz".repeat(32), &"ab".repeat(31)] {
            assert!(SecretsKey::parse_hex(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn without_a_key_nothing_is_sealed_and_clear_legacy_values_still_read() {
        let none = Sealing::default();
        assert!(none.seal("x").is_err());
        assert_eq!(none.open("JBSWY3DPEHPK3PXP").unwrap(), "JBSWY3DPEHPK3PXP");
    }
}
