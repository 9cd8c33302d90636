//! Splits an article's plain text into numbered sentences, news-aware: abbreviations ("Mr.",
//! "U.S.", "Jan."), initials ("B.B. King"), decimals ("3.5"), ellipses and closing quotes
//! do not end a sentence in the wrong place.

use serde::Serialize;

/// One sentence of an article, numbered from 1 in reading order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sentence {
    /// 1-based position in the article; what citations and page anchors refer to.
    pub number: usize,
    /// 0-based paragraph the sentence belongs to.
    pub paragraph: usize,
    pub text: String,
}

/// Words that end with a period without ending a sentence (compared lower-cased, without
/// the period).
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "ft", "gen", "gov", "sen", "rep",
    "col", "lt", "sgt", "capt", "cmdr", "adm", "maj", "rev", "hon", "pres", "supt", "insp", "det",
    "no", "nos", "vs", "etc", "inc", "ltd", "co", "corp", "bros", "dept", "univ", "assn", "jan",
    "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mon", "tue",
    "tues", "wed", "thu", "thurs", "fri", "sat", "sun", "approx", "est", "fig", "al", "ave",
    "blvd", "rd", "e.g", "i.e", "u.s", "u.k", "u.n", "a.m", "p.m", "d.c", "vol", "op",
];

/// Splits `text` into sentences. Paragraphs are separated by blank lines (single line
/// breaks also separate paragraphs when the text has no blank lines).
pub fn split_sentences(text: &str) -> Vec<Sentence> {
    let mut sentences = Vec::new();
    for (paragraph, block) in paragraphs(text).enumerate() {
        for piece in split_paragraph(block) {
            sentences.push(Sentence {
                number: sentences.len() + 1,
                paragraph,
                text: piece,
            });
        }
    }
    sentences
}

/// The non-empty, trimmed paragraphs of a text.
pub fn paragraphs(text: &str) -> impl Iterator<Item = &str> {
    let separator = if text.contains("\n\n") { "\n\n" } else { "\n" };
    text.split(separator)
        .map(str::trim)
        .filter(|p| !p.is_empty())
}

/// The sentences of one paragraph, whitespace collapsed.
pub fn split_paragraph(paragraph: &str) -> Vec<String> {
    let chars: Vec<char> = paragraph.chars().collect();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if matches!(c, '.' | '!' | '?' | '…') {
            // Swallow runs of terminators and closing quotes/brackets.
            let mut end = i + 1;
            while end < chars.len() && matches!(chars[end], '.' | '!' | '?' | '…') {
                end += 1;
            }
            while end < chars.len() && is_closing(chars[end]) {
                end += 1;
            }
            if ends_sentence(&chars, start, i, end) {
                push_sentence(&mut out, &chars[start..end]);
                start = end;
            }
            i = end;
        } else {
            i += 1;
        }
    }
    if start < chars.len() {
        push_sentence(&mut out, &chars[start..]);
    }
    out
}

fn push_sentence(out: &mut Vec<String>, chars: &[char]) {
    let text: String = chars.iter().collect();
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().any(char::is_alphanumeric) {
        out.push(collapsed);
    } else if let Some(last) = out.last_mut()
        && !collapsed.is_empty()
    {
        last.push_str(&collapsed);
    }
}

fn is_closing(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '’' | ')' | ']' | '»')
}

fn is_opening(c: char) -> bool {
    matches!(c, '"' | '\'' | '“' | '‘' | '(' | '[' | '«')
}

/// Whether the terminator at `at` (with closers up to `end`) ends the sentence begun at
/// `start`.
fn ends_sentence(chars: &[char], start: usize, at: usize, end: usize) -> bool {
    // Must be followed by whitespace, then something that can open a sentence.
    let Some(&after) = chars.get(end) else {
        return true;
    };
    if !after.is_whitespace() {
        return false;
    }
    let next = chars[end..].iter().copied().find(|c| !c.is_whitespace());
    let Some(next) = next else {
        return true;
    };
    if !(next.is_uppercase() || next.is_ascii_digit() || is_opening(next) || next == '“') {
        return false;
    }
    if chars[at] != '.' || at + 1 < end && chars[at + 1] == '.' {
        return true;
    }
    let word = word_before(chars, start, at);
    if word.is_empty() {
        return true;
    }
    let lower = word.to_lowercase();
    if ABBREVIATIONS.contains(&lower.as_str()) {
        return false;
    }
    // An initial ("J." in "J. Smith") or dotted initials ("B.B.", "U.S.").
    let letters: Vec<char> = word.chars().filter(|c| *c != '.').collect();
    if letters.len() == 1 && letters[0].is_uppercase() {
        return false;
    }
    if word.contains('.') && letters.iter().all(|c| c.is_uppercase()) && letters.len() <= 4 {
        // "U.S." at the end of a sentence is ambiguous; keep going unless a new sentence
        // plainly starts (a quote or a common sentence opener).
        return next_word_opens_sentence(chars, end);
    }
    true
}

/// The word just before position `at` (no surrounding punctuation except inner dots).
fn word_before(chars: &[char], start: usize, at: usize) -> String {
    let mut begin = at;
    while begin > start && (chars[begin - 1].is_alphanumeric() || chars[begin - 1] == '.') {
        begin -= 1;
    }
    chars[begin..at].iter().collect()
}

fn next_word_opens_sentence(chars: &[char], from: usize) -> bool {
    let rest: String = chars[from..].iter().take(16).collect();
    let first = rest.split_whitespace().next().unwrap_or("");
    matches!(
        first.trim_matches(|c: char| !c.is_alphanumeric()),
        "The" | "A" | "An" | "It" | "He" | "She" | "They" | "We" | "I" | "In" | "But" | "This"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<String> {
        split_sentences(text).into_iter().map(|s| s.text).collect()
    }

    #[test]
    fn splits_on_terminators_followed_by_capitals() {
        assert_eq!(
            texts("The storm hit. It was late! Was anyone hurt? No."),
            vec!["The storm hit.", "It was late!", "Was anyone hurt?", "No."]
        );
    }

    #[test]
    fn keeps_abbreviations_initials_and_decimals() {
        assert_eq!(
            texts("Mr. Smith met Dr. Jones on Jan. 5 in St. Louis. Prices rose 3.5 percent."),
            vec![
                "Mr. Smith met Dr. Jones on Jan. 5 in St. Louis.",
                "Prices rose 3.5 percent."
            ]
        );
        assert_eq!(
            texts("Blues legend B.B. King was hospitalized. He is better."),
            vec!["Blues legend B.B. King was hospitalized.", "He is better."]
        );
        assert_eq!(
            texts("The U.S. Navy said so. The U.S. said no."),
            vec!["The U.S. Navy said so.", "The U.S. said no."]
        );
    }

    #[test]
    fn closing_quotes_stay_with_their_sentence() {
        assert_eq!(
            texts("\"We will win.\" She said it twice. \"Really?\" he asked."),
            vec![
                "\"We will win.\"",
                "She said it twice.",
                "\"Really?\" he asked."
            ]
        );
    }

    #[test]
    fn numbers_sentences_and_paragraphs() {
        let sentences = split_sentences("One. Two.\n\nThree.");
        assert_eq!(sentences.len(), 3);
        assert_eq!(sentences[2].number, 3);
        assert_eq!(sentences[2].paragraph, 1);
        assert!(split_sentences("   ").is_empty());
    }
}
