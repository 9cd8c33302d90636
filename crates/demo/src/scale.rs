//! The demo publishers scaled up for benchmarks: the same outlets publishing many more
//! articles, each outlet's list split over several feeds of a realistic size.
//!
//! Articles beyond the corpus are rewritten corpus articles. Generation `g` of an ECB+ event
//! is the same kind of happening somewhere else: within the generation every name of the
//! event (people, places, organisations, ships) is replaced by a made-up one and every
//! number by another, the same way in each of the event's articles. So the articles of one
//! generation still tell one story together, while articles of different generations have
//! other key terms, other titles, other URLs, and texts that share too few phrases to be
//! taken for copies of each other.

use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};

use super::corpus::{CorpusArticle, MAX_OFFSET_MINUTES};

/// How far the demo is scaled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoScale {
    /// Articles published across the outlets: the corpus first, then rewritten generations
    /// of it (the last one partly) until there are this many.
    pub articles: usize,
    /// Most items one feed lists; an outlet publishing more has several feeds.
    pub items_per_feed: usize,
}

impl DemoScale {
    /// `articles` in all, in feeds of at most 100 items.
    pub fn articles(articles: usize) -> Self {
        DemoScale {
            articles,
            items_per_feed: 100,
        }
    }
}

/// Titles a rewritten article may get when its rewritten title is taken already.
const TITLE_PREFIXES: [&str; 6] = [
    "Update: ",
    "Latest: ",
    "Analysis: ",
    "Explainer: ",
    "Live: ",
    "Report: ",
];

/// Syllables of the made-up names.
const SYLLABLES: [&str; 32] = [
    "ka", "lo", "ven", "dar", "mi", "tor", "sel", "an", "bri", "cor", "del", "fa", "gan", "hal",
    "is", "jor", "ke", "lum", "mar", "nor", "os", "pel", "quin", "ras", "sor", "tal", "ul", "var",
    "wen", "yor", "zan", "be",
];

/// The corpus grown to `articles`: the corpus articles themselves, then generation 1, 2, …
/// of each, in corpus order. Every article has its own id and title.
pub fn scaled_corpus(corpus: &[CorpusArticle], articles: usize) -> Vec<CorpusArticle> {
    let mut names_by_event: HashMap<&str, HashSet<String>> = HashMap::new();
    for article in corpus {
        let names = names_by_event.entry(article.event.as_str()).or_default();
        collect_names(&article.title, names);
        for paragraph in &article.paragraphs {
            collect_names(paragraph, names);
        }
    }
    let mut titles: HashSet<String> = HashSet::new();
    let mut out = Vec::with_capacity(articles);
    for index in 0..articles {
        let Some(original) = corpus.get(index % corpus.len().max(1)) else {
            break;
        };
        let generation = index / corpus.len();
        let mut article = if generation == 0 {
            original.clone()
        } else {
            let empty = HashSet::new();
            let names = names_by_event
                .get(original.event.as_str())
                .unwrap_or(&empty);
            rewrite(original, generation, names)
        };
        article.title = unique_title(&mut titles, &article.title);
        out.push(article);
    }
    out
}

/// Generation `generation` of `original`: names and numbers replaced as the generation
/// replaces them, a publication time of its own within the demo's window.
fn rewrite(original: &CorpusArticle, generation: usize, names: &HashSet<String>) -> CorpusArticle {
    let seed = stable_hash(&(original.event.as_str(), generation));
    let substitute = |text: &str| substitute_words(text, names, seed);
    CorpusArticle {
        id: format!("{}~g{generation}", original.id),
        outlet: original.outlet.clone(),
        title: substitute(&original.title),
        byline: original.byline.clone(),
        event: format!("{}~g{generation}", original.event),
        offset_minutes: (stable_hash(&(original.id.as_str(), generation))
            % u64::from(MAX_OFFSET_MINUTES + 1)) as u32,
        paragraphs: original.paragraphs.iter().map(|p| substitute(p)).collect(),
        categories: original.categories.clone(),
    }
}

/// Adds the capitalised words of `text` that stand inside a sentence (so are names, not just
/// the first word of a sentence).
fn collect_names(text: &str, names: &mut HashSet<String>) {
    for (word, sentence_start) in words(text) {
        if !sentence_start && is_name_like(word) {
            names.insert(word.to_string());
        }
    }
}

fn is_name_like(word: &str) -> bool {
    let lower = word.to_lowercase();
    word.chars().next().is_some_and(char::is_uppercase)
        && word.chars().all(char::is_alphabetic)
        && word.chars().count() >= 2
        && !tidings_core::is_function_word(&lower)
        && !tidings_core::is_weekday_or_month(&lower)
}

/// The words (runs of letters and digits) of `text`, each with whether it opens a sentence.
fn words(text: &str) -> Vec<(&str, bool)> {
    let mut out = Vec::new();
    let mut sentence_start = true;
    let mut start: Option<usize> = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        if c.is_alphanumeric() {
            start.get_or_insert(i);
            continue;
        }
        if let Some(s) = start.take() {
            out.push((&text[s..i], sentence_start));
            sentence_start = false;
        }
        if matches!(c, '.' | '!' | '?') {
            sentence_start = true;
        }
    }
    out
}

/// `text` with every word of `names` and every number replaced as `seed` says.
fn substitute_words(text: &str, names: &HashSet<String>, seed: u64) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut last = 0;
    let mut start: Option<usize> = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        if c.is_alphanumeric() {
            start.get_or_insert(i);
            continue;
        }
        let Some(s) = start.take() else { continue };
        let word = &text[s..i];
        let replaced = if names.contains(word) {
            Some(made_up_name(word, seed))
        } else if is_content_word(word) {
            Some(made_up_name(word, seed).to_lowercase())
        } else if word.chars().all(|c| c.is_ascii_digit()) {
            other_number(word, seed)
        } else {
            None
        };
        if let Some(new) = replaced {
            out.push_str(&text[last..s]);
            out.push_str(&new);
            last = i;
        }
    }
    out.push_str(&text[last..]);
    out
}

