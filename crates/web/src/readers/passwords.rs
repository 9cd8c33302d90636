//! Password hashing with Argon2id (the crate's defaults: 19 MiB, 2 passes, 1 lane, as OWASP
//! recommends) and the rules a new password must meet.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

/// The shortest and longest passwords accepted, in characters.
pub const MIN_PASSWORD_CHARS: usize = 10;
pub const MAX_PASSWORD_CHARS: usize = 200;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PasswordError {
    #[error("the password must have at least {MIN_PASSWORD_CHARS} characters")]
    TooShort,
    #[error("the password must have at most {MAX_PASSWORD_CHARS} characters")]
    TooLong,
    #[error("the password could not be hashed: {0}")]
    Hashing(String),
}

/// The Argon2id PHC string of `password`, after checking its length.
pub fn hash_password(password: &str) -> Result<String, PasswordError> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(PasswordError::TooShort);
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(PasswordError::TooLong);
    }
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| PasswordError::Hashing(e.to_string()))
}

/// Whether `password` matches the stored hash (a malformed hash matches nothing).
pub fn verify_password(password: &str, stored: &str) -> bool {
    if password.chars().count() > MAX_PASSWORD_CHARS {
        return false;
    }
    PasswordHash::new(stored).is_ok_and(|hash| {
        Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
    })
}

/// A hash of a random password, verified against when the account does not exist so that
/// an unknown name takes as long to refuse as a wrong password.
#[derive(Debug, Default)]
pub struct DummyHash(OnceLock<String>);

impl DummyHash {
    pub fn get(&self) -> &str {
        self.0.get_or_init(|| {
            let random: [u8; 16] = rand::random();
            hash_password(&hex::encode(random)).unwrap_or_default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ_per_salt() {
        let one = hash_password("correct horse battery").expect("hash");
        let two = hash_password("correct horse battery").expect("hash");
        assert!(one.starts_with("$argon2id$"), "{one}");
        assert_ne!(one, two, "salted");
        assert!(verify_password("correct horse battery", &one));
        assert!(!verify_password("correct horse battery!", &one));
        assert!(!verify_password("anything", "not a hash"));
    }

    #[test]
    fn lengths_are_checked() {
        assert_eq!(hash_password("short"), Err(PasswordError::TooShort));
        assert_eq!(
            hash_password(&"x".repeat(MAX_PASSWORD_CHARS + 1)),
            Err(PasswordError::TooLong)
        );
    }

    #[test]
    fn the_dummy_hash_is_a_real_hash() {
        let dummy = DummyHash::default();
        assert!(dummy.get().starts_with("$argon2id$"));
        assert!(!verify_password("guess guess guess", dummy.get()));
    }
}
