//! Where the outlets of a story differ: counts that outlets report differently for the same
//! thing ("pirates captured: 23, 26"). A claim is a number the text states exactly, the
//! plural noun it counts and, where the sentence has one, the verb of the count; its label is
//! made of those words as the outlets wrote them. Two outlets differ on a claim only when
//! each states one value for it, the values differ, and their sentences otherwise tell the
//! same thing. Numbers that count nothing named (scores, times, money, ages, approximations)
//! are not claims.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde::Serialize;

use crate::brief::BriefSource;
use crate::text::{AnalyzedArticle, WordStemmer, is_stop_word, is_time_word};

/// Most disagreements a brief lists.
pub const MAX_DISAGREEMENTS: usize = 5;
/// Sentences of each article read for claims.
const SENTENCES_READ: usize = 40;
/// How much two sentences stating a claim with a verb must share (content stems, numbers
/// aside) to be about the same thing; a claim without a verb needs more.
const SAME_THING_WITH_VERB: f64 = 0.2;
const SAME_THING_WITHOUT_VERB: f64 = 0.4;

/// What one outlet says about a disputed fact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutletClaim {
    pub outlet: String,
    pub article_id: i64,
    /// The number as the outlet wrote it ("23", "twelve").
    pub value: String,
    /// 1-based sentence number in the article.
    pub sentence: usize,
    /// The outlet's sentence.
    pub text: String,
}

/// One value of a disputed fact and the outlets that give it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DisputedValue {
    pub value: String,
    pub claims: Vec<OutletClaim>,
}

/// A fact the outlets report differently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Disagreement {
    /// What is counted, in the articles' words ("Pirates captured", "People killed").
    pub about: String,
    /// Each value given, with its outlets; most outlets first.
    pub values: Vec<DisputedValue>,
}

/// One count stated in one sentence.
#[derive(Debug, Clone)]
struct Claim {
    /// The counted noun's stem and the verb's stem ("" without a verb).
    key: (String, String),
    /// The noun as written, lower-cased.
    noun: String,
    /// The verb as written, lower-cased, when the sentence has one.
    verb: Option<String>,
    /// The number normalized ("1,200" → "1200", "twelve" → "12").
    value: String,
    surface: String,
    sentence: usize,
    text: String,
    /// Content stems of the sentence without numbers.
    context: HashSet<String>,
}

/// Claims by (noun, verb) key, each with the index of its source.
type ClaimsByKey = BTreeMap<(String, String), Vec<(usize, Claim)>>;

/// The facts on which the story's outlets differ.
pub fn disagreements(sources: &[BriefSource], analyzed: &[AnalyzedArticle]) -> Vec<Disagreement> {
    let stemmer = WordStemmer::default();
    // outlet → key → claims (one outlet may have several articles).
    let mut by_outlet: BTreeMap<&str, ClaimsByKey> = BTreeMap::new();
    for (index, (source, article)) in sources.iter().zip(analyzed).enumerate() {
        for sentence in article.sentences.iter().take(SENTENCES_READ) {
            for claim in claims_in(&sentence.text, sentence.number, &stemmer) {
                by_outlet
                    .entry(source.outlet.as_str())
                    .or_default()
                    .entry(claim.key.clone())
                    .or_default()
                    .push((index, claim));
            }
        }
    }
    // Each outlet's one value per key; an outlet giving two values for a key says nothing
    // certain about it.
    let mut by_key: ClaimsByKey = BTreeMap::new();
    for keys in by_outlet.into_values() {
        for (key, claims) in keys {
            let values: BTreeSet<&str> = claims.iter().map(|(_, c)| c.value.as_str()).collect();
            if values.len() == 1
                && let Some(first) = claims.into_iter().next()
            {
                by_key.entry(key).or_default().push(first);
            }
        }
    }
    let mut found: Vec<Disagreement> = by_key
        .into_iter()
        .filter_map(|(key, claims)| disagreement(&key, &claims, sources))
        .collect();
    found
        .sort_by_key(|d| std::cmp::Reverse(d.values.iter().map(|v| v.claims.len()).sum::<usize>()));
    found.truncate(MAX_DISAGREEMENTS);
    found
}

