//! A story's headline, chosen from its coverage: the outlet title that best represents what
//! the outlets report (the one whose words the other outlets' titles and opening lines share
//! most), with a title that reads oddly — shouting, a question, a cut-off opening sentence, a
//! word no other outlet uses (often a typo), a site name or an "UPDATE:" label — passed over
//! or cleaned. Pure: it reads the story's article cards only.

use std::collections::{HashMap, HashSet};

use crate::english::is_function_word;
use crate::stories::StoryArticle;

/// Labels outlets put before a title that say nothing about the event.
const TITLE_LABELS: &[&str] = &[
    "update",
    "updated",
    "updates",
    "breaking",
    "breaking news",
    "exclusive",
    "watch",
    "video",
    "photos",
    "live",
    "just in",
    "developing",
];

/// Bracketed notes outlets add after a title.
const TITLE_NOTES: &[&str] = &[
    "photos", "photo", "video", "videos", "updated", "update", "live", "watch", "gallery",
];

/// The headline of a story: the cleaned title of the original article that best represents
/// the coverage (copies stand in only when there is no original). Empty for no articles.
pub fn story_headline(articles: &[StoryArticle]) -> String {
    let ranked = ranked_titles(articles);
    ranked
        .first()
        .map(|(_, title)| title.clone())
        .or_else(|| articles.first().map(|a| a.card.title.trim().to_owned()))
        .unwrap_or_default()
}

/// The story's original articles (copies when there is no original), most representative
/// first: the order in which a brief across the coverage should read them.
pub fn representative_articles(articles: &[StoryArticle]) -> Vec<crate::types::ArticleId> {
    ranked_titles(articles)
        .into_iter()
        .map(|(id, _)| id)
        .collect()
}

/// The articles' ids and cleaned titles, best headline first (ties: the earlier report).
fn ranked_titles(articles: &[StoryArticle]) -> Vec<(crate::types::ArticleId, String)> {
    let originals: Vec<&StoryArticle> = articles.iter().filter(|a| a.copy_of.is_none()).collect();
    let pool: Vec<&StoryArticle> = if originals.is_empty() {
        articles.iter().collect()
    } else {
        originals
    };
    let publishers: Vec<String> = articles
        .iter()
        .map(|a| a.card.publisher.to_lowercase())
        .collect();
    let candidates: Vec<Candidate> = pool
        .iter()
        .map(|a| Candidate::new(&a.card.title, &a.card.excerpt, &publishers))
        .collect();
    let mut earliest: Vec<usize> = (0..pool.len()).collect();
    earliest.sort_by_key(|&i| (pool[i].card.shown_at, pool[i].card.id));
    let first_report = earliest.first().map(|&i| &candidates[i].report);
    let mut document_frequency: HashMap<&str, usize> = HashMap::new();
    for candidate in &candidates {
        for term in &candidate.report {
            *document_frequency.entry(term.as_str()).or_insert(0) += 1;
        }
    }
    let caps_elsewhere = |word: &str, own: usize| {
        candidates
            .iter()
            .enumerate()
            .any(|(i, c)| i != own && c.caps_words.contains(word))
    };
    let others = pool.len().saturating_sub(1).max(1) as f64;
    let mut scored: Vec<(f64, usize)> = Vec::with_capacity(pool.len());
    for &i in &earliest {
        let candidate = &candidates[i];
        let mut score = 0.0;
        let mut unsupported = 0usize;
        let mut from_first_report = 0usize;
        for term in &candidate.terms {
            let elsewhere = document_frequency
                .get(term.as_str())
                .copied()
                .unwrap_or(0)
                .saturating_sub(usize::from(candidate.report.contains(term)));
            if elsewhere == 0 {
                unsupported += 1;
            }
            // Squared: the words most outlets share count far more than the words a few do.
            let support = elsewhere as f64 / others;
            score += support * support;
            if first_report.is_some_and(|r| r.contains(term)) {
                from_first_report += 1;
            }
        }
        // Shared words count; a long title must share more of them to outweigh a short one.
        let terms = candidate.terms.len().max(1) as f64;
        score = 2.0 * score / (terms + 1.0).sqrt();
        // With three reports or more, a word no other outlet uses is most often a typo or
        // an outlet's own angle.
        if pool.len() > 2 {
            score -= 0.25 * unsupported as f64;
        }
        score += 0.15 * from_first_report as f64 / terms;
        let shouting = candidate
            .caps_words
            .iter()
            .filter(|w| !caps_elsewhere(w, i))
            .count();
        score -= 0.3 * shouting.min(3) as f64;
        score -= candidate.oddness();
        if candidate.cleaned.is_empty() {
            score = f64::MIN;
        }
        scored.push((score, i));
    }
    // Stable: equal scores keep the earlier report first. Rounded, so that sums taken in
    // another order (the terms are a set) rank the same.
    scored.sort_by_key(|(score, _)| std::cmp::Reverse((score * 1e6).round() as i64));
    scored
        .into_iter()
        .map(|(_, i)| (pool[i].card.id, candidates[i].cleaned.clone()))
        .collect()
}

