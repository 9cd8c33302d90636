//! The [`Assistant`]: every AI feature behind one value the web holds. Offline features are
//! always there; with a model configured, model tasks go through the cache (per subject,
//! feature, model and parameters), the daily token budget and the citation check, and any
//! failure comes back as a reason to show beside the offline result, never as an error.

use std::sync::Arc;

use chrono::Utc;
use serde::{Deserialize, Serialize};
use tidings_core::{AiCacheKey, AiStore, ArticleId};
use tokio::sync::mpsc;

use crate::answer::answer_question;
use crate::llm::grounding::{Grounded, ModelTask, ground, task_request};
use crate::llm::{ChatModel, ChatRequest, LlmError};
use crate::text::{AnalyzedArticle, Sentence};

/// A sentence of the article that an answer cites.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Citation {
    pub number: usize,
    pub text: String,
}

/// One sentence of an answer with the article sentences behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerLine {
    pub text: String,
    pub citations: Vec<Citation>,
}

/// An answer (or summary, or translation) ready to show: its lines, where it came from, and
/// a note for the reader (fallback reasons, dropped sentences).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AiAnswer {
    /// "offline" or the model's name.
    pub source: String,
    pub lines: Vec<AnswerLine>,
    /// The article does not say.
    pub declined: bool,
    pub notice: Option<String>,
    pub cached: bool,
}

impl AiAnswer {
    /// Every cited sentence number, in order of first citation.
    pub fn cited_numbers(&self) -> Vec<usize> {
        let mut numbers = Vec::new();
        for line in &self.lines {
            for citation in &line.citations {
                if !numbers.contains(&citation.number) {
                    numbers.push(citation.number);
                }
            }
        }
        numbers
    }
}

/// What a model task gave: a grounded result, or why there is none.
#[derive(Debug, Clone)]
pub enum ModelOutcome {
    Answered { answer: AiAnswer },
    Unavailable { reason: String },
}

/// The AI features. Cheap to clone.
#[derive(Clone, Default)]
pub struct Assistant {
    model: Option<Arc<dyn ChatModel>>,
    /// Tokens the model may spend per UTC day (`None`: no limit).
    daily_token_budget: Option<u64>,
}

impl Assistant {
    /// Offline features only.
    pub fn offline() -> Self {
        Assistant::default()
    }

    pub fn with_model(model: Arc<dyn ChatModel>, daily_token_budget: Option<u64>) -> Self {
        Assistant {
            model: Some(model),
            daily_token_budget,
        }
    }

    /// The configured model's name, when there is one.
    pub fn model_name(&self) -> Option<&str> {
        self.model.as_deref().map(ChatModel::model_name)
    }

    /// The offline answer to a (checked) question.
    pub fn offline_answer(&self, article: &AnalyzedArticle, question: &str) -> AiAnswer {
        let answer = answer_question(article, question);
        AiAnswer {
            source: "offline".to_owned(),
            declined: answer.declined,
            lines: answer
                .cited
                .into_iter()
                .map(|s| AnswerLine {
                    text: s.text.clone(),
                    citations: vec![Citation {
                        number: s.number,
                        text: s.text,
                    }],
                })
                .collect(),
            notice: None,
            cached: false,
        }
    }

    /// Runs `task` on the model (through the cache and the budget) and grounds the reply.
    pub async fn model_task(
        &self,
        store: &dyn AiStore,
        subject: ArticleId,
        article: &AnalyzedArticle,
        task: &ModelTask,
        deltas: Option<mpsc::Sender<String>>,
    ) -> ModelOutcome {
        let Some(model) = self.model.as_deref() else {
            return ModelOutcome::Unavailable {
                reason: "No language model is configured.".to_owned(),
            };
        };
        let key = cache_key(subject, model.model_name(), task);
        let request = task_request(task, &article.title, &article.sentences);
        let lexical = !matches!(task, ModelTask::Translate(_));
        self.grounded_completion(store, &key, &request, &article.sentences, lexical, deltas)
            .await
    }

