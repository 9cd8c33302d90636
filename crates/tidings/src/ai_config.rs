//! The `[ai]` configuration: which OpenAI-compatible model (if any) the AI panel may use,
//! how to reach it and how much it may spend. With no `base_url`, every AI feature runs
//! offline.

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tidings_ai::{Assistant, ModelSettings, OpenAiCompatible};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct AiConfig {
    /// The server's chat-completions base URL up to `/v1` ("http://localhost:11434/v1");
    /// empty for offline features only.
    pub base_url: String,
    /// The model's name on that server ("llama3.1:8b").
    pub model: String,
    /// The environment variable holding the API key, if the server needs one.
    pub api_key_env: String,
    pub connect_timeout_secs: u64,
    /// Deadline for one model call. Pages wait for it, so keep it under 15 s.
    pub request_timeout_secs: u64,
    /// Extra attempts after a rate limit, server error or network failure.
    pub retries: u32,
    /// First pause between attempts, doubled each time.
    pub retry_backoff_ms: u64,
    /// Model calls in flight at once.
    pub max_concurrent: usize,
    /// Tokens the model may use per UTC day; 0 for no limit.
    pub daily_token_budget: u64,
}

impl Default for AiConfig {
    fn default() -> Self {
        AiConfig {
            base_url: String::new(),
            model: String::new(),
            api_key_env: String::new(),
            connect_timeout_secs: 5,
            request_timeout_secs: 12,
            retries: 2,
            retry_backoff_ms: 500,
            max_concurrent: 2,
            daily_token_budget: 200_000,
        }
    }
}

impl AiConfig {
    /// Rejects settings that cannot work, naming them.
    pub fn validate(&self) -> anyhow::Result<()> {
        if self.base_url.is_empty() {
            return Ok(());
        }
        let url = url::Url::parse(&self.base_url)
            .map_err(|e| anyhow::anyhow!("configuration: ai.base_url is not a URL: {e}"))?;
        if !matches!(url.scheme(), "http" | "https") {
            anyhow::bail!("configuration: ai.base_url must be http or https");
        }
        if self.model.trim().is_empty() {
            anyhow::bail!("configuration: ai.model must be set when ai.base_url is");
        }
        if self.request_timeout_secs == 0 || self.connect_timeout_secs == 0 {
            anyhow::bail!("configuration: ai timeouts must be at least 1 s");
        }
        if self.max_concurrent == 0 {
            anyhow::bail!("configuration: ai.max_concurrent must be at least 1");
        }
        Ok(())
    }

    /// The assistant these settings describe: offline without a base URL. The API key is
    /// read from the environment here and never logged.
    pub fn assistant(&self) -> anyhow::Result<Assistant> {
        let Some(model) = self.chat_model()? else {
            return Ok(Assistant::offline());
        };
        let budget = (self.daily_token_budget > 0).then_some(self.daily_token_budget);
        Ok(Assistant::with_model(model, budget))
    }

    /// The configured model client, `None` without a base URL.
    pub fn chat_model(&self) -> anyhow::Result<Option<Arc<dyn tidings_ai::ChatModel>>> {
        if self.base_url.is_empty() {
            return Ok(None);
        }
        let base_url = url::Url::parse(&self.base_url)
            .map_err(|e| anyhow::anyhow!("configuration: ai.base_url is not a URL: {e}"))?;
        let api_key = if self.api_key_env.is_empty() {
            None
        } else {
            match std::env::var(&self.api_key_env) {
                Ok(key) if !key.is_empty() => Some(key),
                _ => anyhow::bail!(
                    "configuration: ai.api_key_env names {}, which is not set",
                    self.api_key_env
                ),
            }
        };
        let settings = ModelSettings {
            api_key,
            connect_timeout: Duration::from_secs(self.connect_timeout_secs),
            request_timeout: Duration::from_secs(self.request_timeout_secs),
            retries: self.retries,
            retry_backoff: Duration::from_millis(self.retry_backoff_ms),
            max_concurrent: self.max_concurrent,
            ..ModelSettings::new(base_url, self.model.clone())
        };
        let model =
            OpenAiCompatible::new(settings).map_err(|e| anyhow::anyhow!("configuration: {e}"))?;
        Ok(Some(Arc::new(model)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offline_by_default_and_checked_when_set() {
        let config = AiConfig::default();
        assert!(config.validate().is_ok());
        assert!(config.assistant().expect("offline").model_name().is_none());
        let missing_model = AiConfig {
            base_url: "http://localhost:11434/v1".into(),
            ..AiConfig::default()
        };
        assert!(missing_model.validate().is_err());
        let ollama = AiConfig {
            model: "llama3.1".into(),
            ..missing_model
        };
        assert!(ollama.validate().is_ok());
        assert_eq!(
            ollama.assistant().expect("model").model_name(),
            Some("llama3.1")
        );
        let no_key = AiConfig {
            api_key_env: "TIDINGS_TEST_SURELY_UNSET_KEY".into(),
            ..ollama
        };
        assert!(no_key.assistant().is_err());
    }
}