/// One article's title as the chooser weighs it.
struct Candidate {
    /// The title without labels, site names or notes.
    cleaned: String,
    /// Normalized content words of the cleaned title.
    terms: HashSet<String>,
    /// Normalized content words of the title and the article's opening lines.
    report: HashSet<String>,
    /// Words of four letters or more written in capitals.
    caps_words: HashSet<String>,
    /// The title is the start of its own opening sentence, cut before that sentence ends.
    cut_lede: bool,
}

impl Candidate {
    fn new(title: &str, excerpt: &str, publishers: &[String]) -> Self {
        let cleaned = clean_title(title, publishers);
        let terms: HashSet<String> = content_terms(&cleaned).collect();
        let mut report = terms.clone();
        report.extend(content_terms(excerpt));
        let caps_words = words(&cleaned)
            .filter(|w| {
                w.chars().filter(|c| c.is_alphabetic()).count() >= 4
                    && w.chars().all(|c| !c.is_lowercase())
                    && w.chars().any(char::is_uppercase)
            })
            .map(str::to_owned)
            .collect();
        Candidate {
            cut_lede: is_cut_lede(&cleaned, excerpt),
            cleaned,
            terms,
            report,
            caps_words,
        }
    }

    /// How much the title's form (not its words) counts against it.
    fn oddness(&self) -> f64 {
        let title = self.cleaned.trim_end();
        let word_count = words(title).count();
        let mut odd = 0.0;
        if title.contains('?') {
            odd += 0.5;
        }
        // "Report: …", "Lawyer: …": a label or a source before the news.
        if let Some((label, _)) = title.split_once(':')
            && words(label).count() <= 2
        {
            odd += 0.2;
        }
        if self.cut_lede {
            odd += 0.6;
        } else if let Some(last) = words(title).last()
            && is_function_word(&last.to_lowercase())
        {
            // Ends on "the", "of", "a": cut off.
            odd += 0.6;
        }
        // "… off Iran's": a possessive never ends a headline.
        if title.ends_with("'s") || title.ends_with("’s") {
            odd += 0.6;
        }
        if word_count < 2 {
            odd += 0.4;
        }
        if title.chars().count() > 110 {
            odd += 0.3;
        }
        if title.contains("...") || title.contains('…') || title.contains('[') {
            odd += 0.3;
        }
        if title.starts_with(['"', '\'', '‘', '“']) {
            odd += 0.2;
        }
        if !title.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit()) {
            odd += 0.3;
        }
        // A report about a report: "According to …, …".
        if title.to_lowercase().starts_with("according to") {
            odd += 0.4;
        }
        // An unbalanced quotation mark: the title stops inside a quote.
        if title.matches('"').count() % 2 == 1 {
            odd += 0.3;
        }
        odd
    }
}

/// The title without an "UPDATE:"-style label, a trailing site name ("… | The Gazette",
/// "… - Gazette" when that is an outlet of the story) or a note ("(photos)").
pub fn clean_title(title: &str, publishers: &[String]) -> String {
    let mut text = title.split_whitespace().collect::<Vec<_>>().join(" ");
    // Labels, possibly several ("BREAKING: UPDATE: …").
    while let Some((label, rest)) = text.split_once(':') {
        let label = label.trim().to_lowercase();
        let label = label.trim_end_matches(|c: char| c.is_ascii_digit() || c == ' ');
        if TITLE_LABELS.contains(&label) && !rest.trim().is_empty() {
            text = rest.trim().to_owned();
        } else {
            break;
        }
    }
    for separator in [" | ", " - ", " – ", " — ", " :: "] {
        if let Some((head, tail)) = text.rsplit_once(separator) {
            let tail = tail.trim().to_lowercase();
            let is_site = publishers.contains(&tail)
                || tail.ends_with(".com")
                || tail.ends_with(".org")
                || tail.ends_with(".co.uk");
            if is_site && !head.trim().is_empty() {
                text = head.trim().to_owned();
            }
        }
    }
    for (open, close) in [('(', ')'), ('[', ']')] {
        if text.ends_with(close)
            && let Some(start) = text.rfind(open)
        {
            let note = text[start + 1..text.len() - 1].trim().to_lowercase();
            if TITLE_NOTES.contains(&note.as_str()) && start > 0 {
                text = text[..start].trim_end().to_owned();
            }
        }
    }
    text
}

