//! The client for OpenAI-compatible chat-completions servers: one POST to
//! `{base_url}/chat/completions` with `stream: true`, the SSE chunks decoded as they arrive
//! (a non-streaming JSON answer is accepted too), JSON error bodies reported, transient
//! failures retried with doubling pauses, a limit on calls in flight, a deadline per call
//! and a cap on the answer's size.
//!
//! Its HTTP client talks only to the operator's configured base URL (loopback allowed, since
//! local model servers live there) and follows no redirects; it never fetches outside
//! pages, which stay with the ingest crate's guarded fetcher.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use futures::StreamExt;
use reqwest::header;
use serde_json::Value;
use tokio::sync::{Semaphore, mpsc};

use super::sse::SseDecoder;
use super::{ChatModel, ChatReply, ChatRequest, LlmError, ModelSettings};

/// Longest pause a `Retry-After` may ask for before we give up instead.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(10);
/// Cap on an error body read for its message.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// A chat model served over the OpenAI chat-completions protocol.
pub struct OpenAiCompatible {
    http: reqwest::Client,
    endpoint: url::Url,
    settings: ModelSettings,
    permits: Arc<Semaphore>,
}

/// How one attempt failed: whether text already reached the reader (no retry then).
struct AttemptError {
    error: LlmError,
    retry_after: Option<Duration>,
    streamed: bool,
}

impl From<LlmError> for AttemptError {
    fn from(error: LlmError) -> Self {
        AttemptError {
            error,
            retry_after: None,
            streamed: false,
        }
    }
}

impl OpenAiCompatible {
    pub fn new(settings: ModelSettings) -> Result<Self, LlmError> {
        let base = &settings.base_url;
        if !matches!(base.scheme(), "http" | "https") || base.host_str().is_none() {
            return Err(LlmError::Config(format!(
                "base_url must be an http(s) URL, got {base}"
            )));
        }
        if settings.model.trim().is_empty() {
            return Err(LlmError::Config("model is empty".into()));
        }
        let mut endpoint = base.clone();
        let path = format!("{}/chat/completions", base.path().trim_end_matches('/'));
        endpoint.set_path(&path);
        let http = reqwest::Client::builder()
            .connect_timeout(settings.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Tidings/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| LlmError::Config(format!("cannot build the HTTP client: {e}")))?;
        Ok(OpenAiCompatible {
            http,
            endpoint,
            permits: Arc::new(Semaphore::new(settings.max_concurrent.max(1))),
            settings,
        })
    }

    async fn attempt(
        &self,
        request: &ChatRequest,
        deltas: Option<&mpsc::Sender<String>>,
    ) -> Result<ChatReply, AttemptError> {
        let body = serde_json::json!({
            "model": self.settings.model,
            "messages": request.messages,
            "max_tokens": request.max_tokens,
            "temperature": request.temperature,
            "stream": true,
            "stream_options": {"include_usage": true},
        });
        let mut call = self
            .http
            .post(self.endpoint.clone())
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ACCEPT, "text/event-stream, application/json")
            .body(body.to_string());
        if let Some(key) = &self.settings.api_key {
            call = call.bearer_auth(key);
        }
        let response = call
            .send()
            .await
            .map_err(|e| LlmError::Unreachable(describe(&e)))?;
        let status = response.status();
        if !status.is_success() {
            let retry_after = response
                .headers()
                .get(header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            let message = error_message(response).await;
            return Err(AttemptError {
                error: LlmError::Status {
                    status: status.as_u16(),
                    message,
                },
                retry_after,
                streamed: false,
            });
        }
        let streaming = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/event-stream"));
        if streaming {
            self.read_stream(response, request, deltas).await
        } else {
            let bytes = read_capped(response, self.settings.max_response_bytes).await?;
            let reply = parse_whole_reply(&bytes, request)?;
            if let Some(tx) = deltas {
                let _ = tx.send(reply.text.clone()).await;
            }
            Ok(reply)
        }
    }

    async fn read_stream(
        &self,
        response: reqwest::Response,
        request: &ChatRequest,
        deltas: Option<&mpsc::Sender<String>>,
    ) -> Result<ChatReply, AttemptError> {
        let mut decoder = SseDecoder::default();
        let mut text = String::new();
        let mut usage = None;
        let mut finished = false;
        let mut bytes_read = 0usize;
        let mut body = response.bytes_stream();
        let fail = |error: LlmError, text: &str| AttemptError {
            error,
            retry_after: None,
            streamed: !text.is_empty(),
        };
        'read: while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|e| fail(LlmError::Unreachable(describe(&e)), &text))?;
            bytes_read += chunk.len();
            if bytes_read > self.settings.max_response_bytes {
                return Err(fail(
                    LlmError::TooLarge(self.settings.max_response_bytes),
                    &text,
                ));
            }
            for data in decoder.push(&chunk) {
                if data.trim() == "[DONE]" {
                    finished = true;
                    break 'read;
                }
                let piece = parse_chunk(&data).map_err(|e| fail(e, &text))?;
                if let Some(tokens) = piece.usage {
                    usage = Some(tokens);
                }
                finished |= piece.finished;
                if !piece.content.is_empty() {
                    text.push_str(&piece.content);
                    if let Some(tx) = deltas {
                        let _ = tx.send(piece.content).await;
                    }
                }
            }
        }
        if !finished {
            if let Some(data) = decoder.finish().filter(|d| d.trim() != "[DONE]") {
                let piece = parse_chunk(&data).map_err(|e| fail(e, &text))?;
                text.push_str(&piece.content);
                finished = piece.finished;
            } else {
                finished = !text.is_empty();
            }
        }
        if !finished {
            return Err(fail(
                LlmError::Malformed("the stream ended before the answer did".into()),
                &text,
            ));
        }
        let tokens = usage.unwrap_or_else(|| estimate_tokens(request, &text));
        Ok(ChatReply { text, tokens })
    }
}

