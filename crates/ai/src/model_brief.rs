//! Model-written story briefs: the model reads the sentences of every article of a story,
//! numbered across the story and labelled with their outlet, writes a short brief citing
//! them, and each kept sentence names the outlets of the sentences it cites (a view stated
//! as fact is attributed to the first of them). Grounding, the
//! cache (per story, model and set of articles) and the budget are the assistant's; when the
//! model cannot answer, the offline brief stands with a note.

use serde::{Deserialize, Serialize};
use tidings_core::{AiCacheKey, AiStore};

use crate::assistant::{Assistant, ModelOutcome};
use crate::attribution::{attributed, needs_attribution};
use crate::brief::{BriefSource, StoryBrief, story_brief};
use crate::llm::{ChatMessage, ChatRequest};
use crate::text::{AnalyzedArticle, Sentence};

/// Most sentences of one article the model reads.
const SENTENCES_PER_ARTICLE: usize = 20;
/// Most sentences of the whole story the model reads.
const MAX_STORY_SENTENCES: usize = 120;

/// A sentence of a story's coverage that a model brief cites.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BriefCitation {
    /// Its number in the prompt (numbered across the story).
    pub number: usize,
    pub outlet: String,
    pub article_id: i64,
    /// 1-based sentence number in its article.
    pub sentence: usize,
    pub text: String,
}

/// One kept sentence of a model brief and the outlets behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelBriefLine {
    pub text: String,
    /// The outlets of the cited sentences, in citation order, each once.
    pub outlets: Vec<String>,
    pub citations: Vec<BriefCitation>,
}

/// A brief the model wrote across a story's coverage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelStoryBrief {
    /// The model's name.
    pub source: String,
    pub lines: Vec<ModelBriefLine>,
    /// Sentences left out for unsupported citations, or an empty answer.
    pub notice: Option<String>,
    pub cached: bool,
}

/// A story's briefs: the offline one always; the model's when a model is configured and
/// answered, or else why not.
#[derive(Debug, Clone)]
pub struct StoryBriefs {
    pub offline: StoryBrief,
    pub model: Option<ModelStoryBrief>,
    /// Why the model brief is missing (model down, over budget); `None` without a model.
    pub model_notice: Option<String>,
}

/// The story's sentences numbered across its articles, with where each comes from.
struct StorySentences {
    sentences: Vec<Sentence>,
    /// Per numbered sentence: the index of its source and its number in that article.
    origin: Vec<(usize, usize)>,
}

fn story_sentences(sources: &[BriefSource]) -> StorySentences {
    let mut sentences = Vec::new();
    let mut origin = Vec::new();
    for (index, source) in sources.iter().enumerate() {
        let article = AnalyzedArticle::new(&source.title, &source.text);
        for sentence in article.sentences.into_iter().take(SENTENCES_PER_ARTICLE) {
            if sentences.len() == MAX_STORY_SENTENCES {
                break;
            }
            origin.push((index, sentence.number));
            sentences.push(Sentence {
                number: sentences.len() + 1,
                ..sentence
            });
        }
    }
    StorySentences { sentences, origin }
}

/// The chat request: nothing but the outlets' numbered sentences and the task.
fn brief_request(headline: &str, sources: &[BriefSource], story: &StorySentences) -> ChatRequest {
    let rules = "You work only from the numbered news sentences you are given; each is labelled \
        with the outlet that published it. After every sentence you write, cite the sentences \
        that support it as [n] (for example [2] or [3][14]). Never add facts that the cited \
        sentences do not state. An outlet's opinion or unconfirmed claim is its own: attribute \
        it (\"according to <outlet>, ...\"), never state it as fact.";
    let numbered: Vec<String> = story
        .sentences
        .iter()
        .zip(&story.origin)
        .map(|(s, (index, _))| format!("[{}] ({}) {}", s.number, sources[*index].outlet, s.text))
        .collect();
    ChatRequest {
        messages: vec![
            ChatMessage::system(rules),
            ChatMessage::user(format!(
                "Story: {headline}\nSentences from the coverage:\n{}\n\nTask: Write a brief of \
                 the story across the coverage in three to five sentences. Where outlets \
                 report a fact differently, say so and cite each outlet's sentence.",
                numbered.join("\n")
            )),
        ],
        max_tokens: 500,
        temperature: 0.2,
    }
}

impl Assistant {
    /// The story's offline brief and, with a model configured, the model's grounded brief
    /// (from the cache when this story's articles were briefed by this model before).
    pub async fn story_briefs(
        &self,
        store: &dyn AiStore,
        story_id: i64,
        headline: &str,
        sources: &[BriefSource],
    ) -> StoryBriefs {
        let offline = story_brief(sources);
        let Some(model) = self.model_name() else {
            return StoryBriefs {
                offline,
                model: None,
                model_notice: None,
            };
        };
        let story = story_sentences(sources);
        let article_ids: Vec<String> = sources.iter().map(|s| s.article_id.to_string()).collect();
        let key = AiCacheKey {
            subject_id: story_id,
            feature: "story_brief".to_owned(),
            model: model.to_owned(),
            params: format!("articles={}", article_ids.join(",")),
        };
        let request = brief_request(headline, sources, &story);
        let outcome = self
            .grounded_completion(store, &key, &request, &story.sentences, true, None)
            .await;
        match outcome {
            ModelOutcome::Answered { answer } => {
                let lines = answer
                    .lines
                    .into_iter()
                    .map(|line| {
                        let citations: Vec<BriefCitation> = line
                            .citations
                            .into_iter()
                            .filter_map(|c| {
                                let (index, sentence) =
                                    *story.origin.get(c.number.checked_sub(1)?)?;
                                let source = &sources[index];
                                Some(BriefCitation {
                                    number: c.number,
                                    outlet: source.outlet.clone(),
                                    article_id: source.article_id,
                                    sentence,
                                    text: c.text,
                                })
                            })
                            .collect();
                        let mut outlets: Vec<String> = Vec::new();
                        for citation in &citations {
                            if !outlets.contains(&citation.outlet) {
                                outlets.push(citation.outlet.clone());
                            }
                        }
                        // A view the model states as fact is given back to its outlet.
                        let text = match outlets.first() {
                            Some(outlet) if needs_attribution(&line.text) => {
                                attributed(&line.text, outlet)
                            }
                            _ => line.text,
                        };
                        ModelBriefLine {
                            text,
                            outlets,
                            citations,
                        }
                    })
                    .collect();
                StoryBriefs {
                    offline,
                    model: Some(ModelStoryBrief {
                        source: answer.source,
                        lines,
                        notice: answer.notice,
                        cached: answer.cached,
                    }),
                    model_notice: None,
                }
            }
            ModelOutcome::Unavailable { reason } => StoryBriefs {
                offline,
                model: None,
                model_notice: Some(reason),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_are_numbered_across_the_story_with_their_outlet() {
        let sources = vec![
            BriefSource {
                article_id: 7,
                outlet: "Gazette".into(),
                title: "Quake".into(),
                text: "A quake struck on Tuesday. Twelve people died.".into(),
            },
            BriefSource {
                article_id: 9,
                outlet: "Ledger".into(),
                title: "Quake".into(),
                text: "An earthquake killed 15 people.".into(),
            },
        ];
        let story = story_sentences(&sources);
        assert_eq!(story.origin, vec![(0, 1), (0, 2), (1, 1)]);
        let request = brief_request("Quake", &sources, &story);
        assert!(
            request.messages[1]
                .content
                .contains("[3] (Ledger) An earthquake killed 15 people.")
        );
    }
}