/// Whether the title is its article's opening words, stopped in the middle of a clause
/// (feeds that title an item with the first ninety characters of its text).
fn is_cut_lede(title: &str, excerpt: &str) -> bool {
    let title_words: Vec<&str> = words(title).collect();
    let lede_words: Vec<&str> = words(excerpt).collect();
    if title_words.len() < 4 || lede_words.len() <= title_words.len() {
        return false;
    }
    let same_start = title_words
        .iter()
        .zip(&lede_words)
        .all(|(a, b)| a.eq_ignore_ascii_case(b));
    if !same_start {
        return false;
    }
    // The excerpt goes on within the same sentence after the title's last word.
    // A title ending where a clause ends (", who…", ". Then…") is not cut.
    let prefix_end = nth_word_end(excerpt, title_words.len()).unwrap_or(excerpt.len());
    let mut after = excerpt[prefix_end..].chars();
    after.next().is_some_and(char::is_whitespace)
        && after
            .find(|c| !c.is_whitespace())
            .is_some_and(char::is_alphanumeric)
}

/// The byte offset just after the `n`th word of `text`.
fn nth_word_end(text: &str, n: usize) -> Option<usize> {
    let mut count = 0;
    let mut in_word = false;
    for (i, c) in text.char_indices() {
        let word_char = c.is_alphanumeric();
        if word_char && !in_word {
            count += 1;
        }
        if !word_char && in_word && count == n {
            return Some(i);
        }
        in_word = word_char;
    }
    (count == n).then_some(text.len())
}

/// Runs of letters and digits.
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// The content words of `text`, lower-cased and folded so "fired", "fires" and "firing"
/// compare equal.
fn content_terms(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .map(|w| {
            let w = w.to_lowercase();
            w.strip_suffix("'s")
                .or_else(|| w.strip_suffix("’s"))
                .unwrap_or(&w)
                .trim_matches(['\'', '’'])
                .to_owned()
        })
        .filter(|w| !w.is_empty() && !is_function_word(w))
        .map(|w| fold(&w))
}

