//! The model client against a loopback server speaking the OpenAI chat-completions protocol:
//! streamed SSE chunks, JSON error bodies (429, 500, 400), slow answers, malformed chunks,
//! non-streaming answers; and the assistant's cache, budget and fallback on top of it.

#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use chrono::NaiveDate;
use tidings_ai::llm::{ChatMessage, ChatRequest};
use tidings_ai::{
    AnalyzedArticle, Assistant, ChatModel, LlmError, ModelOutcome, ModelSettings, ModelTask,
    OpenAiCompatible,
};
use tidings_core::{AiCacheKey, AiStore, StorageResult};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

/// One scripted response: status, content type, and body pieces written with pauses.
#[derive(Clone)]
struct Reply {
    status: u16,
    content_type: &'static str,
    extra_headers: Vec<(&'static str, &'static str)>,
    pieces: Vec<(u64, String)>,
}

impl Reply {
    fn stream(pieces: &[&str]) -> Self {
        Reply {
            status: 200,
            content_type: "text/event-stream",
            extra_headers: Vec::new(),
            pieces: pieces.iter().map(|p| (5, (*p).to_owned())).collect(),
        }
    }

    fn json(status: u16, body: &str) -> Self {
        Reply {
            status,
            content_type: "application/json",
            extra_headers: Vec::new(),
            pieces: vec![(0, body.to_owned())],
        }
    }
}

fn chunk(content: &str) -> String {
    format!(
        "data: {}\n\n",
        serde_json::json!({"id": "c1", "object": "chat.completion.chunk", "model": "test",
            "choices": [{"index": 0, "delta": {"content": content}, "finish_reason": null}]})
    )
}

fn finish_chunk(total_tokens: u64) -> String {
    format!(
        "data: {}\n\ndata: {}\n\ndata: [DONE]\n\n",
        serde_json::json!({"id": "c1", "object": "chat.completion.chunk",
            "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}),
        serde_json::json!({"id": "c1", "object": "chat.completion.chunk", "choices": [],
            "usage": {"prompt_tokens": total_tokens - 10, "completion_tokens": 10, "total_tokens": total_tokens}})
    )
}

/// A loopback chat-completions server answering attempt `n` with `script(n, request body)`.
struct FakeServer {
    base_url: url::Url,
    requests: Arc<AtomicUsize>,
    bodies: Arc<Mutex<Vec<serde_json::Value>>>,
}

async fn serve(script: impl Fn(usize) -> Reply + Send + Sync + 'static) -> FakeServer {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let requests = Arc::new(AtomicUsize::new(0));
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let script = Arc::new(script);
    let (count, seen) = (Arc::clone(&requests), Arc::clone(&bodies));
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let n = count.fetch_add(1, Ordering::SeqCst);
            let script = Arc::clone(&script);
            let seen = Arc::clone(&seen);
            tokio::spawn(async move {
                let body = read_request(&mut socket).await;
                assert!(
                    body.0.starts_with("POST /v1/chat/completions "),
                    "{}",
                    body.0
                );
                seen.lock()
                    .unwrap()
                    .push(serde_json::from_str(&body.1).unwrap());
                let reply = script(n);
                let mut head = format!(
                    "HTTP/1.1 {} X\r\nContent-Type: {}\r\nConnection: close\r\n",
                    reply.status, reply.content_type
                );
                for (name, value) in &reply.extra_headers {
                    head.push_str(&format!("{name}: {value}\r\n"));
                }
                head.push_str("\r\n");
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                for (pause, piece) in reply.pieces {
                    tokio::time::sleep(Duration::from_millis(pause)).await;
                    if socket.write_all(piece.as_bytes()).await.is_err() {
                        return;
                    }
                    let _ = socket.flush().await;
                }
                let _ = socket.shutdown().await;
            });
        }
    });
    FakeServer {
        base_url: url::Url::parse(&format!("http://{address}/v1")).unwrap(),
        requests,
        bodies,
    }
}

/// The request line and the JSON body (by Content-Length).
async fn read_request(socket: &mut tokio::net::TcpStream) -> (String, String) {
    let mut buffer = Vec::new();
    let mut byte = [0u8; 1024];
    loop {
        let n = socket.read(&mut byte).await.unwrap();
        buffer.extend_from_slice(&byte[..n]);
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
            let length: usize = head
                .lines()
                .find_map(|l| {
                    l.to_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse().unwrap())
                })
                .unwrap_or(0);
            while buffer.len() < end + 4 + length {
                let n = socket.read(&mut byte).await.unwrap();
                buffer.extend_from_slice(&byte[..n]);
            }
            let body = String::from_utf8_lossy(&buffer[end + 4..end + 4 + length]).into_owned();
            return (head.lines().next().unwrap_or("").to_owned(), body);
        }
        assert!(n > 0, "the client closed before sending a request");
    }
}

