//! The `[accounts]` and `[comments]` configuration sections and the web settings built from
//! them.

use serde::{Deserialize, Serialize};
use tidings_web::readers::{AccountSettings, CommentRules};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct AccountsConfig {
    /// Whether anyone may register (the `user create` command always can).
    pub registration_open: bool,
    /// Mark cookies `Secure`: "auto" (when server.base_url is https), "always" or "never".
    pub secure_cookies: String,
    /// Behind a reverse proxy: take the client address from `X-Forwarded-For`.
    pub trust_forwarded_for: bool,
    /// How long a sign-in lasts, in days.
    pub session_days: u32,
}

impl Default for AccountsConfig {
    fn default() -> Self {
        AccountsConfig {
            registration_open: true,
            secure_cookies: "auto".to_owned(),
            trust_forwarded_for: false,
            session_days: 30,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct CommentsConfig {
    /// Hold a new account's first comment until a moderator approves it.
    pub hold_first_comment: bool,
    /// Comments containing one of these words (whole words, any case) are refused.
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

impl Default for CommentsConfig {
    fn default() -> Self {
        let rules = CommentRules::default();
        CommentsConfig {
            hold_first_comment: rules.hold_first_comment,
            blocked_words: rules.blocked_words,
            new_account_days: rules.new_account_days,
            new_account_max_links: rules.new_account_max_links,
            account_posts_per_hour: rules.account_posts_per_hour,
            ip_posts_per_hour: rules.ip_posts_per_hour,
            max_chars: rules.max_chars,
        }
    }
}

impl AccountsConfig {
    /// Refuses values that cannot work, naming the setting.
    pub fn validate(&self, comments: &CommentsConfig) -> anyhow::Result<()> {
        if !["auto", "always", "never"].contains(&self.secure_cookies.as_str()) {
            anyhow::bail!("configuration: accounts.secure_cookies must be auto, always or never");
        }
        if self.session_days == 0 {
            anyhow::bail!("configuration: accounts.session_days must be at least 1");
        }
        if comments.account_posts_per_hour == 0 || comments.ip_posts_per_hour == 0 {
            anyhow::bail!("configuration: comments.*_posts_per_hour must be at least 1");
        }
        if !(1..=100_000).contains(&comments.max_chars) {
            anyhow::bail!("configuration: comments.max_chars must be between 1 and 100000");
        }
        Ok(())
    }

    /// The web layer's settings; `base_url` decides "auto" cookie security.
    pub fn settings(&self, comments: &CommentsConfig, base_url: &str) -> AccountSettings {
        let mut settings = AccountSettings::new(CommentRules {
            hold_first_comment: comments.hold_first_comment,
            blocked_words: comments.blocked_words.clone(),
            new_account_days: comments.new_account_days,
            new_account_max_links: comments.new_account_max_links,
            account_posts_per_hour: comments.account_posts_per_hour,
            ip_posts_per_hour: comments.ip_posts_per_hour,
            max_chars: comments.max_chars,
        });
        settings.secure_cookies = match self.secure_cookies.as_str() {
            "always" => true,
            "never" => false,
            _ => base_url.starts_with("https://"),
        };
        settings.trust_forwarded_for = self.trust_forwarded_for;
        settings.registration_open = self.registration_open;
        settings.session_lifetime =
            std::time::Duration::from_secs(u64::from(self.session_days) * 24 * 3600);
        settings
    }
}