#[async_trait]
impl ChatModel for OpenAiCompatible {
    fn model_name(&self) -> &str {
        &self.settings.model
    }

    async fn complete(
        &self,
        request: &ChatRequest,
        deltas: Option<mpsc::Sender<String>>,
    ) -> Result<ChatReply, LlmError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| LlmError::Config("the model client is shut down".into()))?;
        let mut pause = self.settings.retry_backoff;
        let mut attempt = 0;
        loop {
            let outcome = tokio::time::timeout(
                self.settings.request_timeout,
                self.attempt(request, deltas.as_ref()),
            )
            .await
            .unwrap_or_else(|_| Err(LlmError::Timeout(self.settings.request_timeout).into()));
            let failure = match outcome {
                Ok(reply) => return Ok(reply),
                Err(failure) => failure,
            };
            let wait = failure.retry_after.unwrap_or(pause);
            if attempt >= self.settings.retries
                || failure.streamed
                || !failure.error.is_transient()
                || wait > MAX_RETRY_AFTER
            {
                return Err(failure.error);
            }
            tracing::debug!(error = %failure.error, attempt, "model call failed; retrying");
            tokio::time::sleep(wait).await;
            pause *= 2;
            attempt += 1;
        }
    }
}

/// One decoded stream chunk.
struct ChunkPiece {
    content: String,
    finished: bool,
    usage: Option<u64>,
}

fn parse_chunk(data: &str) -> Result<ChunkPiece, LlmError> {
    let value: Value = serde_json::from_str(data)
        .map_err(|e| LlmError::Malformed(format!("a stream chunk is not JSON ({e})")))?;
    if let Some(error) = value.get("error") {
        return Err(LlmError::Status {
            status: 502,
            message: error_text(error),
        });
    }
    let choice = value.get("choices").and_then(|c| c.get(0));
    let content = choice
        .and_then(|c| c.get("delta"))
        .and_then(|d| d.get("content"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    if choice.is_none() && value.get("usage").is_none() {
        return Err(LlmError::Malformed("a stream chunk has no choices".into()));
    }
    Ok(ChunkPiece {
        content,
        finished: choice
            .and_then(|c| c.get("finish_reason"))
            .is_some_and(|f| !f.is_null()),
        usage: value
            .get("usage")
            .and_then(|u| u.get("total_tokens"))
            .and_then(Value::as_u64),
    })
}

fn parse_whole_reply(bytes: &[u8], request: &ChatRequest) -> Result<ChatReply, LlmError> {
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|e| LlmError::Malformed(format!("the answer is not JSON ({e})")))?;
    let text = value
        .pointer("/choices/0/message/content")
        .and_then(Value::as_str)
        .ok_or_else(|| LlmError::Malformed("the answer has no choices[0].message.content".into()))?
        .to_owned();
    let tokens = value
        .pointer("/usage/total_tokens")
        .and_then(Value::as_u64)
        .unwrap_or_else(|| estimate_tokens(request, &text));
    Ok(ChatReply { text, tokens })
}

/// About four characters a token, when the server does not say.
fn estimate_tokens(request: &ChatRequest, answer: &str) -> u64 {
    let chars: usize = request
        .messages
        .iter()
        .map(|m| m.content.chars().count())
        .sum::<usize>()
        + answer.chars().count();
    (chars / 4 + 1) as u64
}

async fn read_capped(response: reqwest::Response, cap: usize) -> Result<Vec<u8>, LlmError> {
    let mut out = Vec::new();
    let mut body = response.bytes_stream();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| LlmError::Unreachable(describe(&e)))?;
        if out.len() + chunk.len() > cap {
            return Err(LlmError::TooLarge(cap));
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// The message of an error answer: `{"error": {"message": …}}`, `{"error": "…"}` or the
/// start of the body.
async fn error_message(response: reqwest::Response) -> String {
    let bytes = read_capped(response, MAX_ERROR_BODY)
        .await
        .unwrap_or_default();
    let parsed: Option<Value> = serde_json::from_slice(&bytes).ok();
    match parsed.as_ref().and_then(|v| v.get("error")) {
        Some(error) => error_text(error),
        None => String::from_utf8_lossy(&bytes).chars().take(200).collect(),
    }
}

fn error_text(error: &Value) -> String {
    error
        .get("message")
        .and_then(Value::as_str)
        .or_else(|| error.as_str())
        .unwrap_or("unknown error")
        .chars()
        .take(300)
        .collect()
}

/// A network error in one line, without the URL's query (no secrets there, but no noise).
fn describe(error: &reqwest::Error) -> String {
    let kind = if error.is_connect() {
        "connection failed"
    } else if error.is_timeout() {
        "timed out"
    } else if error.is_body() || error.is_decode() {
        "the body broke off"
    } else {
        "request failed"
    };
    match std::error::Error::source(error) {
        Some(source) => format!("{kind}: {source}"),
        None => kind.to_owned(),
    }
}
