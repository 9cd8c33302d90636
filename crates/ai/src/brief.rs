//! The story brief: a short summary across every outlet's coverage of one story, each
//! sentence citing the outlets that report it (its own first), an outlet's view or
//! unconfirmed claim attributed to it ("According to …"), and the counts on which outlets
//! differ ([`crate::differences`]).

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;

use crate::attribution::{attributed, needs_attribution};
use crate::differences::disagreements;
pub use crate::differences::{Disagreement, DisputedValue, OutletClaim};
use crate::summary::{cosine, summarize};
use crate::text::AnalyzedArticle;

/// Most sentences in a brief.
pub const BRIEF_SENTENCES: usize = 4;

/// One article of the story, as the brief reads it.
#[derive(Debug, Clone)]
pub struct BriefSource {
    pub article_id: i64,
    pub outlet: String,
    pub title: String,
    pub text: String,
}

/// Most outlets a brief sentence cites.
const MAX_CITATIONS: usize = 4;
/// How close (cosine of content stems) another outlet's sentence must be to report the same.
const SAME_REPORT: f64 = 0.55;
/// Sentences of each article compared when looking for the same report.
const SENTENCES_COMPARED: usize = 30;

/// A sentence of the brief and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BriefSentence {
    pub outlet: String,
    pub article_id: i64,
    /// 1-based sentence number in that article.
    pub sentence: usize,
    /// The sentence as the brief shows it: the article's own, attributed to its outlet
    /// when it gives the outlet's view ("According to …, …").
    pub text: String,
    /// The article's sentence as written.
    pub quote: String,
    /// Whether `text` attributes the sentence to its outlet.
    pub attributed: bool,
    /// Every outlet reporting it: this sentence first, then other outlets' sentences that
    /// say the same, one per outlet.
    pub citations: Vec<SentenceRef>,
}

/// One outlet's sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SentenceRef {
    pub outlet: String,
    pub article_id: i64,
    /// 1-based sentence number in that article.
    pub sentence: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoryBrief {
    pub sentences: Vec<BriefSentence>,
    pub disagreements: Vec<Disagreement>,
    pub outlets: Vec<String>,
}

/// The brief of a story from its articles.
pub fn story_brief(sources: &[BriefSource]) -> StoryBrief {
    let analyzed: Vec<AnalyzedArticle> = sources
        .iter()
        .map(|s| AnalyzedArticle::new(&s.title, &s.text))
        .collect();
    StoryBrief {
        sentences: brief_sentences(sources, &analyzed),
        disagreements: disagreements(sources, &analyzed),
        outlets: sources
            .iter()
            .map(|s| s.outlet.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect(),
    }
}

/// Picks sentences from every article's summary: central to the whole story, early in their
/// article, not repeating one another, and spread over outlets.
fn brief_sentences(sources: &[BriefSource], analyzed: &[AnalyzedArticle]) -> Vec<BriefSentence> {
    struct Candidate {
        source: usize,
        number: usize,
        text: String,
        stems: HashMap<String, f64>,
        opinion: bool,
    }
    let mut candidates = Vec::new();
    let mut story: HashMap<String, f64> = HashMap::new();
    for (source, article) in analyzed.iter().enumerate() {
        for sentence in summarize(article).sentences {
            let mut stems = HashMap::new();
            for stem in article.content_stems(sentence.number - 1) {
                *stems.entry(stem.to_owned()).or_insert(0.0) += 1.0;
                *story.entry(stem.to_owned()).or_insert(0.0) += 1.0;
            }
            candidates.push(Candidate {
                source,
                number: sentence.number,
                opinion: needs_attribution(&sentence.text),
                text: sentence.text,
                stems,
            });
        }
    }
    let story_ref = as_ref(&story);
    let mut chosen: Vec<usize> = Vec::new();
    while chosen.len() < BRIEF_SENTENCES.min(candidates.len()) {
        let best = (0..candidates.len())
            .filter(|i| !chosen.contains(i))
            .map(|i| {
                let c = &candidates[i];
                let stems = as_ref(&c.stems);
                let redundancy = chosen
                    .iter()
                    .map(|&j| cosine(&stems, &as_ref(&candidates[j].stems)))
                    .fold(0.0, f64::max);
                let same_outlet = chosen
                    .iter()
                    .any(|&j| sources[candidates[j].source].outlet == sources[c.source].outlet);
                let score = cosine(&stems, &story_ref) + 0.3 / c.number as f64
                    - 0.8 * redundancy
                    - if same_outlet { 0.3 } else { 0.0 }
                    - if c.opinion { 0.2 } else { 0.0 };
                (i, score)
            })
            .max_by(|a, b| a.1.total_cmp(&b.1));
        match best {
            Some((i, _)) => chosen.push(i),
            None => break,
        }
    }
    chosen
        .into_iter()
        .map(|i| {
            let c = &candidates[i];
            let source = &sources[c.source];
            let own = SentenceRef {
                outlet: source.outlet.clone(),
                article_id: source.article_id,
                sentence: c.number,
            };
            BriefSentence {
                outlet: source.outlet.clone(),
                article_id: source.article_id,
                sentence: c.number,
                text: if c.opinion {
                    attributed(&c.text, &source.outlet)
                } else {
                    c.text.clone()
                },
                quote: c.text.clone(),
                attributed: c.opinion,
                citations: citations(own, &as_ref(&c.stems), sources, analyzed),
            }
        })
        .collect()
}

/// The sentence's own citation, then per other outlet its sentence closest to it, when
/// that one reports the same.
fn citations(
    own: SentenceRef,
    stems: &HashMap<&str, f64>,
    sources: &[BriefSource],
    analyzed: &[AnalyzedArticle],
) -> Vec<SentenceRef> {
    let mut best: HashMap<&str, (f64, SentenceRef)> = HashMap::new();
    for (source, article) in sources.iter().zip(analyzed) {
        if source.outlet == own.outlet {
            continue;
        }
        for (index, sentence) in article
            .sentences
            .iter()
            .enumerate()
            .take(SENTENCES_COMPARED)
        {
            let mut other: HashMap<&str, f64> = HashMap::new();
            for stem in article.content_stems(index) {
                *other.entry(stem).or_insert(0.0) += 1.0;
            }
            let similarity = cosine(stems, &other);
            let better = best
                .get(source.outlet.as_str())
                .is_none_or(|(b, _)| similarity > *b);
            if similarity >= SAME_REPORT && better {
                best.insert(
                    &source.outlet,
                    (
                        similarity,
                        SentenceRef {
                            outlet: source.outlet.clone(),
                            article_id: source.article_id,
                            sentence: sentence.number,
                        },
                    ),
                );
            }
        }
    }
    let mut others: Vec<(f64, SentenceRef)> = best.into_values().collect();
    others.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.outlet.cmp(&b.1.outlet)));
    std::iter::once(own)
        .chain(others.into_iter().map(|(_, r)| r))
        .take(MAX_CITATIONS)
        .collect()
}

