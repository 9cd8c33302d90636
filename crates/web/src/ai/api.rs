//! The AI JSON API: summary, key points and answers for one article, each line with the
//! numbers and texts of the sentences behind it; a streaming variant of the answer (SSE:
//! `delta` events with the model's text as it comes, then one `answer` event); and the
//! panel's script.

use std::convert::Infallible;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tidings_ai::{
    AiAnswer, AnalyzedArticle, AnswerLine, Citation, ModelOutcome, ModelTask, SummaryStyle,
    check_question, key_points as offline_key_points, summarize,
};
use tidings_core::ArticleId;
use tokio::sync::mpsc;

use super::ClientIp;
use super::panel::answer_with_fallback;
use crate::AppState;
use crate::article_body::ShownBody;
use crate::error::{ApiError, WebError};

/// An AI result for one article.
#[derive(Debug, Serialize)]
pub struct AiPayload {
    pub article_id: ArticleId,
    pub feature: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    /// "offline" or the model's name.
    pub source: String,
    pub declined: bool,
    pub notice: Option<String>,
    pub lines: Vec<AnswerLine>,
}

impl AiPayload {
    fn new(article_id: ArticleId, feature: &'static str, answer: AiAnswer) -> Self {
        AiPayload {
            article_id,
            feature,
            question: None,
            source: answer.source,
            declined: answer.declined,
            notice: answer.notice,
            lines: answer.lines,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct StyleQuery {
    pub style: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct AskBody {
    pub question: String,
}

#[derive(Debug, Deserialize)]
pub struct AskQuery {
    pub q: String,
}

/// The article's title and the body as its policy lets Tidings show it, analyzed.
async fn load(state: &AppState, raw_id: &str) -> Result<(ArticleId, AnalyzedArticle), ApiError> {
    let id = raw_id
        .parse::<ArticleId>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| WebError::NotFound(format!("Article {raw_id:?}")))?;
    let article = state
        .storage
        .article(id)
        .await?
        .ok_or_else(|| WebError::NotFound(format!("Article {id}")))?;
    let text = ShownBody::for_article(&article).text(&article);
    Ok((id, AnalyzedArticle::new(&article.title, &text)))
}

fn self_cited(number: usize, text: &str) -> AnswerLine {
    AnswerLine {
        text: text.to_owned(),
        citations: vec![Citation {
            number,
            text: text.to_owned(),
        }],
    }
}

fn offline(lines: Vec<AnswerLine>) -> AiAnswer {
    AiAnswer {
        source: "offline".to_owned(),
        lines,
        declined: false,
        notice: None,
        cached: false,
    }
}

/// `GET /api/v1/articles/{id}/summary[?style=short|bullets|simple]`.
pub async fn summary(
    State(state): State<AppState>,
    Path(raw_id): Path<String>,
    Query(query): Query<StyleQuery>,
) -> Result<Json<AiPayload>, ApiError> {
    let (id, article) = load(&state, &raw_id).await?;
    let offline_summary = || {
        offline(
            summarize(&article)
                .sentences
                .iter()
                .map(|s| self_cited(s.number, &s.text))
                .collect(),
        )
    };
    let answer = match query.style.as_deref() {
        None => offline_summary(),
        Some(raw) => {
            let style = SummaryStyle::parse(raw).ok_or_else(|| {
                WebError::BadRequest(format!(
                    "style must be short, bullets or simple, not {raw:?}"
                ))
            })?;
            let task = ModelTask::Summary(style);
            match state
                .ai
                .assistant
                .model_task(&*state.storage, id, &article, &task, None)
                .await
            {
                ModelOutcome::Answered { answer } => answer,
                ModelOutcome::Unavailable { reason } => AiAnswer {
                    notice: Some(reason),
                    ..offline_summary()
                },
            }
        }
    };
    Ok(Json(AiPayload::new(id, "summary", answer)))
}

/// `GET /api/v1/articles/{id}/key-points`.
pub async fn key_points(
    State(state): State<AppState>,
    Path(raw_id): Path<String>,
) -> Result<Json<AiPayload>, ApiError> {
    let (id, article) = load(&state, &raw_id).await?;
    let lines = offline_key_points(&article)
        .into_iter()
        .map(|point| AnswerLine {
            citations: vec![Citation {
                number: point.sentence,
                text: article.sentences[point.sentence - 1].text.clone(),
            }],
            text: point.text,
        })
        .collect();
    Ok(Json(AiPayload::new(id, "key_points", offline(lines))))
}

/// `POST /api/v1/articles/{id}/ask` with `{"question": "..."}`.
pub async fn ask(
    State(state): State<AppState>,
    Path(raw_id): Path<String>,
    client: ClientIp,
    body: Result<Json<AskBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(body) = body.map_err(|rejection| {
        WebError::BadRequest(format!(
            "the body must be {{\"question\": \"...\"}} ({rejection})"
        ))
    })?;
    let question = check_question(&body.question)
        .map_err(|e| WebError::BadRequest(e.to_string()))?
        .to_owned();
    let (id, article) = load(&state, &raw_id).await?;
    if !state
        .ai
        .limiter
        .allow(state.storage.as_ref(), client.0)
        .await
        .map_err(WebError::Storage)?
    {
        return Ok(too_many_questions());
    }
    let answer = answer_with_fallback(&state, id, &article, &question).await;
    let mut payload = AiPayload::new(id, "answer", answer);
    payload.question = Some(question);
    Ok(Json(payload).into_response())
}

/// `GET /api/v1/articles/{id}/ask/stream?q=...`: the answer as server-sent events.
pub async fn ask_stream(
    State(state): State<AppState>,
    Path(raw_id): Path<String>,
    client: ClientIp,
    Query(query): Query<AskQuery>,
) -> Result<Response, ApiError> {
    let question = check_question(&query.q)
        .map_err(|e| WebError::BadRequest(e.to_string()))?
        .to_owned();
    let (id, article) = load(&state, &raw_id).await?;
    if !state
        .ai
        .limiter
        .allow(state.storage.as_ref(), client.0)
        .await
        .map_err(WebError::Storage)?
    {
        return Ok(too_many_questions());
    }
    let (events_tx, events_rx) = mpsc::channel::<Event>(64);
    tokio::spawn(async move {
        let answer = match state.ai.assistant.model_name() {
            None => state.ai.assistant.offline_answer(&article, &question),
            Some(_) => {
                let (delta_tx, mut delta_rx) = mpsc::channel::<String>(64);
                let forward_tx = events_tx.clone();
                let forward = tokio::spawn(async move {
                    while let Some(delta) = delta_rx.recv().await {
                        let _ = forward_tx
                            .send(Event::default().event("delta").data(delta))
                            .await;
                    }
                });
                let task = ModelTask::Answer(question.clone());
                let outcome = state
                    .ai
                    .assistant
                    .model_task(&*state.storage, id, &article, &task, Some(delta_tx))
                    .await;
                let _ = forward.await;
                match outcome {
                    ModelOutcome::Answered { answer } => answer,
                    ModelOutcome::Unavailable { reason } => AiAnswer {
                        notice: Some(reason),
                        ..state.ai.assistant.offline_answer(&article, &question)
                    },
                }
            }
        };
        let mut payload = AiPayload::new(id, "answer", answer);
        payload.question = Some(question);
        if let Ok(event) = Event::default().event("answer").json_data(&payload) {
            let _ = events_tx.send(event).await;
        }
    });
    let stream = futures::stream::unfold(events_rx, |mut rx| async move {
        rx.recv()
            .await
            .map(|event| (Ok::<_, Infallible>(event), rx))
    });
    Ok(Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response())
}

fn too_many_questions() -> Response {
    let refused = ApiError(WebError::TooMany(
        "too many questions from your address; wait a few seconds".into(),
    ));
    ([(header::RETRY_AFTER, "6")], refused).into_response()
}

/// The panel's script: answers inline (streamed when a model is configured).
pub async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/ai.js"),
    )
        .into_response()
}
