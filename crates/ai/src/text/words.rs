//! Words of a sentence as the scorers compare them: lower-cased tokens, stop words marked,
//! English (Snowball) stems, and the shapes that answer questions (numbers, names, dates).

use rust_stemmers::{Algorithm, Stemmer};

/// Whether a lower-cased word is a stop word.
pub fn is_stop_word(word: &str) -> bool {
    tidings_core::is_function_word(word)
}

/// One token of a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// As written.
    pub surface: String,
    /// Lower-cased Snowball stem.
    pub stem: String,
    pub stop: bool,
}

/// Stems words with the English Snowball stemmer.
pub struct WordStemmer {
    stemmer: Stemmer,
}

impl Default for WordStemmer {
    fn default() -> Self {
        WordStemmer {
            stemmer: Stemmer::create(Algorithm::English),
        }
    }
}

impl WordStemmer {
    /// The tokens of `text`: runs of letters and digits (apostrophes inside words dropped).
    pub fn tokens(&self, text: &str) -> Vec<Token> {
        raw_words(text)
            .map(|surface| {
                let lower = surface.to_lowercase();
                let stop = is_stop_word(&lower);
                Token {
                    stem: self.stemmer.stem(&lower).into_owned(),
                    surface: surface.to_owned(),
                    stop,
                }
            })
            .collect()
    }

    /// The stems of the content (non-stop) words of `text`.
    pub fn content_stems(&self, text: &str) -> Vec<String> {
        self.tokens(text)
            .into_iter()
            .filter(|t| !t.stop)
            .map(|t| t.stem)
            .collect()
    }

    pub fn stem(&self, word: &str) -> String {
        self.stemmer.stem(&word.to_lowercase()).into_owned()
    }
}

/// Words as written: alphanumeric runs, keeping inner apostrophes' left part ("King's" →
/// "King"), decimals and thousands separators inside numbers ("3.5", "1,200").
pub fn raw_words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’' || c == '.' || c == ','))
        .flat_map(|chunk| {
            chunk.split(['\'', '’']).take(1).flat_map(|w| {
                // Split on dots and commas unless they sit between digits.
                split_keeping_numbers(w)
            })
        })
        .filter(|w| !w.is_empty())
}

fn split_keeping_numbers(word: &str) -> Vec<&str> {
    let bytes = word.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'.' || b == b',' {
            let digit_before = i > 0 && bytes[i - 1].is_ascii_digit();
            let digit_after = bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
            if !(digit_before && digit_after) {
                out.push(&word[start..i]);
                start = i + 1;
            }
        }
    }
    out.push(&word[start..]);
    out
}

const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "aug",
    "sept",
    "oct",
    "nov",
    "dec",
];

const TIME_WORDS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "yesterday",
    "today",
    "tonight",
    "morning",
    "evening",
    "afternoon",
    "night",
    "week",
    "weekend",
    "month",
    "year",
    "hours",
    "earlier",
    "later",
    "ago",
];

const NUMBER_WORDS: &[&str] = &[
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "hundred",
    "hundreds",
    "thousand",
    "thousands",
    "million",
    "millions",
    "billion",
    "dozen",
    "dozens",
    "several",
    "percent",
];

/// Whether a word is a number (digits) or a number word.
pub fn is_number(word: &str) -> bool {
    word.chars().any(|c| c.is_ascii_digit()) || NUMBER_WORDS.contains(&word.to_lowercase().as_str())
}

/// Whether a word names a date or a time (month, weekday, year, "yesterday").
pub fn is_time_word(word: &str) -> bool {
    let lower = word.to_lowercase();
    MONTHS.contains(&lower.as_str())
        || TIME_WORDS.contains(&lower.as_str())
        || (word.len() == 4
            && word.chars().all(|c| c.is_ascii_digit())
            && (word.starts_with("19") || word.starts_with("20")))
        || is_clock_time(&lower)
}

/// "6am", "9:40", "5:11", "8.30pm", "a.m.": a time of day.
fn is_clock_time(lower: &str) -> bool {
    let digits_then = |rest: &str| rest.is_empty() || matches!(rest, "am" | "pm" | "a.m" | "p.m");
    let Some(first_non_digit) = lower.find(|c: char| !c.is_ascii_digit()) else {
        return false;
    };
    if first_non_digit == 0 {
        return matches!(lower, "a.m" | "p.m" | "a.m." | "p.m." | "noon" | "midnight");
    }
    let rest = lower[first_non_digit..].trim_end_matches('.');
    if let Some(minutes) = rest.strip_prefix([':', '.']) {
        let digits = minutes.chars().take_while(char::is_ascii_digit).count();
        return digits == 2 && digits_then(&minutes[digits..]);
    }
    matches!(rest, "am" | "pm" | "a.m" | "p.m")
}

/// Whether a word, not first in its sentence, looks like part of a name.
pub fn looks_like_name(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next().is_some_and(char::is_uppercase)
        && chars.any(char::is_lowercase)
        && !is_time_word(word)
        && !is_stop_word(&word.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_keep_numbers_and_drop_possessives() {
        let words: Vec<&str> = raw_words("King's 1,200 boats (3.5%) arrived.").collect();
        assert_eq!(words, vec!["King", "1,200", "boats", "3.5", "arrived"]);
    }

    #[test]
    fn stems_and_stop_words() {
        let stemmer = WordStemmer::default();
        assert_eq!(
            stemmer.content_stems("The pirates were attacking ships"),
            vec!["pirat", "attack", "ship"]
        );
    }

    #[test]
    fn answer_shapes() {
        assert!(is_number("23") && is_number("dozens") && !is_number("boat"));
        assert!(is_time_word("Saturday") && is_time_word("2009") && !is_time_word("3000"));
        assert!(looks_like_name("Mysore") && !looks_like_name("The") && !looks_like_name("NATO"));
    }
}
