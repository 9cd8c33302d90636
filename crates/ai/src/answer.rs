//! Offline question answering: finds the sentences of the article that answer a reader's
//! question by weighted overlap of stems (with a few synonyms), a bonus for sentences that
//! hold the kind of thing asked for (a name for "who", a date for "when", a place for
//! "where", a number for "how many" or "what magnitude", a cause for "why" or "what caused",
//! a statement about harm for "was anyone hurt"), and declines when nothing covers enough of
//! the question.

use std::collections::HashSet;

use serde::Serialize;

use crate::text::{AnalyzedArticle, Sentence, is_number, is_time_word, looks_like_name};

/// Longest question accepted, in characters.
pub const MAX_QUESTION_CHARS: usize = 300;
/// Least share of the question's weight a sentence must cover to be an answer.
const COVERAGE_THRESHOLD: f64 = 0.5;
/// Most sentences quoted in one answer.
const MAX_CITED: usize = 2;
/// A second sentence is quoted when it scores at least this share of the best.
const SECOND_CITATION_SHARE: f64 = 0.85;

/// What kind of thing the question asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    Person,
    Time,
    Place,
    Number,
    Reason,
    /// How old someone is or was.
    Age,
    /// Whether anyone was killed or hurt.
    Casualties,
    Other,
}

/// The answer to a question: the sentences quoted, or a plain decline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Answer {
    pub question: String,
    pub kind: QuestionKind,
    /// Quoted sentences, best first; empty when declined.
    pub cited: Vec<Sentence>,
    /// True when the article does not seem to say.
    pub declined: bool,
}

/// Why a question was refused before answering.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuestionError {
    #[error("the question is empty")]
    Empty,
    #[error("the question is longer than {MAX_QUESTION_CHARS} characters")]
    TooLong,
}

/// Trims and checks a reader's question.
pub fn check_question(question: &str) -> Result<&str, QuestionError> {
    let trimmed = question.trim();
    if trimmed.is_empty() {
        Err(QuestionError::Empty)
    } else if trimmed.chars().count() > MAX_QUESTION_CHARS {
        Err(QuestionError::TooLong)
    } else {
        Ok(trimmed)
    }
}

/// Words grouped as meaning about the same thing in news questions (compared as stems).
const SYNONYMS: &[&[&str]] = &[
    &[
        "kill", "dead", "die", "death", "fatal", "slain", "killed", "victim",
    ],
    &[
        "injur", "wound", "hurt", "harm", "unharm", "unhurt", "unscath", "casualti", "victim",
    ],
    &[
        "magnitud", "measur", "richter", "strength", "strong", "power",
    ],
    &[
        "caus", "blame", "spark", "trigger", "ignit", "arson", "suspect",
    ],
    &["arrest", "detain", "custodi", "captur", "apprehend"],
    &["ship", "vessel", "boat"],
    &["say", "said", "state", "announc", "told", "claim"],
    &["buy", "purchas", "acquir", "acquisit"],
    &["earthquak", "quak", "tremor"],
    &["fire", "blaze", "flame"],
    &["hospit", "hospitalis", "hospitaliz"],
    &["win", "won", "victori", "beat"],
    &["lose", "lost", "defeat"],
    &["rehab", "rehabilit", "treatment"],
    &["leav", "quit", "resign", "depart"],
    &["replac", "succeed", "successor"],
    &["launch", "releas", "unveil", "introduc"],
    &["attack", "assault", "raid"],
    &["polic", "offic", "cop"],
    &["car", "vehicl", "automobil"],
    &["job", "post", "role", "posit"],
    &["take", "took", "taken"],
    &["give", "gave", "given"],
    &["hold", "held"],
    &["find", "found"],
    &["tell", "told"],
    &["meet", "met"],
    &["buy", "bought"],
    &["sell", "sold", "distribut", "market"],
    &["pay", "paid"],
    &["begin", "began", "begun", "start"],
    &["fall", "fell"],
    &["rise", "rose"],
    &["fli", "flew", "flown"],
    &["sink", "sank", "sunk"],
    &["strike", "struck", "hit"],
    &["shoot", "shot"],
    &["steal", "stole"],
    &["catch", "caught"],
    &["bring", "brought"],
    &["send", "sent"],
    &["build", "built"],
];