/// The disagreement on one key, when two outlets give different values in sentences about
/// the same thing.
fn disagreement(
    key: &(String, String),
    claims: &[(usize, Claim)],
    sources: &[BriefSource],
) -> Option<Disagreement> {
    let needed = if key.1.is_empty() {
        SAME_THING_WITHOUT_VERB
    } else {
        SAME_THING_WITH_VERB
    };
    let same_thing = claims.iter().enumerate().any(|(i, (_, a))| {
        claims[i + 1..]
            .iter()
            .any(|(_, b)| a.value != b.value && jaccard(&a.context, &b.context) >= needed)
    });
    if !same_thing {
        return None;
    }
    // Outlets in story order (oldest report first).
    let mut ordered: Vec<&(usize, Claim)> = claims.iter().collect();
    ordered.sort_by_key(|(index, _)| *index);
    let mut values: Vec<(&str, DisputedValue)> = Vec::new();
    for (index, claim) in ordered {
        let source = &sources[*index];
        let outlet_claim = OutletClaim {
            outlet: source.outlet.clone(),
            article_id: source.article_id,
            value: claim.surface.clone(),
            sentence: claim.sentence,
            text: claim.text.clone(),
        };
        match values.iter_mut().find(|(v, _)| *v == claim.value) {
            Some((_, shown)) => shown.claims.push(outlet_claim),
            None => values.push((
                claim.value.as_str(),
                DisputedValue {
                    value: claim.surface.clone(),
                    claims: vec![outlet_claim],
                },
            )),
        }
    }
    let mut values: Vec<DisputedValue> = values.into_iter().map(|(_, v)| v).collect();
    values.sort_by_key(|v| std::cmp::Reverse(v.claims.len()));
    // The label: the noun, then the verb when one outlet wrote it as a participle.
    let (_, first) = claims.first()?;
    let participle = claims
        .iter()
        .filter_map(|(_, c)| c.verb.as_deref())
        .find(|v| is_participle(v));
    let mut about = capitalized(&first.noun);
    if let Some(verb) = participle {
        about.push(' ');
        about.push_str(verb);
    }
    Some(Disagreement { about, values })
}

fn jaccard(a: &HashSet<String>, b: &HashSet<String>) -> f64 {
    let union = a.union(b).count();
    if union == 0 {
        return 0.0;
    }
    a.intersection(b).count() as f64 / union as f64
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A word of a sentence with what separates it from the word before.
struct Word<'a> {
    text: &'a str,
    lower: String,
    /// The characters between the previous word and this one, spaces trimmed.
    gap: &'a str,
}

/// Words as runs of letters and digits (keeping "3.5" and "1,200" whole), each with the
/// punctuation before it.
fn words_with_gaps(text: &str) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut gap_start = 0;
    while i < text.len() {
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        if c.is_alphanumeric() {
            let start = i;
            let mut end = i;
            while end < text.len() {
                let Some(d) = text[end..].chars().next() else {
                    break;
                };
                let inner_number_mark = (d == '.' || d == ',')
                    && end > start
                    && bytes[end - 1].is_ascii_digit()
                    && bytes.get(end + 1).is_some_and(u8::is_ascii_digit);
                if d.is_alphanumeric() || inner_number_mark {
                    end += d.len_utf8();
                } else {
                    break;
                }
            }
            let word = &text[start..end];
            out.push(Word {
                text: word,
                lower: word.to_lowercase(),
                gap: text[gap_start..start].trim(),
            });
            i = end;
            gap_start = end;
        } else {
            i += c.len_utf8();
        }
    }
    out
}

/// Phrases that make a count a running total rather than this event's.
const CUMULATIVE: &[&str] = &[
    "so far",
    "thus far",
    "to date",
    "a total of",
    "in total",
    "in all",
    "altogether",
    "this year",
    "this season",
];

/// Words before a number that make it approximate.
const APPROXIMATE: &[&str] = &[
    "least",
    "than",
    "nearly",
    "about",
    "around",
    "almost",
    "over",
    "some",
    "roughly",
    "approximately",
    "estimated",
    "up",
    "under",
    "beyond",
    "perhaps",
    "possibly",
];

/// Words between a counted noun and its verb ("pirates who were captured").
const AUXILIARIES: &[&str] = &[
    "who",
    "that",
    "which",
    "were",
    "was",
    "are",
    "is",
    "have",
    "has",
    "had",
    "been",
    "being",
    "be",
    "reportedly",
    "also",
    "all",
    "later",
    "now",
];

/// Plurals without a final "s".
const IRREGULAR_PLURALS: &[&str] = &[
    "people",
    "men",
    "women",
    "children",
    "police",
    "crew",
    "staff",
    "personnel",
    "troops",
    "cattle",
    "feet",
];

