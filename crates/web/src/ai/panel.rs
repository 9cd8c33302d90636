//! The AI panel's view on the article page: the summary and key points linked to their
//! sentences, the question form's answer with its cited sentences marked in the body, and,
//! with a model, a summary in a chosen style or a translation. A model that fails leaves
//! the offline results and a note, never an error page.

use std::collections::BTreeSet;

use serde::Deserialize;
use tidings_ai::{
    AiAnswer, AnalyzedArticle, MAX_QUESTION_CHARS, ModelOutcome, ModelTask, SummaryStyle,
    check_question, key_points, summarize,
};
use tidings_core::ArticleId;

use super::ClientIp;
use super::anchors::{anchor_sentences, sentence_href};
use crate::AppState;
use crate::article_page::ArticlePage;

/// The panel's query parameters: a question, a summary style or a language.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct PanelRequest {
    pub q: Option<String>,
    pub style: Option<String>,
    pub lang: Option<String>,
}

/// A link to a sentence of the body.
#[derive(Debug, Clone)]
pub struct SentenceLink {
    pub number: usize,
    pub href: String,
}

/// A line of the panel and the sentences behind it.
#[derive(Debug, Clone)]
pub struct LinkedLine {
    pub text: String,
    pub citations: Vec<SentenceLink>,
}

/// An answer, model summary or translation as shown.
#[derive(Debug, Clone)]
pub struct AnswerView {
    pub source: String,
    pub from_model: bool,
    pub lines: Vec<LinkedLine>,
    pub declined: bool,
    pub notice: Option<String>,
}

/// Everything the panel shows.
#[derive(Debug, Clone)]
pub struct AiPanelView {
    pub article_id: ArticleId,
    pub summary: Vec<LinkedLine>,
    pub key_points: Vec<LinkedLine>,
    pub question: String,
    pub answer: Option<AnswerView>,
    /// Why the question was not answered (too long, too many questions).
    pub problem: Option<String>,
    pub model_name: Option<String>,
    pub model_result: Option<AnswerView>,
    /// Why the model's result is missing.
    pub notice: Option<String>,
    pub max_question_chars: usize,
    pub styles: Vec<(&'static str, &'static str)>,
}

/// Builds the panel for the article shown on `page` (from `text`, the body as the policy
/// shows it) and anchors the body's sentences.
pub async fn attach_panel(
    state: &AppState,
    page: &mut ArticlePage,
    id: ArticleId,
    text: &str,
    request: &PanelRequest,
    client: ClientIp,
) {
    let article = AnalyzedArticle::new(&page.title, text);
    let assistant = &state.ai.assistant;
    let mut panel = AiPanelView {
        article_id: id,
        summary: Vec::new(),
        key_points: Vec::new(),
        question: request.q.clone().unwrap_or_default(),
        answer: None,
        problem: None,
        model_name: assistant.model_name().map(str::to_owned),
        model_result: None,
        notice: None,
        max_question_chars: MAX_QUESTION_CHARS,
        styles: vec![
            ("short", "Short"),
            ("bullets", "Bullet points"),
            ("simple", "Explain simply"),
        ],
    };
    let mut answer: Option<AiAnswer> = None;
    if let Some(raw) = request.q.as_deref().filter(|q| !q.trim().is_empty()) {
        match check_question(raw) {
            Err(error) => panel.problem = Some(format!("Sorry, {error}.")),
            Ok(question) => match state
                .ai
                .limiter
                .allow(state.storage.as_ref(), client.0)
                .await
            {
                Ok(true) => {
                    answer = Some(answer_with_fallback(state, id, &article, question).await);
                }
                Ok(false) => {
                    panel.problem = Some(
                        "Too many questions from your address; wait a few seconds.".to_owned(),
                    );
                }
                Err(e) => {
                    tracing::error!(error = %e, "could not check the question limit");
                    panel.problem =
                        Some("Questions are not available right now; try again later.".to_owned());
                }
            },
        }
    }
    let task = match (
        request.style.as_deref().and_then(SummaryStyle::parse),
        &request.lang,
    ) {
        (Some(style), _) => Some(ModelTask::Summary(style)),
        (None, Some(lang)) if is_language_name(lang) => Some(ModelTask::Translate(lang.clone())),
        _ => None,
    };
    let mut model_result = None;
    if let Some(task) = task {
        match assistant
            .model_task(&*state.storage, id, &article, &task, None)
            .await
        {
            ModelOutcome::Answered { answer } => model_result = Some(answer),
            ModelOutcome::Unavailable { reason } => panel.notice = Some(reason),
        }
    }
    let mut cited: Vec<usize> = answer
        .as_ref()
        .map(AiAnswer::cited_numbers)
        .unwrap_or_default();
    if let Some(result) = &model_result {
        cited.extend(result.cited_numbers());
    }
    let anchored = anchor_sentences(&page.body_html, &article.sentences, &cited);
    page.body_html = anchored.html;
    let links = &anchored.anchored;
    panel.summary = summarize(&article)
        .sentences
        .into_iter()
        .map(|s| LinkedLine {
            citations: vec![link(s.number, links)],
            text: s.text,
        })
        .collect();
    panel.key_points = key_points(&article)
        .into_iter()
        .map(|p| LinkedLine {
            citations: vec![link(p.sentence, links)],
            text: p.text,
        })
        .collect();
    panel.answer = answer.map(|a| answer_view(a, links));
    panel.model_result = model_result.map(|a| answer_view(a, links));
    page.ai = Some(panel);
}

/// The model's grounded answer when a model is configured and up, else the offline one
/// (with the reason the model was not used).
pub(super) async fn answer_with_fallback(
    state: &AppState,
    id: ArticleId,
    article: &AnalyzedArticle,
    question: &str,
) -> AiAnswer {
    let assistant = &state.ai.assistant;
    if assistant.model_name().is_none() {
        return assistant.offline_answer(article, question);
    }
    let task = ModelTask::Answer(question.to_owned());
    match assistant
        .model_task(&*state.storage, id, article, &task, None)
        .await
    {
        ModelOutcome::Answered { answer } => answer,
        ModelOutcome::Unavailable { reason } => {
            let mut offline = assistant.offline_answer(article, question);
            offline.notice = Some(reason);
            offline
        }
    }
}

fn link(number: usize, anchored: &BTreeSet<usize>) -> SentenceLink {
    SentenceLink {
        number,
        href: sentence_href(number, anchored),
    }
}

fn answer_view(answer: AiAnswer, anchored: &BTreeSet<usize>) -> AnswerView {
    AnswerView {
        from_model: answer.source != "offline",
        source: answer.source,
        declined: answer.declined,
        notice: answer.notice,
        lines: answer
            .lines
            .into_iter()
            .map(|line| LinkedLine {
                citations: line
                    .citations
                    .iter()
                    .map(|c| link(c.number, anchored))
                    .collect(),
                text: line.text,
            })
            .collect(),
    }
}

/// A language the reader may ask for: letters, spaces and hyphens, at most 40 characters.
pub(super) fn is_language_name(raw: &str) -> bool {
    let raw = raw.trim();
    !raw.is_empty()
        && raw.chars().count() <= 40
        && raw
            .chars()
            .all(|c| c.is_alphabetic() || c == ' ' || c == '-')
}