/// The kind of a question, from its opening words.
pub fn question_kind(question: &str) -> QuestionKind {
    let lower = question.to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().take(4).collect();
    let has = |w: &str| words.contains(&w);
    let pair = |a: &str, b: &str| words.windows(2).any(|p| p[0] == a && p[1].starts_with(b));
    let casualty_word = lower.split(|c: char| !c.is_alphanumeric()).any(|w| {
        matches!(
            w,
            "hurt" | "injured" | "injuries" | "injury" | "harmed" | "casualties" | "wounded"
        )
    });
    let yes_no = matches!(
        words.first().copied(),
        Some("was" | "were" | "did" | "is" | "are" | "has" | "have")
    );
    if casualty_word && (yes_no || has("anyone") || has("anybody")) {
        QuestionKind::Casualties
    } else if pair("how", "old") || pair("what", "age") {
        QuestionKind::Age
    } else if pair("how", "many")
        || pair("how", "much")
        || pair("how", "long")
        || pair("how", "far")
        || pair("what", "percent")
        || pair("what", "number")
        || pair("what", "magnitude")
        || pair("how", "strong")
        || pair("how", "powerful")
    {
        QuestionKind::Number
    } else if has("who") || has("whom") || has("whose") {
        QuestionKind::Person
    } else if has("when")
        || pair("what", "time")
        || pair("what", "day")
        || pair("what", "date")
        || pair("which", "year")
        || pair("what", "year")
    {
        QuestionKind::Time
    } else if has("where") {
        QuestionKind::Place
    } else if has("why") || pair("what", "caus") || pair("what", "sparked") {
        QuestionKind::Reason
    } else {
        QuestionKind::Other
    }
}

/// Answers `question` from the article's sentences.
pub fn answer_question(article: &AnalyzedArticle, question: &str) -> Answer {
    let kind = question_kind(question);
    let question_stems: Vec<String> = {
        let mut seen = HashSet::new();
        article
            .stemmer
            .content_stems(&without_question_phrase(question))
            .into_iter()
            .filter(|s| {
                !matches!(
                    s.as_str(),
                    "happen" | "becom" | "first" | "name" | "anyon" | "anybodi" | "els" | "someon"
                )
            })
            .filter(|s| seen.insert(s.clone()))
            .collect()
    };
    let question_words: HashSet<String> = crate::text::raw_words(question)
        .map(str::to_lowercase)
        .collect();
    // Words of the headline name the article's topic; nearly every sentence is about them,
    // so they count half: what the question asks *about the topic* must be found.
    let weight = |stem: &str| {
        let topic = if article.title_stems.contains(stem) {
            0.5
        } else {
            1.0
        };
        topic * article.idf(stem)
    };
    let total: f64 = question_stems.iter().map(|s| weight(s)).sum();
    let mut scored: Vec<(usize, f64, f64)> = Vec::new();
    if total > 0.0 {
        for index in 0..article.sentences.len() {
            let stems: HashSet<&str> = article.content_stems(index).collect();
            let matched: f64 = question_stems
                .iter()
                .map(|q| match_strength(q, &stems) * weight(q))
                .sum();
            let coverage = matched / total;
            let shape = answer_shape(article, index, kind, &question_words, &question_stems);
            if shape < 0.0 {
                continue;
            }
            // News states its main facts first: among equals, the earlier sentence.
            let lead = 0.04 / (1.0 + index as f64).sqrt();
            scored.push((index, coverage, coverage + 0.2 * shape + lead));
        }
    }
    scored.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)));
    let Some(&(best_index, best_coverage, best_score)) = scored.first() else {
        return declined(question, kind);
    };
    let needs_shape = kind != QuestionKind::Other;
    let best_shape = answer_shape(article, best_index, kind, &question_words, &question_stems);
    if best_coverage < COVERAGE_THRESHOLD
        || needs_shape && best_shape == 0.0 && best_coverage < 0.75
    {
        return declined(question, kind);
    }
    let cited = scored
        .iter()
        .take(MAX_CITED)
        .filter(|&&(_, coverage, score)| {
            coverage >= COVERAGE_THRESHOLD && score >= SECOND_CITATION_SHARE * best_score
        })
        .map(|&(i, _, _)| article.sentences[i].clone())
        .collect();
    Answer {
        question: question.to_owned(),
        kind,
        cited,
        declined: false,
    }
}