/// Plural nouns that measure time or rate rather than count things.
const NOT_COUNTED: &[&str] = &[
    "percent", "hours", "minutes", "seconds", "days", "weeks", "months", "years", "decades",
    "times", "points", "games", "seasons", "ppg", "goals", "runs", "votes",
];

/// Participles of counting verbs that do not end in "ed".
const IRREGULAR_PARTICIPLES: &[&str] = &[
    "hurt", "taken", "held", "caught", "left", "lost", "found", "seen", "shot", "struck", "hit",
    "fled", "slain", "stolen", "sold", "built", "sent", "kept",
];

/// Simple past forms that are not participles ("took 23 pirates").
const IRREGULAR_PAST: &[&str] = &["took", "saw", "stole", "gave", "drew", "threw"];

/// Whether the verb reads well after its noun in a label ("pirates captured").
fn is_participle(verb: &str) -> bool {
    (verb.ends_with("ed") && verb.len() > 3) || IRREGULAR_PARTICIPLES.contains(&verb)
}

fn is_verb(word: &str) -> bool {
    is_participle(word)
        || IRREGULAR_PAST.contains(&word)
        || (word.ends_with("ing") && word.len() > 5)
}

fn is_plural_noun(word: &str) -> bool {
    word.len() >= 3
        && word.chars().all(|c| c.is_ascii_lowercase())
        && !is_stop_word(word)
        && !is_time_word(word)
        && !NOT_COUNTED.contains(&word)
        && (IRREGULAR_PLURALS.contains(&word)
            || (word.ends_with('s')
                && !word.ends_with("ss")
                && !word.ends_with("us")
                && !word.ends_with("is")))
}

/// The counts a sentence states exactly.
fn claims_in(text: &str, number: usize, stemmer: &WordStemmer) -> Vec<Claim> {
    let words = words_with_gaps(text);
    let context: HashSet<String> = words
        .iter()
        .filter(|w| !is_stop_word(&w.lower) && exact_number(&w.lower).is_none())
        .filter(|w| !w.lower.chars().any(|c| c.is_ascii_digit()))
        .map(|w| stemmer.stem(&w.lower))
        .collect();
    // "923 rounds so far" and "300 rounds" in this raid count different things.
    let lower = text.to_lowercase();
    let cumulative = CUMULATIVE.iter().any(|marker| lower.contains(marker));
    let mut out = Vec::new();
    for (i, word) in words.iter().enumerate() {
        let Some(value) = exact_number(&word.lower) else {
            continue;
        };
        let next = words.get(i + 1);
        // Joined to a word or number ("9-14", "61-year-old", "$1", "5%"): not a count.
        let joined_before = i > 0 && (word.gap == "-" || word.gap == "/" || word.gap == ":");
        let joined_after = next.is_some_and(|n| n.gap == "-" || n.gap == "/" || n.gap == ":");
        let money = word.gap.ends_with(['$', '£', '€']);
        let percent = next.is_some_and(|n| n.gap.starts_with('%'));
        if joined_before || joined_after || money || percent {
            continue;
        }
        if i > 0 {
            let previous = &words[i - 1];
            // "Flight 447", "No. 10", "at least 12".
            let named = previous.text.chars().next().is_some_and(char::is_uppercase)
                && !is_stop_word(&previous.lower);
            if named || APPROXIMATE.contains(&previous.lower.as_str()) || previous.lower == "no" {
                continue;
            }
        }
        // The counted noun: the first plural among the next three words of the clause.
        let mut noun_at = None;
        for (offset, candidate) in words.iter().enumerate().skip(i + 1).take(3) {
            if !candidate.gap.is_empty() || is_stop_word(&candidate.lower) {
                break;
            }
            if exact_number(&candidate.lower).is_some() {
                break;
            }
            if is_plural_noun(&candidate.lower) {
                noun_at = Some(offset);
                break;
            }
        }
        let Some(noun_at) = noun_at else { continue };
        let noun = &words[noun_at];
        let verb = verb_before(&words, i).or_else(|| verb_after(&words, noun_at));
        let mut verb_key = verb.map(|v| stemmer.stem(v)).unwrap_or_default();
        if cumulative {
            verb_key.push_str(" (total)");
        }
        out.push(Claim {
            key: (stemmer.stem(&noun.lower), verb_key),
            noun: noun.lower.clone(),
            verb: verb.map(str::to_owned),
            value,
            surface: word.text.to_owned(),
            sentence: number,
            text: text.to_owned(),
            context: context.clone(),
        });
    }
    out
}