/// A crude English suffix fold: enough for two titles of one event to share their words.
fn fold(word: &str) -> String {
    if word.chars().any(|c| c.is_ascii_digit()) {
        return word.to_owned();
    }
    let len = word.chars().count();
    let mut w = if let Some(stem) = word.strip_suffix("ies").filter(|_| len > 4) {
        format!("{stem}y")
    } else if let Some(stem) = word.strip_suffix("ing").filter(|_| len > 5) {
        stem.to_owned()
    } else if let Some(stem) = word.strip_suffix("ed").filter(|_| len > 4) {
        stem.to_owned()
    } else if let Some(stem) = word
        .strip_suffix('s')
        .filter(|s| len > 3 && !s.ends_with('s'))
    {
        stem.to_owned()
    } else {
        word.to_owned()
    };
    if w.chars().count() > 3 && w.ends_with('e') {
        w.pop();
    }
    w
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone, Utc};

    use super::*;
    use crate::types::ArticleCard;

    fn article(id: i64, publisher: &str, title: &str, excerpt: &str) -> StoryArticle {
        let base = Utc
            .with_ymd_and_hms(2024, 5, 1, 12, 0, 0)
            .single()
            .expect("a valid date");
        StoryArticle {
            card: ArticleCard {
                id,
                title: title.to_owned(),
                publisher: publisher.to_owned(),
                publisher_slug: publisher.to_lowercase().replace(' ', "-"),
                url: format!("https://example.org/{id}"),
                shown_at: base + Duration::minutes(id * 10),
                excerpt: excerpt.to_owned(),
                image: None,
                picture: None,
                tags: Vec::new(),
            },
            copy_of: None,
        }
    }

    #[test]
    fn the_coverage_outvotes_an_older_article_of_another_event() {
        let story = vec![
            article(
                1,
                "Daily Meridian",
                "Sixers Hire Maurice Cheeks as Head Coach",
                "The Philadelphia 76ers hired Maurice Cheeks as head coach on Monday.",
            ),
            article(
                2,
                "Harbor Ledger",
                "The Philadelphia 76ers fired coach Maurice Cheeks on Saturday",
                "The Philadelphia 76ers fired coach Maurice Cheeks on Saturday, one day after a loss.",
            ),
            article(
                3,
                "Pinecrest Observer",
                "Maurice Cheeks was fired Saturday as coach of the Philadelphia 76ers",
                "Maurice Cheeks was fired Saturday as coach of the Philadelphia 76ers, who are slumping.",
            ),
            article(
                4,
                "Northfield Courier",
                "Maurice Cheeks is out as Philadelphia 76ers head coach",
                "Maurice Cheeks has been fired as head coach of the Philadelphia 76ers on Saturday.",
            ),
            article(
                5,
                "Metro Wire",
                "Sixers fire Cheeks after 9-14 start",
                "The 76ers fired Maurice Cheeks on Saturday after a 9-14 start.",
            ),
        ];
        let headline = story_headline(&story);
        assert!(
            headline.to_lowercase().contains("fire"),
            "a firing is not headlined by the hiring: {headline}"
        );
    }

    #[test]
    fn odd_titles_are_passed_over() {
        let story = vec![
            article(
                1,
                "Valley Sentinel",
                "INS Sukanya foils piracy attempt in Gulf of Eden",
                "The Indian Navy foiled a piracy attempt in the Gulf of Aden on Saturday.",
            ),
            article(
                2,
                "Harbor Ledger",
                "NAVY FOILS PIRACY ATTEMPT IN GULF OF ADEN",
                "The Indian Navy foiled a piracy attempt in the Gulf of Aden.",
            ),
            article(
                3,
                "Metro Wire",
                "Navy foils piracy attempt in Gulf of Aden?",
                "Indian Navy commandos foiled a piracy attempt in the Gulf of Aden.",
            ),
            article(
                4,
                "Northfield Courier",
                "UPDATE: Indian Navy foils piracy attempt in Gulf of Aden | Northfield Courier",
                "The Indian Navy foiled a piracy attempt in the Gulf of Aden, officials said.",
            ),
        ];
        assert_eq!(
            story_headline(&story),
            "Indian Navy foils piracy attempt in Gulf of Aden"
        );
    }

    #[test]
    fn a_cut_off_opening_sentence_loses_to_a_written_headline() {
        let story = vec![
            article(
                1,
                "Coastline Gazette",
                "The Indian Navy on Saturday prevented pirates from attacking a merchant vessel flying",
                "The Indian Navy on Saturday prevented pirates from attacking a merchant vessel flying an Ethiopian flag.",
            ),
            article(
                2,
                "Pinecrest Observer",
                "Indian navy captures 23 pirates in Gulf of Aden",
                "The Indian navy captured 23 pirates who attacked a merchant vessel on Saturday.",
            ),
            article(
                3,
                "Evening Lantern",
                "The Indian navy captured 23 pirates in the Gulf of Aden after rescuing",
                "The Indian navy captured 23 pirates in the Gulf of Aden after rescuing a merchant vessel.",
            ),
        ];
        assert_eq!(
            story_headline(&story),
            "Indian navy captures 23 pirates in Gulf of Aden"
        );
    }

    #[test]
    fn titles_lose_labels_site_names_and_notes() {
        let publishers = ["the gazette".to_owned()];
        assert_eq!(
            clean_title("BREAKING: Update 2: Quake hits coast", &publishers),
            "Quake hits coast"
        );
        assert_eq!(
            clean_title("Quake hits coast | The Gazette", &publishers),
            "Quake hits coast"
        );
        assert_eq!(
            clean_title("Quake hits coast (photos)", &publishers),
            "Quake hits coast"
        );
        assert_eq!(
            clean_title("Trump - Biden: the debate", &publishers),
            "Trump - Biden: the debate"
        );
        assert_eq!(clean_title("UPDATE:", &publishers), "UPDATE:");
    }

    #[test]
    fn articles_are_ranked_best_headline_first() {
        let story = vec![
            article(
                1,
                "A",
                "Sixers hire Cheeks as coach",
                "The Sixers hired Cheeks.",
            ),
            article(
                2,
                "B",
                "Sixers fire coach Cheeks",
                "The Sixers fired coach Cheeks.",
            ),
            article(
                3,
                "C",
                "Sixers fire Cheeks as coach",
                "The Sixers fired Cheeks.",
            ),
        ];
        assert_eq!(representative_articles(&story), [2, 3, 1]);
    }

    #[test]
    fn one_article_keeps_its_cleaned_title_and_none_gives_nothing() {
        let story = vec![article(1, "Gazette", "  Quake   hits coast (video)", "")];
        assert_eq!(story_headline(&story), "Quake hits coast");
        assert_eq!(story_headline(&[]), "");
    }
}
