//! How accounts and comments behave (cookie security, session length, sign-in throttling
//! and slow-down,
//! the comment rules) and what goes with them: the site-wide secret that signs anonymous
//! forms' CSRF tokens and the throttles, both kept in the database so that every web process
//! of a site agrees.

use std::sync::Arc;
use std::time::Duration;

use tidings_core::{Storage, StorageError, StorageResult};
use tokio::sync::OnceCell;

use super::passwords::DummyHash;
use crate::throttle::Throttle;

/// The name of the anonymous-form CSRF secret in the database.
const CSRF_SECRET: &str = "csrf-anonymous-forms";

/// What moderators configure about comments.
#[derive(Debug, Clone)]
pub struct CommentRules {
    /// Hold a new account's first comment until a moderator approves it.
    pub hold_first_comment: bool,
    /// Comments containing one of these words (any case) are refused.
    pub blocked_words: Vec<String>,
    /// Accounts younger than this many days count as new.
    pub new_account_days: u32,
    /// The most links a comment by a new account may contain.
    pub new_account_max_links: usize,
    /// Comments one account may post per hour.
    pub account_posts_per_hour: u32,
    /// Comments one address may post per hour.
    pub ip_posts_per_hour: u32,
    /// The longest comment, in characters.
    pub max_chars: usize,
}

impl Default for CommentRules {
    fn default() -> Self {
        CommentRules {
            hold_first_comment: true,
            blocked_words: Vec::new(),
            new_account_days: 3,
            new_account_max_links: 1,
            account_posts_per_hour: 30,
            ip_posts_per_hour: 60,
            max_chars: 10_000,
        }
    }
}

/// Accounts and comments: settings plus the site's secret and throttles. Cheap to clone.
#[derive(Clone)]
pub struct AccountSettings {
    /// Mark cookies `Secure` (the site is served over https, perhaps behind a proxy).
    pub secure_cookies: bool,
    /// Take the client address from the last `X-Forwarded-For` hop (behind a reverse proxy).
    pub trust_forwarded_for: bool,
    /// Whether anyone may register (accounts can always be made with the command line).
    pub registration_open: bool,
    pub session_lifetime: Duration,
    pub rules: CommentRules,
    /// Read from the database on first use (created there by the first process to ask).
    secret: Arc<OnceCell<[u8; 32]>>,
    /// Failed sign-ins per address and name: a lock-out for that pair only.
    pub(crate) signin_per_pair: Throttle,
    /// Failed sign-ins per address, whatever the names.
    pub(crate) signin_per_ip: Throttle,
    /// Failed sign-ins per account from anywhere: counted for the slow-down, never a lock-out
    /// (anyone may type a name, so a lock-out per account would lock out its owner).
    pub(crate) signin_per_account: Throttle,
    /// The slow-down per failure beyond [`SIGNIN_FAILURES_PER_ACCOUNT`], and its ceiling.
    pub signin_slowdown_step: Duration,
    pub signin_slowdown_max: Duration,
    pub(crate) posts_per_account: Throttle,
    pub(crate) posts_per_ip: Throttle,
    pub(crate) registrations_per_ip: Throttle,
    pub(crate) dummy_hash: Arc<DummyHash>,
}

/// Failed sign-ins allowed per address and name, and per address, in [`SIGNIN_WINDOW`].
pub const SIGNIN_FAILURES_PER_PAIR: u32 = 5;
pub const SIGNIN_FAILURES_PER_IP: u32 = 20;
/// Failed sign-ins of one account (from anywhere) in [`SIGNIN_WINDOW`] after which every
/// attempt on it is answered more slowly.
pub const SIGNIN_FAILURES_PER_ACCOUNT: u32 = 5;
pub const SIGNIN_WINDOW: Duration = Duration::from_secs(15 * 60);
/// Accounts one address may register per hour.
pub const REGISTRATIONS_PER_IP_PER_HOUR: u32 = 10;
const HOUR: Duration = Duration::from_secs(3600);

impl AccountSettings {
    /// Settings with these comment rules.
    pub fn new(rules: CommentRules) -> Self {
        AccountSettings {
            secure_cookies: false,
            trust_forwarded_for: false,
            registration_open: true,
            session_lifetime: Duration::from_secs(30 * 24 * 3600),
            secret: Arc::new(OnceCell::new()),
            signin_per_pair: Throttle::new("signin-pair", SIGNIN_FAILURES_PER_PAIR, SIGNIN_WINDOW),
            signin_per_ip: Throttle::new("signin-ip", SIGNIN_FAILURES_PER_IP, SIGNIN_WINDOW),
            signin_per_account: Throttle::new(
                "signin-account",
                SIGNIN_FAILURES_PER_ACCOUNT,
                SIGNIN_WINDOW,
            ),
            signin_slowdown_step: Duration::from_secs(1),
            signin_slowdown_max: Duration::from_secs(5),
            posts_per_account: Throttle::new("posts-account", rules.account_posts_per_hour, HOUR),
            posts_per_ip: Throttle::new("posts-ip", rules.ip_posts_per_hour, HOUR),
            registrations_per_ip: Throttle::new(
                "registrations-ip",
                REGISTRATIONS_PER_IP_PER_HOUR,
                HOUR,
            ),
            dummy_hash: Arc::new(DummyHash::default()),
            rules,
        }
    }
}

impl AccountSettings {
    /// How long to hold a sign-in for an account with `failures` recent failures: nothing up
    /// to [`SIGNIN_FAILURES_PER_ACCOUNT`], then one step more per failure, up to the ceiling.
    pub(crate) fn signin_slowdown(&self, failures: u32) -> Duration {
        let beyond = (failures + 1).saturating_sub(SIGNIN_FAILURES_PER_ACCOUNT);
        self.signin_slowdown_step
            .saturating_mul(beyond)
            .min(self.signin_slowdown_max)
    }

    /// The secret that signs anonymous forms' CSRF tokens, the same in every process.
    pub(crate) async fn csrf_secret(&self, storage: &dyn Storage) -> StorageResult<[u8; 32]> {
        self.secret
            .get_or_try_init(|| async {
                let fresh: [u8; 32] = rand::random();
                let stored = storage.site_secret(CSRF_SECRET, &fresh).await?;
                <[u8; 32]>::try_from(stored.as_slice()).map_err(|_| {
                    StorageError::Backend(format!(
                        "the stored secret {CSRF_SECRET} has {} bytes, not 32",
                        stored.len()
                    ))
                })
            })
            .await
            .copied()
    }
}

impl Default for AccountSettings {
    fn default() -> Self {
        AccountSettings::new(CommentRules::default())
    }
}