/// The verb a count is the object of: "captured 23 pirates", "has killed 12 people".
fn verb_before<'a>(words: &'a [Word<'_>], number_at: usize) -> Option<&'a str> {
    let mut at = number_at;
    for _ in 0..3 {
        if at == 0 || !words[at].gap.is_empty() {
            return None;
        }
        at -= 1;
        let word = words[at].lower.as_str();
        if is_stop_word(word) {
            continue;
        }
        return is_verb(word).then_some(word);
    }
    None
}

/// The verb a count is the subject of: "12 people were killed", "five boats seized".
fn verb_after<'a>(words: &'a [Word<'_>], noun_at: usize) -> Option<&'a str> {
    for word in words.iter().skip(noun_at + 1).take(4) {
        if !word.gap.is_empty() {
            return None;
        }
        if AUXILIARIES.contains(&word.lower.as_str()) {
            continue;
        }
        return is_participle(&word.lower).then_some(word.lower.as_str());
    }
    None
}

/// A number stated exactly, in digits or words, normalized; years and vague words
/// ("dozens", "several") are not.
pub(crate) fn exact_number(lower: &str) -> Option<String> {
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
        ("thirteen", 13),
        ("fourteen", 14),
        ("fifteen", 15),
        ("twenty", 20),
        ("thirty", 30),
        ("forty", 40),
        ("fifty", 50),
    ];
    if let Some((_, value)) = WORDS.iter().find(|(w, _)| *w == lower) {
        return Some(value.to_string());
    }
    let digits: String = lower.chars().filter(|c| *c != ',').collect();
    let numeric = !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.chars().next().is_some_and(|c| c.is_ascii_digit());
    let year = digits.len() == 4 && (digits.starts_with("19") || digits.starts_with("20"));
    (numeric && !year).then_some(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(text: &str) -> Vec<(String, String, String)> {
        claims_in(text, 1, &WordStemmer::default())
            .into_iter()
            .map(|c| (c.noun, c.verb.unwrap_or_default(), c.value))
            .collect()
    }

    #[test]
    fn counts_are_a_number_a_plural_noun_and_its_verb() {
        assert_eq!(
            claims("The Indian navy said it captured 23 pirates in the Gulf of Aden."),
            [("pirates".into(), "captured".into(), "23".into())]
        );
        assert_eq!(
            claims("An earthquake hit the region, and twelve people were killed."),
            [("people".into(), "killed".into(), "12".into())]
        );
        assert_eq!(
            claims("Seven AK-47s and three outboard motors were found in the boats."),
            [("motors".into(), "found".into(), "3".into())]
        );
    }

    #[test]
    fn numbers_that_count_nothing_named_are_not_claims() {
        for text in [
            "The navy took 23 into custody.",
            "The 76ers opened 9-14 after an 88-72 loss.",
            "A 61-year-old man was charged at 6 p.m. on Friday.",
            "The fire caused $1 million in damage.",
            "At least 12 people died; nearly 40 homes burned.",
            "Turnout rose 5% to 61 percent.",
            "Flight 447 left with 200 passengers in 2009.",
            "He scored 15.9 points in 23 games.",
            "Dozens of people and several boats were seen.",
        ] {
            let found = claims(text);
            assert!(
                found.iter().all(|(noun, _, _)| noun == "passengers"),
                "{text}: {found:?}"
            );
        }
    }

    #[test]
    fn a_running_total_is_not_this_events_count() {
        let stemmer = WordStemmer::default();
        let total = claims_in("So far the navy has seized 923 rounds.", 1, &stemmer);
        let raid = claims_in("The navy seized 300 rounds.", 1, &stemmer);
        assert_eq!(total.len(), 1);
        assert_eq!(raid.len(), 1);
        assert_ne!(total[0].key, raid[0].key);
    }

    #[test]
    fn exact_numbers_are_normalized() {
        assert_eq!(exact_number("1,200").as_deref(), Some("1200"));
        assert_eq!(exact_number("twelve").as_deref(), Some("12"));
        assert_eq!(exact_number("6.1").as_deref(), Some("6.1"));
        assert_eq!(exact_number("2009"), None);
        assert_eq!(exact_number("dozens"), None);
        assert_eq!(exact_number("boats"), None);
    }
}
