//! CSRF tokens. A signed-in reader's token is an HMAC of their session token, so it is tied
//! to the session and unknowable without it. Anonymous forms (sign-in, register, password
//! reset) use a signed double submit: a random cookie, and in the form the HMAC of that
//! cookie under the process's secret. Requests authenticated by an API token carry no
//! ambient credentials and need no CSRF token.

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The API header carrying the token (forms send it as the `csrf_token` field).
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The token for the session whose (raw) token is `session_token`.
pub fn session_csrf_token(session_token: &str) -> String {
    sign(session_token.as_bytes(), b"tidings csrf v1")
}

/// The token for anonymous forms of a browser holding the form cookie `cookie`.
pub fn anonymous_csrf_token(secret: &[u8; 32], cookie: &str) -> String {
    sign(secret, cookie.as_bytes())
}

fn sign(key: &[u8], message: &[u8]) -> String {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = match HmacSha256::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => return String::new(),
    };
    mac.update(message);
    hex::encode(mac.finalize().into_bytes())
}

/// Compares in time independent of where the strings differ; empty never matches.
pub fn tokens_match(expected: &str, submitted: &str) -> bool {
    if expected.is_empty() || expected.len() != submitted.len() {
        return false;
    }
    expected
        .bytes()
        .zip(submitted.bytes())
        .fold(0u8, |acc, (a, b)| acc | (a ^ b))
        == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_depend_on_their_inputs() {
        assert_ne!(session_csrf_token("a"), session_csrf_token("b"));
        let secret = [7u8; 32];
        assert_ne!(
            anonymous_csrf_token(&secret, "cookie"),
            anonymous_csrf_token(&[8u8; 32], "cookie")
        );
        assert_eq!(session_csrf_token("a").len(), 64);
    }

    #[test]
    fn matching_is_exact() {
        let token = session_csrf_token("s");
        assert!(tokens_match(&token, &token));
        assert!(!tokens_match(&token, &token[..63]));
        assert!(!tokens_match(&token, ""));
        assert!(!tokens_match("", ""));
    }
}
