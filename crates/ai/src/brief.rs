//! The story brief: a short summary across every outlet's coverage of one story, each
//! sentence naming the outlet it comes from, and the facts on which outlets differ (numbers
//! counting the same thing, days, and names spelled or given differently).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use crate::summary::{cosine, summarize};
use crate::text::{AnalyzedArticle, is_stop_word, looks_like_name, raw_words};

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

/// A sentence of the brief and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BriefSentence {
    pub outlet: String,
    pub article_id: i64,
    /// 1-based sentence number in that article.
    pub sentence: usize,
    pub text: String,
}

/// What one outlet says about a disputed fact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutletClaim {
    pub outlet: String,
    pub article_id: i64,
    pub value: String,
    pub sentence: usize,
    pub text: String,
}

/// A fact the outlets report differently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Disagreement {
    /// What the fact is about ("pirates", "day", "surname Smith").
    pub about: String,
    pub claims: Vec<OutletClaim>,
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
                    - if same_outlet { 0.3 } else { 0.0 };
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
            BriefSentence {
                outlet: sources[c.source].outlet.clone(),
                article_id: sources[c.source].article_id,
                sentence: c.number,
                text: c.text.clone(),
            }
        })
        .collect()
}

fn as_ref(m: &HashMap<String, f64>) -> HashMap<&str, f64> {
    m.iter().map(|(k, v)| (k.as_str(), *v)).collect()
}

/// A fact found in one sentence: what it is about and its value.
struct Fact {
    about: String,
    value: String,
    sentence: usize,
}

/// Numbers keyed by the word they count, weekdays keyed as "day", and names keyed by
/// surname, gathered per outlet; a key with more than one value across outlets differs.
fn disagreements(sources: &[BriefSource], analyzed: &[AnalyzedArticle]) -> Vec<Disagreement> {
    let mut by_key: BTreeMap<String, Vec<OutletClaim>> = BTreeMap::new();
    let mut seen = BTreeSet::new();
    for (source, article) in sources.iter().zip(analyzed) {
        for sentence in &article.sentences {
            for fact in facts(&sentence.text, sentence.number, article) {
                // The first value an outlet gives for a key is its claim.
                if seen.insert((source.outlet.clone(), fact.about.clone())) {
                    by_key.entry(fact.about).or_default().push(OutletClaim {
                        outlet: source.outlet.clone(),
                        article_id: source.article_id,
                        value: fact.value,
                        sentence: fact.sentence,
                        text: sentence.text.clone(),
                    });
                }
            }
        }
    }
    by_key
        .into_iter()
        .filter(|(_, claims)| {
            // Claims are one per outlet: two values mean two outlets disagree.
            let values: BTreeSet<&str> = claims.iter().map(|c| c.value.as_str()).collect();
            values.len() > 1
        })
        .map(|(about, claims)| Disagreement { about, claims })
        .take(6)
        .collect()
}

fn facts(text: &str, number: usize, article: &AnalyzedArticle) -> Vec<Fact> {
    let words: Vec<&str> = raw_words(text).collect();
    let mut out = Vec::new();
    for (i, word) in words.iter().enumerate() {
        if let Some(value) = number_value(word) {
            // The counted thing: the next content word, skipping adjectives is beyond us.
            let counted = words[i + 1..]
                .iter()
                .take(2)
                .find(|w| !is_stop_word(&w.to_lowercase()) && number_value(w).is_none());
            if let Some(counted) = counted
                && counted.chars().all(char::is_alphabetic)
                && !crate::text::is_time_word(counted)
            {
                out.push(Fact {
                    about: article.stemmer.stem(counted),
                    value,
                    sentence: number,
                });
            }
        } else if WEEKDAYS.contains(&word.to_lowercase().as_str()) && number <= 3 {
            out.push(Fact {
                about: "day".to_owned(),
                value: (*word).to_owned(),
                sentence: number,
            });
        } else if i > 0
            && looks_like_name(words[i - 1])
            && looks_like_name(word)
            && words[i - 1].len() > 2
            && !NOT_FIRST_NAMES.contains(&words[i - 1].to_lowercase().as_str())
            && !NOT_SURNAMES.contains(&word.to_lowercase().as_str())
        {
            out.push(Fact {
                about: format!("name {word}"),
                value: format!("{} {word}", words[i - 1]),
                sentence: number,
            });
        }
    }
    out
}