fn as_ref(m: &HashMap<String, f64>) -> HashMap<&str, f64> {
    m.iter().map(|(k, v)| (k.as_str(), *v)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(id: i64, outlet: &str, text: &str) -> BriefSource {
        BriefSource {
            article_id: id,
            outlet: outlet.to_owned(),
            title: "Quake strikes coast".to_owned(),
            text: text.to_owned(),
        }
    }

    fn quake() -> Vec<BriefSource> {
        vec![
            source(
                1,
                "Coastline Gazette",
                "A strong earthquake struck the coast on Tuesday, killing 12 people. Rescue teams searched the rubble overnight. Officials said the quake measured 6.1.",
            ),
            source(
                2,
                "Metro Ledger",
                "An earthquake struck the coast on Tuesday and killed 15 people. Hundreds of homes were damaged. The quake measured 6.1, officials said.",
            ),
        ]
    }

    #[test]
    fn sentences_cite_every_outlet_reporting_them() {
        let brief = story_brief(&quake());
        assert!(brief.sentences.len() >= 2);
        let outlets: BTreeSet<&str> = brief.sentences.iter().map(|s| s.outlet.as_str()).collect();
        assert_eq!(outlets.len(), 2, "both outlets are quoted");
        let quake = brief
            .sentences
            .iter()
            .find(|s| s.quote.contains("struck the coast"))
            .expect("the quake is in the brief");
        let cited: BTreeSet<&str> = quake.citations.iter().map(|c| c.outlet.as_str()).collect();
        assert_eq!(cited, BTreeSet::from(["Coastline Gazette", "Metro Ledger"]));
        assert_eq!(
            quake.citations[0].outlet, quake.outlet,
            "its own outlet first"
        );
        if let Some(rubble) = brief.sentences.iter().find(|s| s.quote.contains("rubble")) {
            assert_eq!(rubble.citations.len(), 1, "only one outlet reports it");
        }
    }

    #[test]
    fn differing_counts_are_labelled_in_the_articles_words() {
        let brief = story_brief(&quake());
        assert_eq!(brief.disagreements.len(), 1, "{:?}", brief.disagreements);
        let toll = &brief.disagreements[0];
        assert_eq!(toll.about, "People killed");
        let values: Vec<(&str, &str)> = toll
            .values
            .iter()
            .map(|v| (v.value.as_str(), v.claims[0].outlet.as_str()))
            .collect();
        assert_eq!(
            values.iter().copied().collect::<BTreeSet<_>>(),
            BTreeSet::from([("12", "Coastline Gazette"), ("15", "Metro Ledger")])
        );
        let claim = &toll.values[0].claims[0];
        assert!(
            claim.text.contains(&claim.value),
            "the outlet's sentence is kept"
        );
    }

    #[test]
    fn no_difference_without_a_real_count() {
        // Same counts, different weekdays and names, a score and a time: nothing to list.
        let sources = vec![
            source(
                1,
                "Coastline Gazette",
                "Coach Maurice Cheeks was fired on Saturday after a 9-14 start. The team lost 88-72 at 7 p.m. in Cleveland. Twelve players attended.",
            ),
            source(
                2,
                "Metro Ledger",
                "Mo Cheeks was fired on Friday after a 9-15 start. The team lost 90-72 at 8 p.m. in Cleveland. Twelve players attended.",
            ),
        ];
        assert!(story_brief(&sources).disagreements.is_empty());
    }

    #[test]
    fn an_outlets_view_is_attributed_in_the_brief() {
        let sources = vec![
            source(
                1,
                "The Harbor Ledger",
                "Sarah Palin actually apologized after the church fire, all because she still harbors guilt over her failed run.",
            ),
            source(
                2,
                "Metro Ledger",
                "Palin apologized if the church fire was connected to her campaign, a spokesman said.",
            ),
        ];
        let brief = story_brief(&sources);
        let view = brief
            .sentences
            .iter()
            .find(|s| s.outlet == "The Harbor Ledger")
            .expect("both outlets are in the brief");
        assert!(view.attributed);
        assert!(
            view.text
                .starts_with("According to The Harbor Ledger, Sarah Palin actually"),
            "{}",
            view.text
        );
        let fact = brief
            .sentences
            .iter()
            .find(|s| s.outlet == "Metro Ledger")
            .expect("both outlets are in the brief");
        assert!(!fact.attributed);
        assert_eq!(fact.text, fact.quote);
    }
}