    /// The cache → budget → model → citation check path every model task takes: `sentences`
    /// are what the request numbered and what the reply must cite.
    pub(crate) async fn grounded_completion(
        &self,
        store: &dyn AiStore,
        key: &AiCacheKey,
        request: &ChatRequest,
        sentences: &[Sentence],
        lexical: bool,
        deltas: Option<mpsc::Sender<String>>,
    ) -> ModelOutcome {
        let Some(model) = self.model.as_deref() else {
            return ModelOutcome::Unavailable {
                reason: "No language model is configured.".to_owned(),
            };
        };
        match store.cached_ai_result(key).await {
            Ok(Some(value)) => {
                if let Ok(mut answer) = serde_json::from_str::<AiAnswer>(&value) {
                    answer.cached = true;
                    if let Some(tx) = deltas {
                        let text: Vec<&str> =
                            answer.lines.iter().map(|l| l.text.as_str()).collect();
                        let _ = tx.send(text.join(" ")).await;
                    }
                    return ModelOutcome::Answered { answer };
                }
            }
            Ok(None) => {}
            Err(error) => tracing::warn!(%error, "reading the AI cache failed"),
        }
        let today = Utc::now().date_naive();
        if let Some(budget) = self.daily_token_budget {
            let used = store.ai_tokens_used(today).await.unwrap_or_else(|error| {
                tracing::warn!(%error, "reading the AI token budget failed");
                i64::MAX
            });
            if used >= i64::try_from(budget).unwrap_or(i64::MAX) {
                return unavailable(&LlmError::OverBudget);
            }
        }
        let reply = match model.complete(request, deltas).await {
            Ok(reply) => reply,
            Err(error) => {
                tracing::warn!(%error, model = model.model_name(), "model call failed");
                return unavailable(&error);
            }
        };
        if let Err(error) = store
            .add_ai_tokens(today, i64::try_from(reply.tokens).unwrap_or(i64::MAX))
            .await
        {
            tracing::warn!(%error, "recording AI tokens failed");
        }
        let grounded = ground(&reply.text, sentences, lexical);
        let answer = grounded_answer(model.model_name(), grounded, sentences);
        if let Ok(value) = serde_json::to_string(&answer)
            && let Err(error) = store.store_ai_result(key, &value).await
        {
            tracing::warn!(%error, "writing the AI cache failed");
        }
        ModelOutcome::Answered { answer }
    }
}

fn unavailable(error: &LlmError) -> ModelOutcome {
    let reason = match error {
        LlmError::OverBudget => {
            "Today's AI budget is spent; showing what Tidings finds without the model.".to_owned()
        }
        LlmError::Config(_) => {
            "The language model is misconfigured; showing what Tidings finds without it.".to_owned()
        }
        _ => "The language model is unavailable right now; showing what Tidings finds without \
              it."
        .to_owned(),
    };
    ModelOutcome::Unavailable { reason }
}

fn cache_key(subject: ArticleId, model: &str, task: &ModelTask) -> AiCacheKey {
    let (feature, params) = match task {
        ModelTask::Summary(style) => ("summary", format!("style={}", style.name())),
        ModelTask::Answer(question) => ("answer", question.trim().to_lowercase()),
        ModelTask::Translate(language) => ("translate", language.trim().to_lowercase()),
    };
    AiCacheKey {
        subject_id: subject,
        feature: feature.to_owned(),
        model: model.to_owned(),
        params,
    }
}

fn grounded_answer(model: &str, grounded: Grounded, sentences: &[Sentence]) -> AiAnswer {
    let lines: Vec<AnswerLine> = grounded
        .lines
        .into_iter()
        .map(|line| AnswerLine {
            citations: line
                .citations
                .iter()
                .filter_map(|n| sentences.iter().find(|s| s.number == *n))
                .map(|s| Citation {
                    number: s.number,
                    text: s.text.clone(),
                })
                .collect(),
            text: line.text,
        })
        .collect();
    let notice = match grounded.dropped {
        0 if lines.is_empty() && !grounded.declined => {
            Some("The model's answer was empty.".to_owned())
        }
        0 => None,
        1 => Some(
            "1 sentence of the model's answer was left out: its citations did not support it."
                .to_owned(),
        ),
        n => Some(format!(
            "{n} sentences of the model's answer were left out: their citations did not support \
             them."
        )),
    };
    AiAnswer {
        source: model.to_owned(),
        declined: grounded.declined || lines.is_empty() && grounded.dropped > 0,
        lines,
        notice,
        cached: false,
    }
}