/// Words before a capitalized word that are titles or place words, not first names.
const NOT_FIRST_NAMES: &[&str] = &[
    "gov",
    "governor",
    "president",
    "sen",
    "senator",
    "rep",
    "judge",
    "chief",
    "captain",
    "capt",
    "officer",
    "minister",
    "prime",
    "general",
    "gen",
    "coach",
    "actor",
    "actress",
    "director",
    "mayor",
    "sheriff",
    "deputy",
    "detective",
    "sergeant",
    "lieutenant",
    "constable",
    "pope",
    "king",
    "queen",
    "prince",
    "princess",
    "saint",
    "mount",
    "lake",
    "new",
    "north",
    "south",
    "east",
    "west",
    "daily",
    "the",
    "former",
    "late",
    "star",
    "singer",
    "producer",
    "agent",
    "spokesman",
    "spokeswoman",
    "trooper",
    "commissioner",
    "councilman",
    "councilwoman",
];

/// Capitalized words that end names of places and organisations, not of people.
const NOT_SURNAMES: &[&str] = &[
    "news",
    "times",
    "post",
    "church",
    "party",
    "court",
    "house",
    "department",
    "police",
    "street",
    "road",
    "park",
    "center",
    "centre",
    "university",
    "school",
    "hospital",
    "bank",
    "island",
    "county",
    "city",
    "state",
    "states",
    "club",
    "company",
    "ministry",
    "council",
    "office",
    "airport",
    "station",
    "theatre",
    "theater",
    "stadium",
    "river",
    "bay",
    "gulf",
    "sea",
    "ocean",
    "valley",
    "district",
    "agency",
    "service",
    "network",
    "institute",
    "commission",
    "association",
    "foundation",
    "group",
    "games",
    "awards",
    "festival",
    "entertainment",
    "navy",
    "army",
    "force",
    "guard",
    "precinct",
    "jail",
    "prison",
    "press",
];

const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// A count written in digits or words, normalized ("1,200" → "1200", "twelve" → "12").
fn number_value(word: &str) -> Option<String> {
    const WORDS: &[(&str, u32)] = &[
        ("two", 2),
        ("three", 3),
        ("four", 4),
        ("five", 5),
        ("six", 6),
        ("seven", 7),
        ("eight", 8),
        ("nine", 9),
        ("ten", 10),
        ("eleven", 11),
        ("twelve", 12),
        ("twenty", 20),
        ("thirty", 30),
        ("fifty", 50),
        ("hundred", 100),
    ];
    let lower = word.to_lowercase();
    if let Some((_, value)) = WORDS.iter().find(|(w, _)| *w == lower) {
        return Some(value.to_string());
    }
    let digits: String = word.chars().filter(|c| *c != ',').collect();
    let looks_numeric =
        !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit() || c == '.');
    // Years are dates, not counts.
    let is_year = digits.len() == 4 && (digits.starts_with("19") || digits.starts_with("20"));
    (looks_numeric && !is_year && digits.chars().any(|c| c.is_ascii_digit())).then_some(digits)
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

    #[test]
    fn attributes_sentences_and_finds_differing_numbers() {
        let sources = vec![
            source(
                1,
                "Coastline Gazette",
                "A strong earthquake struck the coast on Tuesday, killing 12 people. Rescue teams searched the rubble overnight. Officials said the quake measured 6.1.",
            ),
            source(
                2,
                "Metro Ledger",
                "An earthquake hit the coastal region on Tuesday and killed 15 people. Hundreds of homes were damaged. The quake measured 6.1, officials said.",
            ),
        ];
        let brief = story_brief(&sources);
        assert!(brief.sentences.len() >= 2);
        let outlets: BTreeSet<&str> = brief.sentences.iter().map(|s| s.outlet.as_str()).collect();
        assert_eq!(outlets.len(), 2, "both outlets are quoted");
        let people = brief
            .disagreements
            .iter()
            .find(|d| d.about == "peopl")
            .expect("the death toll differs");
        let values: BTreeSet<&str> = people.claims.iter().map(|c| c.value.as_str()).collect();
        assert_eq!(values, BTreeSet::from(["12", "15"]));
        assert!(
            !brief.disagreements.iter().any(|d| d.about == "day"),
            "every outlet's first account says Tuesday"
        );
        assert!(
            !brief
                .disagreements
                .iter()
                .any(|d| d.about.starts_with("name")),
            "titles are not first names: {:?}",
            brief.disagreements
        );
    }

    #[test]
    fn numbers_are_normalized() {
        assert_eq!(number_value("1,200").as_deref(), Some("1200"));
        assert_eq!(number_value("Twelve").as_deref(), Some("12"));
        assert_eq!(number_value("2009"), None);
        assert_eq!(number_value("boats"), None);
    }
}
