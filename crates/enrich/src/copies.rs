//! Syndicated copies: whether two texts are the same article republished (new boilerplate, an
//! edited headline, trimmed or reordered last paragraphs, a wire credit), and which of the two
//! is the original.

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};

/// Words per shingle: long enough that two independent reports of one event rarely share one.
const SHINGLE_WORDS: usize = 5;
/// Fewest shared shingles for a copy: short texts are never judged copies on a few phrases.
const MIN_SHARED: usize = 25;
/// Share of the shorter text's shingles found in the other for the two to be one article.
pub const COPY_CONTAINMENT: f32 = 0.75;

/// The hashed word shingles of a text (lower-cased `\w+` words).
pub fn shingles(text: &str) -> HashSet<u64> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words
        .windows(SHINGLE_WORDS)
        .map(|window| {
            let mut hasher = DefaultHasher::new();
            window.hash(&mut hasher);
            hasher.finish()
        })
        .collect()
}

/// How much of the shorter text the longer one contains (0 to 1), or 0 when they share too
/// few shingles to tell.
pub fn containment(a: &HashSet<u64>, b: &HashSet<u64>) -> f32 {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let shared = small.iter().filter(|s| large.contains(s)).count();
    if shared < MIN_SHARED || small.is_empty() {
        return 0.0;
    }
    shared as f32 / small.len() as f32
}

/// Whether two article texts are one article republished.
pub fn is_copy(a: &str, b: &str) -> bool {
    containment(&shingles(a), &shingles(b)) >= COPY_CONTAINMENT
}

/// What decides which of two copies is the original.
#[derive(Debug, Clone, Copy)]
pub struct CopyEvidence<'a> {
    pub url: &'a str,
    pub canonical_url: Option<&'a str>,
    pub publisher: &'a str,
    pub byline: Option<&'a str>,
    pub text: &'a str,
    /// Publication time (seconds since the epoch), when known.
    pub published: Option<i64>,
}

/// Which of two copies is the original.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Original {
    First,
    Second,
}

/// The original of two copies: the one the other's canonical link points to, else the one
/// the other credits ("via Reuters", "(AP) —", "Originally published by…"), else the one
/// published first; the first when nothing tells them apart.
pub fn choose_original(first: &CopyEvidence<'_>, second: &CopyEvidence<'_>) -> Original {
    let points_to = |from: &CopyEvidence<'_>, to: &CopyEvidence<'_>| {
        from.canonical_url
            .is_some_and(|c| c == to.url || to.canonical_url == Some(c))
            && from.url != to.url
    };
    if points_to(second, first) {
        return Original::First;
    }
    if points_to(first, second) {
        return Original::Second;
    }
    match (
        credits(second, first.publisher),
        credits(first, second.publisher),
    ) {
        (true, false) => return Original::First,
        (false, true) => return Original::Second,
        _ => {}
    }
    match (first.published, second.published) {
        (Some(a), Some(b)) if b < a => Original::Second,
        _ => Original::First,
    }
}

/// Whether an article credits `publisher` in its byline or its first or last lines.
fn credits(article: &CopyEvidence<'_>, publisher: &str) -> bool {
    let name = publisher.trim().to_lowercase();
    if name.len() < 2 {
        return false;
    }
    let head: String = article.text.chars().take(300).collect();
    let tail: String = {
        let chars: Vec<char> = article.text.chars().collect();
        chars[chars.len().saturating_sub(300)..].iter().collect()
    };
    let byline = article.byline.unwrap_or_default();
    [byline, head.as_str(), tail.as_str()].iter().any(|part| {
        let lower = part.to_lowercase();
        CREDIT_MARKERS.iter().any(|marker| {
            lower.contains(&format!("{marker} {name}"))
                || lower.contains(&format!("({name})"))
                || lower.contains(&format!("{name} —"))
                || lower.contains(&format!("© {name}"))
        })
    })
}

const CREDIT_MARKERS: &[&str] = &[
    "via",
    "by",
    "from",
    "source:",
    "originally published by",
    "originally published at",
    "originally appeared in",
    "first published by",
    "reporting by",
    "copyright",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn paragraphs(n: usize, seed: &str) -> Vec<String> {
        (0..n)
            .map(|i| {
                format!(
                    "Paragraph {i} about {seed}: the harbour board met on the {i}th and voted to \
                     extend the quay by {} metres after a long debate about costs and dredging.",
                    i * 7 + 3
                )
            })
            .collect()
    }

    #[test]
    fn trimmed_copy_with_boilerplate_is_a_copy() {
        let original = paragraphs(8, "Northfield").join("\n\n");
        let mut copy = paragraphs(8, "Northfield")[..5].to_vec();
        copy.insert(
            0,
            "(AP) — Subscribe to our newsletter for the latest news.".into(),
        );
        copy.push("Copyright 2026 The Associated Press. All rights reserved.".into());
        assert!(is_copy(&original, &copy.join("\n\n")));
    }

    #[test]
    fn different_reports_are_not_copies() {
        let a = paragraphs(8, "Northfield").join("\n\n");
        let b = "The harbour board in Northfield approved a longer quay on Tuesday. Members \
                 argued for hours over the bill for dredging, and the vote was close."
            .repeat(3);
        assert!(!is_copy(&a, &b));
        assert!(!is_copy("", ""));
    }

    fn evidence<'a>(url: &'a str, publisher: &'a str, text: &'a str) -> CopyEvidence<'a> {
        CopyEvidence {
            url,
            canonical_url: None,
            publisher,
            byline: None,
            text,
            published: Some(100),
        }
    }

    #[test]
    fn canonical_link_then_credit_then_time_choose_the_original() {
        let a = evidence("https://a.example/1", "Daily Ledger", "text");
        let mut b = evidence("https://b.example/1", "Portal", "text");
        b.canonical_url = Some("https://a.example/1");
        b.published = Some(50);
        assert_eq!(choose_original(&b, &a), Original::Second);

        let mut c = evidence(
            "https://c.example/1",
            "Portal",
            "Storm hits, via Daily Ledger.",
        );
        c.published = Some(10);
        assert_eq!(choose_original(&a, &c), Original::First);

        let mut d = evidence("https://d.example/1", "Portal", "text");
        d.published = Some(10);
        assert_eq!(choose_original(&a, &d), Original::Second);
    }
}