fn client(server: &FakeServer, timeout: Duration) -> OpenAiCompatible {
    OpenAiCompatible::new(ModelSettings {
        request_timeout: timeout,
        retry_backoff: Duration::from_millis(20),
        api_key: Some("sk-test".into()),
        ..ModelSettings::new(server.base_url.clone(), "test-model")
    })
    .unwrap()
}

fn request() -> ChatRequest {
    ChatRequest {
        messages: vec![ChatMessage::user("Hello")],
        max_tokens: 50,
        temperature: 0.0,
    }
}

#[tokio::test]
async fn streamed_chunks_arrive_in_order_with_usage() {
    let body = format!(
        "{}{}{}",
        chunk("The navy "),
        chunk("stopped pirates "),
        chunk("[1].")
    );
    // Split the stream at awkward places: inside a JSON object and between CR and LF.
    let (a, rest) = body.split_at(17);
    let (b, c) = rest.split_at(60);
    let server = serve({
        let pieces = [a.to_owned(), b.to_owned(), c.to_owned(), finish_chunk(42)];
        move |_| Reply::stream(&pieces.iter().map(String::as_str).collect::<Vec<_>>())
    })
    .await;
    let model = client(&server, Duration::from_secs(5));
    let (tx, mut rx) = mpsc::channel(16);
    let reply = model.complete(&request(), Some(tx)).await.unwrap();
    assert_eq!(reply.text, "The navy stopped pirates [1].");
    assert_eq!(reply.tokens, 42);
    let mut deltas = Vec::new();
    while let Ok(delta) = rx.try_recv() {
        deltas.push(delta);
    }
    assert_eq!(deltas, vec!["The navy ", "stopped pirates ", "[1]."]);
    let sent = server.bodies.lock().unwrap()[0].clone();
    assert_eq!(sent["model"], "test-model");
    assert_eq!(sent["stream"], true);
    assert_eq!(sent["messages"][0]["content"], "Hello");
}

