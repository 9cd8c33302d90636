//! The checks a comment passes before it is stored: length, blocked words, the link limit
//! for new accounts, bans and the posting rate per account and per address; and whether it
//! is held for review.

use chrono::{Duration, Utc};
use tidings_core::{Storage, User};

use super::comment_render::link_count;
use super::settings::AccountSettings;
use crate::error::{WebError, WebResult};
use crate::throttle::minutes_text;

/// Refuses the text of a comment (new or edited) when it breaks a rule; names the rule.
pub fn check_body(
    settings: &AccountSettings,
    author: &User,
    markdown: &str,
    html: &str,
) -> WebResult<()> {
    let rules = &settings.rules;
    if markdown.trim().is_empty() {
        return Err(WebError::Unprocessable("the comment is empty".into()));
    }
    let chars = markdown.chars().count();
    if chars > rules.max_chars {
        return Err(WebError::Unprocessable(format!(
            "the comment is too long ({chars} characters; at most {})",
            rules.max_chars
        )));
    }
    let lowered = markdown.to_lowercase();
    if rules
        .blocked_words
        .iter()
        .any(|word| !word.is_empty() && contains_word(&lowered, &word.to_lowercase()))
    {
        return Err(WebError::Unprocessable(
            "the comment contains a word this site does not allow".into(),
        ));
    }
    if is_new_account(settings, author) && link_count(html) > rules.new_account_max_links {
        return Err(WebError::Unprocessable(format!(
            "new accounts may include at most {} link(s) per comment",
            rules.new_account_max_links
        )));
    }
    Ok(())
}

/// Counts a post against the author's and the address's hourly limits; refuses when over.
pub async fn check_rate(
    storage: &dyn Storage,
    settings: &AccountSettings,
    author: &User,
    client: &str,
) -> WebResult<()> {
    if author.banned {
        return Err(WebError::Forbidden("this account is banned".into()));
    }
    let too_many = |wait| {
        WebError::TooMany(format!(
            "you are posting too quickly; please wait {}",
            minutes_text(wait)
        ))
    };
    if let Some(wait) = settings.posts_per_ip.wait_for(storage, client).await? {
        return Err(too_many(wait));
    }
    settings
        .posts_per_account
        .try_acquire(storage, &author.id.to_string())
        .await?
        .map_err(too_many)?;
    settings.posts_per_ip.record(storage, client).await?;
    Ok(())
}

/// Whether a new comment by `author` waits for a moderator.
pub fn hold_for_review(settings: &AccountSettings, author: &User) -> bool {
    settings.rules.hold_first_comment
        && author.approved_comments == 0
        && !author.role.can_moderate()
}

fn is_new_account(settings: &AccountSettings, author: &User) -> bool {
    !author.role.can_moderate()
        && Utc::now() - author.created_at
            < Duration::days(i64::from(settings.rules.new_account_days))
}

/// Whether `word` appears in `text` on its own (not inside a longer word).
fn contains_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::readers::settings::CommentRules;
    use tidings_core::Role;

    fn user(days_old: i64, approved: i64) -> User {
        User {
            id: 1,
            name: "ann".into(),
            role: Role::Reader,
            banned: false,
            created_at: Utc::now() - Duration::days(days_old),
            approved_comments: approved,
        }
    }

    fn settings() -> AccountSettings {
        AccountSettings::new(CommentRules {
            blocked_words: vec!["Spam".into()],
            account_posts_per_hour: 2,
            ..CommentRules::default()
        })
    }

    #[test]
    fn blocked_words_match_whole_words_in_any_case() {
        let s = settings();
        assert!(check_body(&s, &user(10, 1), "Buy SPAM now", "<p>x</p>").is_err());
        assert!(check_body(&s, &user(10, 1), "spammy but fine", "<p>x</p>").is_ok());
    }

    #[test]
    fn new_accounts_have_a_link_limit() {
        let s = settings();
        let two_links = r#"<a href="https://a">a</a> <a href="https://b">b</a>"#;
        assert!(check_body(&s, &user(0, 0), "x", two_links).is_err());
        assert!(check_body(&s, &user(30, 0), "x", two_links).is_ok());
    }

    #[tokio::test]
    async fn first_comments_are_held_and_posting_is_rate_limited() {
        let s = settings();
        let storage = tidings_storage::SqliteStorage::open_in_memory()
            .await
            .expect("storage");
        assert!(hold_for_review(&s, &user(0, 0)));
        assert!(!hold_for_review(&s, &user(0, 1)));
        let author = user(10, 3);
        assert!(check_rate(&storage, &s, &author, "10.0.0.1").await.is_ok());
        assert!(check_rate(&storage, &s, &author, "10.0.0.2").await.is_ok());
        assert!(matches!(
            check_rate(&storage, &s, &author, "10.0.0.3").await,
            Err(WebError::TooMany(_))
        ));
    }
}
