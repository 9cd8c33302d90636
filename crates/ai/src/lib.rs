//! Tidings AI: what the article page's AI panel and the story pages offer. Offline features
//! need no model and no network: an extractive summary, key points, answers to questions
//! quoting the article, and story briefs across outlets. With an OpenAI-compatible model
//! configured, the same features come from the model, grounded in numbered sentences, with
//! results cached and a daily token budget ([`Assistant`]).

pub mod answer;
pub mod assistant;
pub mod attribution;
pub mod brief;
pub mod differences;
pub mod key_points;
pub mod llm;
pub mod model_brief;
pub mod summary;
pub mod text;

pub use answer::{
    Answer, MAX_QUESTION_CHARS, QuestionError, QuestionKind, answer_question, check_question,
};
pub use assistant::{AiAnswer, AnswerLine, Assistant, Citation, ModelOutcome};
pub use attribution::{attributed, needs_attribution};
pub use brief::{
    BriefSentence, BriefSource, Disagreement, DisputedValue, OutletClaim, SentenceRef, StoryBrief,
    story_brief,
};
pub use key_points::{KeyPoint, key_points};
pub use llm::grounding::{ModelTask, SummaryStyle};
pub use llm::{ChatModel, LlmError, ModelSettings, OpenAiCompatible};
pub use model_brief::{BriefCitation, ModelBriefLine, ModelStoryBrief, StoryBriefs};
pub use summary::{Summary, SummaryTuning, lead, summarize, summarize_with};
pub use text::{AnalyzedArticle, Sentence, split_sentences};