#[tokio::test]
async fn rate_limits_are_retried_then_succeed() {
    let server = serve(|n| {
        if n == 0 {
            let mut reply = Reply::json(
                429,
                r#"{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}"#,
            );
            reply.extra_headers.push(("Retry-After", "0"));
            reply
        } else {
            Reply::stream(&[&chunk("ok [1]."), &finish_chunk(20)])
        }
    })
    .await;
    let reply = client(&server, Duration::from_secs(5))
        .complete(&request(), None)
        .await
        .unwrap();
    assert_eq!(reply.text, "ok [1].");
    assert_eq!(server.requests.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn server_errors_give_up_after_the_retries_with_the_message() {
    let server = serve(|_| {
        Reply::json(
            500,
            r#"{"error":{"message":"model crashed","type":"server_error"}}"#,
        )
    })
    .await;
    let error = client(&server, Duration::from_secs(5))
        .complete(&request(), None)
        .await
        .unwrap_err();
    assert_eq!(
        error,
        LlmError::Status {
            status: 500,
            message: "model crashed".into()
        }
    );
    assert_eq!(
        server.requests.load(Ordering::SeqCst),
        3,
        "one try and two retries"
    );
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let server = serve(|_| Reply::json(400, r#"{"error":"model 'test-model' not found"}"#)).await;
    let error = client(&server, Duration::from_secs(5))
        .complete(&request(), None)
        .await
        .unwrap_err();
    assert!(
        matches!(error, LlmError::Status { status: 400, ref message } if message.contains("not found"))
    );
    assert_eq!(server.requests.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn slow_answers_time_out() {
    let server = serve(|_| Reply {
        pieces: vec![(2_000, chunk("late"))],
        ..Reply::stream(&[])
    })
    .await;
    let model = OpenAiCompatible::new(ModelSettings {
        request_timeout: Duration::from_millis(200),
        retries: 0,
        ..ModelSettings::new(server.base_url.clone(), "test-model")
    })
    .unwrap();
    let error = model.complete(&request(), None).await.unwrap_err();
    assert_eq!(error, LlmError::Timeout(Duration::from_millis(200)));
}

#[tokio::test]
async fn malformed_chunks_are_reported() {
    let server = serve(|_| Reply::stream(&["data: {\"choices\": [\n\n"])).await;
    let error = client(&server, Duration::from_secs(5))
        .complete(&request(), None)
        .await
        .unwrap_err();
    assert!(matches!(error, LlmError::Malformed(_)), "{error:?}");
    assert_eq!(
        server.requests.load(Ordering::SeqCst),
        1,
        "malformed answers are not retried"
    );
}

#[tokio::test]
async fn a_non_streaming_answer_is_accepted() {
    let server = serve(|_| {
        Reply::json(
            200,
            r#"{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"Plain [2]."},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}}"#,
        )
    })
    .await;
    let reply = client(&server, Duration::from_secs(5))
        .complete(&request(), None)
        .await
        .unwrap();
    assert_eq!((reply.text.as_str(), reply.tokens), ("Plain [2].", 8));
}

/// An in-memory AI cache and token ledger.
#[derive(Default)]
struct MemoryStore {
    results: Mutex<HashMap<AiCacheKey, String>>,
    tokens: Mutex<HashMap<NaiveDate, i64>>,
}

#[async_trait]
impl AiStore for MemoryStore {
    async fn cached_ai_result(&self, key: &AiCacheKey) -> StorageResult<Option<String>> {
        Ok(self.results.lock().unwrap().get(key).cloned())
    }
    async fn store_ai_result(&self, key: &AiCacheKey, value: &str) -> StorageResult<()> {
        self.results
            .lock()
            .unwrap()
            .insert(key.clone(), value.to_owned());
        Ok(())
    }
    async fn ai_tokens_used(&self, day: NaiveDate) -> StorageResult<i64> {
        Ok(self.tokens.lock().unwrap().get(&day).copied().unwrap_or(0))
    }
    async fn add_ai_tokens(&self, day: NaiveDate, tokens: i64) -> StorageResult<i64> {
        let mut map = self.tokens.lock().unwrap();
        let total = map.entry(day).or_insert(0);
        *total += tokens;
        Ok(*total)
    }
}

const ARTICLE: &str = "The Indian Navy stopped pirates in the Gulf of Aden on Saturday. \
    It took 23 pirates into custody. The ship was flying an Ethiopian flag.";

fn grounded_reply() -> Reply {
    Reply::stream(&[
        &chunk("The navy took 23 pirates into custody [2]. "),
        &chunk("The pirates were paid a large ransom [2]."),
        &finish_chunk(300),
    ])
}

#[tokio::test]
async fn answers_are_grounded_cached_and_budgeted() {
    let server = serve(|_| grounded_reply()).await;
    let assistant =
        Assistant::with_model(Arc::new(client(&server, Duration::from_secs(5))), Some(500));
    let store = MemoryStore::default();
    let article = AnalyzedArticle::new("Navy stops pirates", ARTICLE);
    let task = ModelTask::Answer("How many pirates were detained?".into());
    let ModelOutcome::Answered { answer } =
        assistant.model_task(&store, 1, &article, &task, None).await
    else {
        panic!("the model answers");
    };
    assert_eq!(answer.source, "test-model");
    assert_eq!(
        answer.lines.len(),
        1,
        "the unsupported ransom sentence is dropped"
    );
    assert_eq!(answer.lines[0].citations[0].number, 2);
    assert!(answer.notice.as_deref().unwrap().contains("left out"));
    assert!(!answer.cached);

    let ModelOutcome::Answered { answer: again } =
        assistant.model_task(&store, 1, &article, &task, None).await
    else {
        panic!("the cache answers");
    };
    assert!(again.cached);
    assert_eq!(
        server.requests.load(Ordering::SeqCst),
        1,
        "the second answer came from the cache"
    );

    // 300 tokens spent; a second uncached call brings the day to 600, past the 500 budget.
    let other = ModelTask::Answer("Which flag did the ship fly?".into());
    assert!(matches!(
        assistant
            .model_task(&store, 1, &article, &other, None)
            .await,
        ModelOutcome::Answered { .. }
    ));
    let third = ModelTask::Answer("Where were the pirates stopped?".into());
    let ModelOutcome::Unavailable { reason } = assistant
        .model_task(&store, 1, &article, &third, None)
        .await
    else {
        panic!("over budget");
    };
    assert!(reason.contains("budget"), "{reason}");
    assert_eq!(server.requests.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_model_that_is_down_degrades_with_a_message() {
    // Bind then drop a listener: nothing listens on that port any more.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let settings = ModelSettings {
        retries: 1,
        retry_backoff: Duration::from_millis(10),
        ..ModelSettings::new(
            url::Url::parse(&format!("http://127.0.0.1:{port}/v1")).unwrap(),
            "m",
        )
    };
    let assistant = Assistant::with_model(Arc::new(OpenAiCompatible::new(settings).unwrap()), None);
    let store = MemoryStore::default();
    let article = AnalyzedArticle::new("", ARTICLE);
    let outcome = assistant
        .model_task(&store, 1, &article, &ModelTask::Answer("Who?".into()), None)
        .await;
    let ModelOutcome::Unavailable { reason } = outcome else {
        panic!("down")
    };
    assert!(reason.contains("unavailable"), "{reason}");
    let offline = assistant.offline_answer(&article, "How many pirates were taken into custody?");
    assert_eq!(offline.lines[0].citations[0].number, 2);
}

fn quake_sources() -> Vec<tidings_ai::BriefSource> {
    let source = |id: i64, outlet: &str, text: &str| tidings_ai::BriefSource {
        article_id: id,
        outlet: outlet.to_owned(),
        title: "Quake strikes coast".to_owned(),
        text: text.to_owned(),
    };
    vec![
        source(
            11,
            "Coastline Gazette",
            "A strong earthquake struck the coast on Tuesday, killing 12 people. Rescue teams searched the rubble overnight.",
        ),
        source(
            12,
            "Metro Ledger",
            "An earthquake hit the coastal region on Tuesday and killed 15 people. Hundreds of homes were damaged.",
        ),
    ]
}

#[tokio::test]
async fn story_briefs_are_grounded_attributed_and_degrade() {
    // Sentences [1], [2] are the Gazette's; [3], [4] the Ledger's.
    let server = serve(|_| {
        Reply::stream(&[
            &chunk("An earthquake struck the coast on Tuesday, killing 12 people [1]. "),
            &chunk("The earthquake killed 15 people and damaged hundreds of homes [3][4]. "),
            &chunk("Rescue teams searched the rubble overnight [9]. "),
            &chunk("The government promised billions in aid [2]."),
            &finish_chunk(400),
        ])
    })
    .await;
    let assistant = Assistant::with_model(Arc::new(client(&server, Duration::from_secs(5))), None);
    let store = MemoryStore::default();
    let sources = quake_sources();
    let briefs = assistant
        .story_briefs(&store, 5, "Quake strikes coast", &sources)
        .await;
    assert!(!briefs.offline.sentences.is_empty());
    assert_eq!(briefs.model_notice, None);
    let brief = briefs.model.expect("the model writes a brief");
    assert_eq!(brief.source, "test-model");
    let outlets: Vec<&[String]> = brief.lines.iter().map(|l| l.outlets.as_slice()).collect();
    assert_eq!(
        outlets,
        vec![
            &["Coastline Gazette".to_owned()][..],
            &["Metro Ledger".to_owned()][..]
        ],
        "the unknown citation [9] and the unsupported aid sentence are dropped"
    );
    let ledger = &brief.lines[1].citations;
    assert_eq!(
        ledger
            .iter()
            .map(|c| (c.article_id, c.sentence))
            .collect::<Vec<_>>(),
        vec![(12, 1), (12, 2)],
        "story-wide numbers map back to the article's sentences"
    );
    assert!(brief.notice.as_deref().unwrap().contains("2 sentences"));
    let prompt = server.bodies.lock().unwrap()[0].to_string();
    assert!(
        prompt.contains("[3] (Metro Ledger) An earthquake hit"),
        "{prompt}"
    );

    let again = assistant
        .story_briefs(&store, 5, "Quake strikes coast", &sources)
        .await;
    assert!(again.model.unwrap().cached);
    assert_eq!(server.requests.load(Ordering::SeqCst), 1);

    // A model that is down: the offline brief with a note.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let down = ModelSettings {
        retries: 0,
        ..ModelSettings::new(
            url::Url::parse(&format!("http://127.0.0.1:{port}/v1")).unwrap(),
            "m",
        )
    };
    let assistant = Assistant::with_model(Arc::new(OpenAiCompatible::new(down).unwrap()), None);
    let briefs = assistant
        .story_briefs(&MemoryStore::default(), 5, "Quake strikes coast", &sources)
        .await;
    assert!(briefs.model.is_none());
    assert!(
        briefs
            .model_notice
            .as_deref()
            .unwrap()
            .contains("unavailable"),
        "{:?}",
        briefs.model_notice
    );
    assert!(briefs.offline.sentences.len() >= 2);
}