/// A lower-case word that carries meaning (not a function word, four letters or more): it is
/// replaced too, so that texts of different generations share too few phrases to be copies.
fn is_content_word(word: &str) -> bool {
    word.chars().count() >= 4
        && word.chars().all(|c| c.is_alphabetic() && c.is_lowercase())
        && !tidings_core::is_function_word(word)
}

/// A made-up name standing for `word` in the generation of `seed`: capitalised, or all
/// capitals of the same length for an acronym.
fn made_up_name(word: &str, seed: u64) -> String {
    let mut hash = stable_hash(&(word, seed));
    let syllables = 2 + (hash % 2) as usize;
    let mut name = String::new();
    for _ in 0..syllables {
        hash /= 2;
        name.push_str(SYLLABLES[(hash % SYLLABLES.len() as u64) as usize]);
        hash /= SYLLABLES.len() as u64;
    }
    let acronym = word.chars().count() >= 2 && word.chars().all(char::is_uppercase);
    if acronym {
        let length = word.chars().count();
        let mut letters: String = name.to_uppercase().chars().take(length).collect();
        while letters.chars().count() < length {
            letters.push('X');
        }
        return letters;
    }
    let mut chars = name.chars();
    chars.next().map_or(name.clone(), |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// Another number of as many digits for `digits` in the generation of `seed`; years
/// (1900–2099) are kept, as they date the event.
fn other_number(digits: &str, seed: u64) -> Option<String> {
    let value: u64 = digits.parse().ok()?;
    if digits.len() == 4 && (1900..=2099).contains(&value) {
        return None;
    }
    if digits.len() > 9 {
        return None;
    }
    let span = 10u64.pow(digits.len() as u32);
    let floor = if digits.len() > 1 { span / 10 } else { 1 };
    let shifted = (value + 1 + stable_hash(&(digits, seed)) % (span - floor)) % span;
    let new = if shifted < floor {
        shifted + floor
    } else {
        shifted
    };
    Some(new.to_string())
}

/// `title`, or a variant of it no other article has.
fn unique_title(used: &mut HashSet<String>, title: &str) -> String {
    if used.insert(title.to_string()) {
        return title.to_string();
    }
    for prefix in TITLE_PREFIXES {
        let candidate = format!("{prefix}{title}");
        if used.insert(candidate.clone()) {
            return candidate;
        }
    }
    let mut n = 2;
    loop {
        let candidate = format!("{title} (part {n})");
        if used.insert(candidate.clone()) {
            return candidate;
        }
        n += 1;
    }
}

fn stable_hash<T: Hash>(value: &T) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::embedded_corpus;
    use tidings_enrich::{COPY_CONTAINMENT, containment, shingles};

    fn text(article: &CorpusArticle) -> String {
        article.paragraphs.join("\n")
    }

    #[test]
    fn generations_have_their_own_ids_titles_and_no_copies_of_each_other() {
        let corpus = embedded_corpus().expect("corpus");
        let scaled = scaled_corpus(&corpus, corpus.len() * 3 + 10);
        assert_eq!(scaled.len(), corpus.len() * 3 + 10);
        let ids: HashSet<&str> = scaled.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids.len(), scaled.len());
        let titles: HashSet<&str> = scaled.iter().map(|a| a.title.as_str()).collect();
        assert_eq!(titles.len(), scaled.len());
        assert!(
            scaled
                .iter()
                .all(|a| a.offset_minutes <= MAX_OFFSET_MINUTES)
        );
        let n = corpus.len();
        let mut worst: f32 = 0.0;
        for i in 0..n {
            let versions: Vec<_> = (0..3)
                .map(|g| shingles(&text(&scaled[g * n + i])))
                .collect();
            for a in 0..3 {
                for b in a + 1..3 {
                    worst = worst.max(containment(&versions[a], &versions[b]));
                }
            }
        }
        assert!(
            worst < COPY_CONTAINMENT / 2.0,
            "two generations of one article look like copies: containment {worst}"
        );
    }

    #[test]
    fn names_and_numbers_change_the_same_way_within_a_generation() {
        let names: HashSet<String> = ["Gibe", "Mysore", "INS"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let text = "INS Mysore saw MV Gibe at 1100 hours in 2008. Mysore fired 23 shots.";
        let once = substitute_words(text, &names, 7);
        assert_eq!(once, substitute_words(text, &names, 7), "deterministic");
        assert!(!once.contains("Mysore") && !once.contains("Gibe"), "{once}");
        assert!(once.contains("MV ") && once.contains("2008"), "{once}");
        assert!(!once.contains(" 23 ") && !once.contains("1100"), "{once}");
        // One name, one replacement, wherever it stands.
        let mysore = made_up_name("Mysore", 7);
        assert_eq!(once.matches(&mysore).count(), 2, "{once}");
        assert_eq!(made_up_name("INS", 7).len(), 3);
        assert_ne!(
            substitute_words(text, &names, 8),
            once,
            "another generation"
        );
    }

    #[test]
    fn sentence_openers_are_not_taken_for_names() {
        let mut names = HashSet::new();
        collect_names(
            "Police said on Friday that Lohan left. Officers met Lohan.",
            &mut names,
        );
        assert_eq!(names, HashSet::from(["Lohan".to_string()]));
    }
}
