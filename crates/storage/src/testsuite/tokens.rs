//! Suite checks for API tokens (kind, scopes, expiry, revocation one by one and all at
//! once) and for user names that look alike (NFKC width and case, confusable skeletons).

use chrono::{DateTime, Duration, Utc};
use tidings_core::{
    NewApiToken, Storage, StorageError, TokenKind, TokenScope, TokenScopes, UserId,
};

use super::accounts::new_user;

/// A read-and-comment API token for `user` stored under `hash`.
pub fn api_token(user: UserId, hash: &str, expires_at: Option<DateTime<Utc>>) -> NewApiToken {
    NewApiToken {
        user,
        token_hash: hash.into(),
        label: "bot".into(),
        kind: TokenKind::Api,
        scopes: TokenScopes::new(&TokenScope::ALL),
        expires_at,
    }
}

/// A token reads back with its scopes and expiry, works until it expires, and is still
/// listed (as expired) afterwards.
pub async fn tokens_carry_scopes_and_expire(storage: &dyn Storage) {
    let ann = storage.create_user(new_user("ann")).await.expect("ann");
    let now = Utc::now();
    let read_only = NewApiToken {
        scopes: TokenScopes::new(&[TokenScope::Read]),
        label: "  reader  ".into(),
        ..api_token(ann.id, "read", Some(now + Duration::hours(1)))
    };
    let made = storage.create_api_token(read_only).await.expect("create");
    assert_eq!(made.label, "reader");
    assert_eq!(made.kind, TokenKind::Api);
    assert!(made.scopes.contains(TokenScope::Read));
    assert!(!made.scopes.contains(TokenScope::Comment));
    assert!(made.last_used_at.is_none());
    storage
        .create_api_token(api_token(ann.id, "forever", None))
        .await
        .expect("forever");

    let found = storage
        .api_token("read", now)
        .await
        .expect("read")
        .expect("valid now");
    assert_eq!(found.user.id, ann.id);
    assert_eq!(found.token.id, made.id);
    assert_eq!(found.token.scopes, made.scopes);
    assert!(found.token.last_used_at.is_some(), "the use is recorded");
    let later = now + Duration::hours(2);
    assert!(
        storage
            .api_token("read", later)
            .await
            .expect("read")
            .is_none(),
        "expired"
    );
    let forever = storage
        .api_token("forever", later + Duration::days(3650))
        .await
        .expect("read")
        .expect("a token without expiry keeps working");
    assert!(forever.token.scopes.contains(TokenScope::Comment));

    let listed = storage.api_tokens(ann.id).await.expect("list");
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0].id, made.id);
    assert!(listed[0].last_used_at.is_some(), "last use is listed");
    assert!(listed[0].is_expired(later));
    assert!(!listed[0].is_expired(now));
    assert!(!listed[1].is_expired(later));
    assert_eq!(
        listed[0].expires_at.map(|at| at.timestamp()),
        made.expires_at.map(|at| at.timestamp())
    );
}

/// Revoking a user's tokens ends all of them (and nobody else's).
pub async fn all_tokens_of_a_user_are_revoked_at_once(storage: &dyn Storage) {
    let ann = storage.create_user(new_user("ann")).await.expect("ann");
    let bob = storage.create_user(new_user("bob")).await.expect("bob");
    for hash in ["a1", "a2"] {
        storage
            .create_api_token(api_token(ann.id, hash, None))
            .await
            .expect("ann's token");
    }
    storage
        .create_api_token(api_token(bob.id, "b1", None))
        .await
        .expect("bob's token");
    assert_eq!(
        storage
            .revoke_user_api_tokens(ann.id)
            .await
            .expect("revoke"),
        2
    );
    let now = Utc::now();
    for hash in ["a1", "a2"] {
        assert!(
            storage.api_token(hash, now).await.expect("read").is_none(),
            "{hash}"
        );
    }
    assert!(storage.api_tokens(ann.id).await.expect("list").is_empty());
    assert!(storage.api_token("b1", now).await.expect("read").is_some());
    assert_eq!(
        storage.revoke_user_api_tokens(ann.id).await.expect("again"),
        0
    );
}

/// Names are stored in NFKC; width, case and confusable look-alikes of a taken name are
/// refused; sign-in finds the account under any of its look-alike widths and cases.
pub async fn look_alike_names_are_refused(storage: &dyn Storage) {
    let alice = storage.create_user(new_user("alice")).await.expect("alice");
    storage.create_user(new_user("dave")).await.expect("dave");
    for look_alike in [
        "\u{ff41}\u{ff4c}\u{ff49}\u{ff43}\u{ff45}",
        "d\u{0430}ve",
        "DAVE",
        "AIice",
        "a\u{006c}\u{0456}ce",
    ] {
        assert!(
            matches!(
                storage.create_user(new_user(look_alike)).await,
                Err(StorageError::Conflict(_))
            ),
            "{look_alike:?} registered beside alice and dave"
        );
    }
    let wide = storage
        .create_user(new_user("\u{ff42}\u{ff4f}\u{ff42}"))
        .await
        .expect("bob in fullwidth");
    assert_eq!(wide.name, "bob", "stored in NFKC");
    storage
        .create_user(new_user("davey"))
        .await
        .expect("a different name");
    let (found, _) = storage
        .user_credentials("\u{ff21}LICE")
        .await
        .expect("read")
        .expect("found by a wide, upper-case spelling");
    assert_eq!(found.id, alice.id);
}
