//! Key points: three to five short bullets drawn from sentences that are *not* in the
//! summary, each a whole sentence of the article or its main clause (attribution, asides and
//! a trailing relative or contrasting clause cut only where what is left is a clause of its
//! own; never cut mid-phrase), traceable to the sentence it came from.

use serde::Serialize;

use crate::summary::{SummaryTuning, summarize, summarize_with};
use crate::text::AnalyzedArticle;

/// Most key points.
pub const MAX_KEY_POINTS: usize = 5;
/// Fewest words for a bullet to be worth showing.
const MIN_POINT_WORDS: usize = 5;
/// Bullets longer than this many words are cut at a clause boundary when one is safe.
const MAX_POINT_WORDS: usize = 22;
/// A sentence still longer than this after the cuts is not made a bullet.
const MAX_WHOLE_SENTENCE_WORDS: usize = 40;

/// One bullet and the sentence it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyPoint {
    pub text: String,
    /// The 1-based number of the source sentence.
    pub sentence: usize,
}

/// Up to five key points, in reading order; none repeats a summary sentence.
pub fn key_points(article: &AnalyzedArticle) -> Vec<KeyPoint> {
    let summary: Vec<usize> = summarize(article)
        .sentences
        .iter()
        .map(|s| s.number)
        .collect();
    let tuning = SummaryTuning {
        position_decay: 0.4,
        centrality_weight: 1.0,
        title_weight: 0.2,
        redundancy_weight: 0.8,
        ..SummaryTuning::default()
    };
    let ranked = summarize_with(article, &tuning, MAX_KEY_POINTS + summary.len());
    let mut points: Vec<KeyPoint> = ranked
        .sentences
        .iter()
        .filter(|s| !summary.contains(&s.number))
        .filter_map(|s| {
            let text = main_clause(&s.text);
            let words = text.split_whitespace().count();
            (MIN_POINT_WORDS..=MAX_WHOLE_SENTENCE_WORDS)
                .contains(&words)
                .then_some(KeyPoint {
                    text,
                    sentence: s.number,
                })
        })
        .take(MAX_KEY_POINTS)
        .collect();
    points.sort_by_key(|p| p.sentence);
    points
}