/// The question without its opening "how old / how long / how far / how big" phrase, whose
/// second word asks for the answer's shape rather than naming something to find.
fn without_question_phrase(question: &str) -> String {
    let mut words = question.split_whitespace();
    let first = words.next().unwrap_or("");
    let second = words.clone().next().unwrap_or("").to_lowercase();
    if first.eq_ignore_ascii_case("how")
        && matches!(
            second.as_str(),
            "old" | "long" | "far" | "big" | "large" | "tall" | "soon"
        )
    {
        words.skip(1).collect::<Vec<_>>().join(" ")
    } else {
        question.to_owned()
    }
}

fn declined(question: &str, kind: QuestionKind) -> Answer {
    Answer {
        question: question.to_owned(),
        kind,
        cited: Vec::new(),
        declined: true,
    }
}

/// 1 for the same stem, 0.8 for a synonym, 0.5 for a shared 5-letter prefix.
fn match_strength(question_stem: &str, sentence: &HashSet<&str>) -> f64 {
    if sentence.contains(question_stem) {
        return 1.0;
    }
    let synonym = SYNONYMS.iter().any(|group| {
        group.iter().any(|g| question_stem.starts_with(g))
            && group
                .iter()
                .any(|g| sentence.iter().any(|s| s.starts_with(g)))
    });
    if synonym {
        return 0.8;
    }
    if question_stem.len() >= 5 {
        let prefix = &question_stem[..question_stem.floor_char_boundary(5)];
        if sentence.iter().any(|s| s.starts_with(prefix)) {
            return 0.5;
        }
    }
    0.0
}

/// 1 when sentence `index` holds the kind of thing asked for (and not only the question's own
/// words), less when it holds it only loosely, 0 when not, and -1 when the sentence says the
/// thing is not known ("an investigation into the cause is under way").
fn answer_shape(
    article: &AnalyzedArticle,
    index: usize,
    kind: QuestionKind,
    question_words: &HashSet<String>,
    question_stems: &[String],
) -> f64 {
    let tokens = &article.tokens[index];
    let new_word = |surface: &str| !question_words.contains(&surface.to_lowercase());
    let found = match kind {
        QuestionKind::Number => {
            // "four villages" for "How many villages…?" beats a number elsewhere.
            let counted = tokens.windows(2).any(|pair| {
                is_number(&pair[0].surface)
                    && !is_vague_quantity(&pair[0].surface)
                    && new_word(&pair[0].surface)
                    && question_stems.contains(&pair[1].stem)
            });
            if counted {
                return 1.0;
            }
            let any_number = tokens
                .iter()
                .any(|t| is_number(&t.surface) && new_word(&t.surface));
            return if any_number { 0.5 } else { 0.0 };
        }
        QuestionKind::Age => {
            let text = article.sentences[index].text.to_lowercase();
            let age_phrase = text.contains("-year-old")
                || text.contains(" aged ")
                || text.contains(" age ")
                || text.contains(" at the age of ");
            let apposed = tokens.windows(2).any(|pair| {
                looks_like_name(&pair[0].surface)
                    && pair[1].surface.chars().all(|c| c.is_ascii_digit())
                    && pair[1]
                        .surface
                        .parse::<u32>()
                        .is_ok_and(|age| (1..=120).contains(&age))
            });
            let died_at = text.contains(" at ")
                && tokens.windows(2).any(|pair| {
                    pair[0].surface.eq_ignore_ascii_case("at")
                        && pair[1]
                            .surface
                            .parse::<u32>()
                            .is_ok_and(|age| (1..=120).contains(&age))
                });
            age_phrase || apposed || died_at
        }
        QuestionKind::Time => tokens
            .iter()
            .any(|t| is_time_word(&t.surface) && new_word(&t.surface)),
        QuestionKind::Person => {
            tokens
                .iter()
                .skip(1)
                .any(|t| looks_like_name(&t.surface) && new_word(&t.surface))
                || tokens
                    .first()
                    .is_some_and(|t| looks_like_name(&t.surface) && new_word(&t.surface))
        }
        QuestionKind::Place => tokens.windows(2).any(|pair| {
            matches!(
                pair[0].surface.to_lowercase().as_str(),
                "in" | "at" | "near" | "from" | "off" | "on" | "outside" | "inside" | "across"
            ) && looks_like_name(&pair[1].surface)
                && new_word(&pair[1].surface)
        }),
        QuestionKind::Reason if states_unknown(&article.sentences[index].text) => return -1.0,
        QuestionKind::Reason => tokens.iter().any(|t| {
            let lower = t.surface.to_lowercase();
            matches!(
                lower.as_str(),
                "because" | "after" | "due" | "since" | "following" | "over" | "amid"
            ) || [
                "caus", "blame", "spark", "trigger", "arson", "ignit", "suspect",
            ]
            .iter()
            .any(|stem| lower.starts_with(stem))
        }),
        QuestionKind::Casualties => tokens.iter().any(|t| {
            let lower = t.surface.to_lowercase();
            [
                "injur", "hurt", "unharm", "unhurt", "unscath", "harm", "kill", "dead", "die",
                "wound", "casualt", "safe", "escap", "hospital", "surviv",
            ]
            .iter()
            .any(|stem| lower.starts_with(stem))
        }),
        QuestionKind::Other => false,
    };
    if found { 1.0 } else { 0.0 }
}

