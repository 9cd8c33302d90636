//! The operator's console's link to the application: feed discovery and adding through the
//! pipeline's guarded fetcher, OPML export, the effective configuration with secrets masked,
//! and a one-line test of the configured AI endpoint.

use std::time::Duration;

use async_trait::async_trait;
use tidings_core::Feed;
use tidings_ingest::fetcher::FetchRequest;
use tidings_web::admin::{AddFeedRequest, ConsoleBackend, FoundFeed, SettingLine};
use url::Url;

use crate::app::{App, without_password};
use crate::commands::feeds::{AddFeedOptions, add_feed};

/// Endings of a setting's name that mark its value secret (`ai.api_key_env`, the name of a
/// variable, and `ai.daily_token_budget`, a count, are not).
const SECRET_WORDS: [&str; 4] = ["password", "secret", "token", "api_key"];
/// How long the AI test waits at most.
const AI_TEST_DEADLINE: Duration = Duration::from_secs(30);

/// The console backend over an open application.
pub struct AppConsole {
    app: App,
}

impl AppConsole {
    pub fn new(app: &App) -> Self {
        AppConsole {
            app: App {
                config: app.config.clone(),
                storage: std::sync::Arc::clone(&app.storage),
                pipeline: std::sync::Arc::clone(&app.pipeline),
                stories: std::sync::Arc::clone(&app.stories),
            },
        }
    }
}

/// Whether a setting named `name` holds a secret.
pub fn is_secret(name: &str) -> bool {
    let last = name.rsplit('.').next().unwrap_or(name).to_ascii_lowercase();
    SECRET_WORDS.iter().any(|w| last.ends_with(w))
}

/// Every leaf of `value` as a dotted name and its display text, secrets masked and
/// passwords in URLs replaced.
pub fn setting_lines(value: &serde_json::Value) -> Vec<SettingLine> {
    let mut lines = Vec::new();
    let mut stack = vec![(String::new(), value)];
    while let Some((name, value)) = stack.pop() {
        match value {
            serde_json::Value::Object(map) => {
                for (key, child) in map.iter().rev() {
                    let child_name = if name.is_empty() {
                        key.clone()
                    } else {
                        format!("{name}.{key}")
                    };
                    stack.push((child_name, child));
                }
            }
            other => {
                let text = match other {
                    serde_json::Value::String(s) => without_password(s),
                    other => other.to_string(),
                };
                let shown = if is_secret(&name) && !text.is_empty() && text != "\"\"" {
                    "••••••••".to_owned()
                } else {
                    text
                };
                lines.push(SettingLine { name, value: shown });
            }
        }
    }
    lines
}

#[async_trait]
impl ConsoleBackend for AppConsole {
    async fn discover(&self, input: &str, allow_private: bool) -> Result<Vec<FoundFeed>, String> {
        let url = Url::parse(input.trim()).map_err(|e| format!("{input:?} is not a URL: {e}"))?;
        let response = self
            .app
            .pipeline
            .fetcher()
            .get(FetchRequest {
                url: &url,
                allow_private,
                etag: None,
                last_modified: None,
                accept: None,
            })
            .await
            .map_err(|e| format!("cannot fetch {url}: {e}"))?;
        let content_type = response.content_type.as_deref();
        if tidings_ingest::discover::looks_like_feed(&response.body, content_type) {
            let parsed =
                tidings_ingest::feed::parse_feed(&response.body, content_type, &response.final_url)
                    .map_err(|e| format!("{} looks like a feed but cannot be read: {e}", url))?;
            return Ok(vec![FoundFeed {
                url: response.final_url.to_string(),
                title: parsed.title,
                how: "the address is a feed".into(),
            }]);
        }
        let html = String::from_utf8_lossy(&response.body);
        Ok(
            tidings_ingest::discover::discover_feeds(&html, &response.final_url)
                .into_iter()
                .map(|found| FoundFeed {
                    url: found.url,
                    title: found.title,
                    how: "linked from the page".into(),
                })
                .collect(),
        )
    }

    async fn add_feed(&self, request: AddFeedRequest) -> Result<Feed, String> {
        let options = AddFeedOptions {
            publisher: request.publisher,
            policy: request.policy,
            allow_private: request.allow_private,
            interval_minutes: request.interval_minutes,
        };
        add_feed(&self.app, &request.url, options)
            .await
            .map_err(|e| format!("{e:#}"))
    }

    async fn export_opml(&self) -> Result<String, String> {
        crate::commands::opml::export_opml(&self.app)
            .await
            .map_err(|e| format!("{e:#}"))
    }

    fn settings(&self) -> Vec<SettingLine> {
        match serde_json::to_value(&self.app.config) {
            Ok(value) => setting_lines(&value),
            Err(e) => vec![SettingLine {
                name: "error".into(),
                value: format!("the configuration could not be listed: {e}"),
            }],
        }
    }

    async fn test_ai(&self) -> Result<String, String> {
        let model = self
            .app
            .config
            .ai
            .chat_model()
            .map_err(|e| format!("{e:#}"))?
            .ok_or_else(|| {
                "no AI endpoint is configured (ai.base_url is empty); the AI panel works offline"
                    .to_owned()
            })?;
        let request = tidings_ai::llm::ChatRequest {
            messages: vec![tidings_ai::llm::ChatMessage::user(
                "Reply with the single word: ready",
            )],
            max_tokens: 8,
            temperature: 0.0,
        };
        let reply = tokio::time::timeout(AI_TEST_DEADLINE, model.complete(&request, None))
            .await
            .map_err(|_| format!("no answer within {} s", AI_TEST_DEADLINE.as_secs()))?
            .map_err(|e| e.to_string())?;
        let text: String = reply.text.trim().chars().take(200).collect();
        Ok(format!(
            "{} answered {text:?} ({} tokens)",
            model.model_name(),
            reply.tokens
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_masked_and_urls_lose_their_password() {
        let value = serde_json::json!({
            "database_url": "postgres://tidings:hunter2@db/news",
            "metrics": {"bearer_token": "abc", "enabled": true},
            "ai": {"api_key_env": "OPENAI_KEY", "model": "m", "daily_token_budget": 5000},
        });
        let lines = setting_lines(&value);
        let get = |name: &str| {
            lines
                .iter()
                .find(|l| l.name == name)
                .map(|l| l.value.clone())
                .unwrap_or_default()
        };
        assert_eq!(get("database_url"), "postgres://tidings:***@db/news");
        assert_eq!(get("metrics.bearer_token"), "••••••••");
        assert_eq!(get("metrics.enabled"), "true");
        assert_eq!(get("ai.api_key_env"), "OPENAI_KEY");
        assert_eq!(get("ai.daily_token_budget"), "5000");
        assert!(lines.iter().all(|l| !l.value.contains("hunter2")));
    }
}