/// The sentence's main clause: quotes' speech tags, leading connectives, parentheses and
/// trailing attributions removed, cut at a clause boundary when long and the part before
/// the boundary is a clause of its own (else the sentence stays whole).
pub fn main_clause(sentence: &str) -> String {
    let mut text = strip_parentheses(sentence);
    for opener in ["But ", "However, ", "And ", "Meanwhile, ", "Also, ", "So "] {
        if let Some(rest) = text.strip_prefix(opener) {
            text = capitalize(rest);
        }
    }
    // "X, police said." / "X, he added." → "X."
    if let Some(comma) = text.rfind(", ")
        && is_trailing_attribution(&text[comma + 2..])
    {
        text = format!("{}.", text[..comma].trim_end_matches(['.', ',']));
    }
    // "Officials said that X" → "X"
    for marker in [
        " said that ",
        " says that ",
        " announced that ",
        " reported that ",
    ] {
        if let Some(at) = text.find(marker)
            && text[..at].split_whitespace().count() <= 5
        {
            text = capitalize(&text[at + marker.len()..]);
        }
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.len() > MAX_POINT_WORDS {
        text = cut_at_clause(&text);
    }
    let trimmed = text
        .trim()
        .trim_matches(|c| matches!(c, '"' | '“' | '”'))
        .trim();
    let mut out = trimmed.trim_end_matches([',', ';', ':']).to_owned();
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

fn is_trailing_attribution(tail: &str) -> bool {
    let words: Vec<&str> = tail.split_whitespace().collect();
    words.len() <= 6
        && words.iter().any(|w| {
            matches!(
                w.trim_end_matches(['.', '"', '”']),
                "said" | "says" | "added" | "reported" | "told" | "according" | "explained"
            )
        })
}

/// Words that open a subordinate or introductory phrase: what comes before the first comma
/// after them is not a clause of its own ("In the aftermath of the riot, …").
const SUBORDINATE_OPENERS: &[&str] = &[
    "in",
    "on",
    "at",
    "after",
    "before",
    "when",
    "while",
    "as",
    "although",
    "though",
    "if",
    "because",
    "since",
    "despite",
    "following",
    "during",
    "until",
    "with",
    "without",
    "amid",
    "once",
    "unless",
    "whether",
    "by",
    "for",
    "from",
    "to",
    "of",
    "under",
    "over",
    "among",
    "according",
    "like",
    "unlike",
    "where",
    "whereas",
    "even",
    "just",
    "only",
    "then",
    "now",
];

/// Cuts a long sentence at the last clause boundary before the word limit, when the part
/// before it is a clause of its own; otherwise the sentence stays whole.
fn cut_at_clause(text: &str) -> String {
    let limit = text
        .split_whitespace()
        .take(MAX_POINT_WORDS)
        .map(|w| w.len() + 1)
        .sum::<usize>()
        .min(text.len());
    let head = &text[..text.floor_char_boundary(limit)];
    let first = head
        .split_whitespace()
        .next()
        .unwrap_or("")
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    if SUBORDINATE_OPENERS.contains(&first.as_str()) {
        return text.to_owned();
    }
    let boundary = [
        ", which ", ", who ", "; ", ", while ", ", but ", " — ", " -- ",
    ]
    .iter()
    .filter_map(|marker| head.rfind(marker))
    .filter(|&at| head[..at].split_whitespace().count() >= MIN_POINT_WORDS + 2)
    .filter(|&at| balanced(&head[..at]))
    .max();
    match boundary {
        Some(at) => head[..at].to_owned(),
        None => text.to_owned(),
    }
}

/// Whether quotes and brackets opened in `text` are closed in it (a cut inside a quotation
/// would leave it open).
fn balanced(text: &str) -> bool {
    let straight = text.matches('"').count();
    let open = text.matches('“').count();
    let close = text.matches('”').count();
    straight.is_multiple_of(2)
        && open == close
        && text.matches('(').count() == text.matches(')').count()
}

fn strip_parentheses(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(" ,", ",")
        .replace(" .", ".")
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn main_clauses_drop_attribution_and_asides() {
        assert_eq!(
            main_clause("The bridge (built in 1932) will close in May, officials said."),
            "The bridge will close in May."
        );
        assert_eq!(
            main_clause("But police said that the suspect fled on foot."),
            "The suspect fled on foot."
        );
    }

    #[test]
    fn sentences_are_never_cut_mid_phrase() {
        // The reported cuts: an introductory phrase, a list, a name.
        for sentence in [
            "In the aftermath of the riot, police arrested dozens of people who had gathered \
             outside the stadium late on Saturday night and charged them with disorder.",
            "Fans still copy her look: the jet-black hair, her bangs, the red lipstick, her full \
             figure and the leopard-print swimsuits that made her the pin-up of the decade.",
            "The island's governor, Qeshm Governor Mehdi Jamali, told state television that \
             the damage to houses in the villages near the epicentre was heavy.",
        ] {
            let point = main_clause(sentence);
            assert!(!point.contains('…'), "{point}");
            assert!(
                point == sentence || sentence.starts_with(point.trim_end_matches('.')),
                "{point}"
            );
            assert!(point.split_whitespace().count() >= 12, "cut short: {point}");
        }
    }

    #[test]
    fn long_sentences_are_cut_at_a_clause() {
        let long = "The company reported record profits in the third quarter of the year, \
            which analysts attributed to strong demand for its new phones in Asia and Europe \
            and to lower costs.";
        let point = main_clause(long);
        assert_eq!(
            point,
            "The company reported record profits in the third quarter of the year."
        );
    }

    #[test]
    fn key_points_avoid_summary_sentences() {
        let text = (1..=12)
            .map(|i| {
                format!(
                    "Sentence number {i} talks about the harbour, the ships and cargo number {i}."
                )
            })
            .collect::<Vec<_>>()
            .join(" ");
        let article = AnalyzedArticle::new("Harbour ships", &text);
        let summary: Vec<usize> = summarize(&article)
            .sentences
            .iter()
            .map(|s| s.number)
            .collect();
        let points = key_points(&article);
        assert!((3..=5).contains(&points.len()), "{points:?}");
        assert!(points.iter().all(|p| !summary.contains(&p.sentence)));
    }
}