/// "several", "dozens": a number word that does not give the number.
fn is_vague_quantity(word: &str) -> bool {
    matches!(
        word.to_lowercase().as_str(),
        "several" | "many" | "some" | "few" | "dozens" | "hundreds" | "thousands" | "scores"
    )
}

/// Whether a sentence says a cause is not known yet.
fn states_unknown(sentence: &str) -> bool {
    let lower = sentence.to_lowercase();
    [
        "investigation into the cause",
        "cause is unknown",
        "cause was unknown",
        "cause is not known",
        "cause was not known",
        "cause remains",
        "cause has not",
        "cause of the fire is",
        "cause of the fire was not",
        "no idea what caused",
        "unclear what caused",
        "not clear what caused",
        "under investigation",
    ]
    .iter()
    .any(|marker| lower.contains(marker))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "The Indian Navy on Saturday prevented pirates from attacking a merchant \
        vessel in the Gulf of Aden. The navy took 23 pirates into custody.\n\n\
        The apprehended included 12 Somalis and 11 Yemenis. The warship INS Mysore answered \
        a distress call from MV Gibe.";

    #[test]
    fn finds_the_sentence_with_the_asked_for_thing() {
        let article = AnalyzedArticle::new("", TEXT);
        let how_many = answer_question(&article, "How many pirates were taken into custody?");
        assert!(!how_many.declined);
        assert_eq!(how_many.cited[0].number, 2);
        let which = answer_question(&article, "Which warship answered the distress call?");
        assert_eq!(which.cited[0].number, 4);
        let when = answer_question(&article, "When did the navy stop the pirates?");
        assert_eq!(when.cited[0].number, 1);
    }

    #[test]
    fn declines_what_the_article_does_not_say() {
        let article = AnalyzedArticle::new("", TEXT);
        for question in [
            "What did the prime minister say about the economy?",
            "How much ransom was paid?",
        ] {
            let answer = answer_question(&article, question);
            assert!(answer.declined, "{question}: {:?}", answer.cited);
        }
    }

    #[test]
    fn how_phrases_ask_for_a_shape_not_a_word() {
        assert_eq!(without_question_phrase("How old is Ada?"), "is Ada?");
        assert_eq!(
            without_question_phrase("How many boats?"),
            "How many boats?"
        );
        let article = AnalyzedArticle::new(
            "",
            "Ada Lovelace, 36, wrote the notes. She was born in London.",
        );
        assert_eq!(
            answer_question(&article, "How old is Ada Lovelace?").cited[0].number,
            1
        );
    }

    #[test]
    fn questions_are_checked() {
        assert_eq!(check_question("  "), Err(QuestionError::Empty));
        assert_eq!(
            check_question(&"x".repeat(301)),
            Err(QuestionError::TooLong)
        );
        assert_eq!(check_question(" Who? "), Ok("Who?"));
    }
}
