//! Language models behind one trait: [`ChatModel`] takes chat messages and returns the
//! model's text, streaming pieces to a channel as they arrive. [`OpenAiCompatible`] speaks the
//! chat-completions protocol (Ollama, llama.cpp server, vLLM, OpenAI); [`grounding`] turns
//! an article into numbered sentences and checks the model's citations.

pub mod grounding;
mod openai;
pub mod sse;

use std::time::Duration;

use async_trait::async_trait;
use serde::Serialize;
use tokio::sync::mpsc;

pub use openai::OpenAiCompatible;

/// One chat message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChatMessage {
    /// "system" or "user".
    pub role: &'static str,
    pub content: String,
}

impl ChatMessage {
    pub fn system(content: impl Into<String>) -> Self {
        ChatMessage {
            role: "system",
            content: content.into(),
        }
    }

    pub fn user(content: impl Into<String>) -> Self {
        ChatMessage {
            role: "user",
            content: content.into(),
        }
    }
}

/// What to ask the model.
#[derive(Debug, Clone)]
pub struct ChatRequest {
    pub messages: Vec<ChatMessage>,
    pub max_tokens: u32,
    pub temperature: f32,
}

/// The model's whole reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatReply {
    pub text: String,
    /// Prompt plus completion tokens, as the server reported them or estimated.
    pub tokens: u64,
}

/// Why a model call failed. Every variant degrades to the offline features.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LlmError {
    #[error("the model server could not be reached: {0}")]
    Unreachable(String),
    #[error("the model did not answer within {0:?}")]
    Timeout(Duration),
    #[error("the model server answered {status}: {message}")]
    Status { status: u16, message: String },
    #[error("the model server sent a malformed answer: {0}")]
    Malformed(String),
    #[error("the model's answer exceeded {0} bytes")]
    TooLarge(usize),
    #[error("today's AI token budget is spent")]
    OverBudget,
    #[error("the AI configuration is invalid: {0}")]
    Config(String),
}

impl LlmError {
    /// Worth another try after a pause (rate limits, server errors, network trouble).
    pub fn is_transient(&self) -> bool {
        match self {
            LlmError::Unreachable(_) | LlmError::Timeout(_) => true,
            LlmError::Status { status, .. } => *status == 429 || *status >= 500,
            _ => false,
        }
    }
}

/// A chat model. `deltas`, when given, receives the reply's text piece by piece.
#[async_trait]
pub trait ChatModel: Send + Sync {
    /// The model's name, part of every cache key.
    fn model_name(&self) -> &str;

    async fn complete(
        &self,
        request: &ChatRequest,
        deltas: Option<mpsc::Sender<String>>,
    ) -> Result<ChatReply, LlmError>;
}

/// Connection settings for an OpenAI-compatible server.
#[derive(Debug, Clone)]
pub struct ModelSettings {
    /// Up to and including `/v1`, e.g. `http://localhost:11434/v1`.
    pub base_url: url::Url,
    pub model: String,
    /// Sent as a bearer token when set (read from the environment by the binary).
    pub api_key: Option<String>,
    pub connect_timeout: Duration,
    /// For the whole call, streaming included.
    pub request_timeout: Duration,
    /// Extra attempts after a transient failure.
    pub retries: u32,
    /// First pause between attempts; doubled each time.
    pub retry_backoff: Duration,
    pub max_concurrent: usize,
    /// Cap on one answer's bytes.
    pub max_response_bytes: usize,
}

impl ModelSettings {
    pub fn new(base_url: url::Url, model: impl Into<String>) -> Self {
        ModelSettings {
            base_url,
            model: model.into(),
            api_key: None,
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(60),
            retries: 2,
            retry_backoff: Duration::from_millis(500),
            max_concurrent: 2,
            max_response_bytes: 1024 * 1024,
        }
    }
}
