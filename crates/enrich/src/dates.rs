//! Stated dates: the months an article's text dates itself or its events by ("May 24, 2005",
//! "27 November 2005", "December 2008", "2005-05-24"). A bare year in running text is often
//! background ("her 2005 stay in rehab"); a year written as part of a date is far more often
//! the report's own time, so two reports stating months far apart are rarely of one event.
//!
//! Stated months become key terms of the form `YYYY-MM` (see [`month_term`]).

/// A month, counted from year 0 (`year * 12 + month - 1`), so months subtract.
pub type MonthIndex = i32;

const MONTHS: &[(&str, u8)] = &[
    ("january", 1),
    ("jan", 1),
    ("february", 2),
    ("feb", 2),
    ("march", 3),
    ("mar", 3),
    ("april", 4),
    ("apr", 4),
    ("may", 5),
    ("june", 6),
    ("jun", 6),
    ("july", 7),
    ("jul", 7),
    ("august", 8),
    ("aug", 8),
    ("september", 9),
    ("sept", 9),
    ("sep", 9),
    ("october", 10),
    ("oct", 10),
    ("november", 11),
    ("nov", 11),
    ("december", 12),
    ("dec", 12),
];

/// Words a month name and its year may be apart by, a day number and its suffix included
/// ("May 24, 2005", "Sunday, November 27 - 2005").
const MONTH_YEAR_GAP: usize = 2;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Token<'a> {
    Word(&'a str),
    Number(u32, usize),
}

/// A word or number of a text, with the text between it and the previous one and where it
/// starts (in bytes).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Spanned<'a> {
    token: Token<'a>,
    gap: &'a str,
    start: usize,
}

/// Words and numbers of a text.
fn tokens(text: &str) -> Vec<Spanned<'_>> {
    let mut out = Vec::new();
    let mut gap_start = 0;
    let mut start: Option<usize> = None;
    for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
        if c.is_alphanumeric() && i < text.len() {
            start.get_or_insert(i);
            continue;
        }
        if let Some(s) = start.take() {
            out.push(Spanned {
                token: token(&text[s..i]),
                gap: &text[gap_start..s],
                start: s,
            });
            gap_start = i;
        }
    }
    out
}

/// The one punctuation character a gap between two tokens holds, spaces aside.
fn joining_mark(gap: &str) -> Option<char> {
    let mut marks = gap.chars().filter(|c| !c.is_whitespace());
    let mark = marks.next()?;
    marks.next().is_none().then_some(mark)
}

fn token(word: &str) -> Token<'_> {
    if word.len() <= 4
        && word.bytes().all(|b| b.is_ascii_digit())
        && let Ok(n) = word.parse()
    {
        return Token::Number(n, word.len());
    }
    Token::Word(word)
}

fn month_of(word: &str) -> Option<u8> {
    if !(3..=9).contains(&word.len()) {
        return None;
    }
    MONTHS
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(word))
        .map(|&(_, m)| m)
}

fn year_of(token: &Token<'_>) -> Option<i32> {
    match *token {
        Token::Number(n, 4) if (1900..2100).contains(&n) => Some(n as i32),
        _ => None,
    }
}

/// Whether a token can stand between a month and its year: a day of the month (with its
/// "st"/"th" suffix, which the word splitter leaves joined: "15th").
fn is_day(token: &Token<'_>) -> bool {
    match *token {
        Token::Number(n, len) => len <= 2 && (1..=31).contains(&n),
        Token::Word(w) => {
            let digits = w.trim_end_matches(|c: char| c.is_ascii_alphabetic());
            let suffix = &w[digits.len()..];
            matches!(suffix, "st" | "nd" | "rd" | "th")
                && digits.parse::<u32>().is_ok_and(|n| (1..=31).contains(&n))
        }
    }
}

/// Bytes read before a year for its month and day ("Wednesday, September 18, ").
const BEFORE_YEAR: usize = 40;
/// Bytes read after a year for a numeric date ("-05-24").
const AFTER_YEAR: usize = 12;

/// Where four-digit numbers from 1900 to 2099 start, standing alone.
fn year_positions(text: &str) -> impl Iterator<Item = usize> + '_ {
    let bytes = text.as_bytes();
    (0..bytes.len().saturating_sub(3)).filter(move |&i| {
        let alone = (i == 0 || !bytes[i - 1].is_ascii_alphanumeric())
            && bytes.get(i + 4).is_none_or(|b| !b.is_ascii_alphanumeric());
        alone
            && matches!(&bytes[i..i + 2], b"19" | b"20")
            && bytes[i + 2..i + 4].iter().all(u8::is_ascii_digit)
    })
}

fn char_boundary_at_or_before(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn char_boundary_at_or_after(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

/// The months a text states, each time it states one, in order. Only the text around each
/// year is read: a stated date always holds one.
pub fn stated_months(text: &str) -> Vec<MonthIndex> {
    let mut out = Vec::new();
    for at in year_positions(text) {
        let from = char_boundary_at_or_before(text, at.saturating_sub(BEFORE_YEAR));
        let to = char_boundary_at_or_after(text, (at + 4 + AFTER_YEAR).min(text.len()));
        let window = tokens(&text[from..to]);
        let Some(k) = window.iter().position(|t| t.start == at - from) else {
            continue;
        };
        let ending_here = (k.saturating_sub(MONTH_YEAR_GAP + 1)..k)
            .filter_map(|start| {
                month_name_date(&window, start).filter(|&(_, _, used)| start + used == k + 1)
            })
            .next();
        if let Some((month, year, _)) = ending_here.or_else(|| numeric_date(&window, k)) {
            out.push(year * 12 + i32::from(month) - 1);
        }
    }
    out
}

/// "May 24, 2005", "May 2005", "27 November 2005" starting at `i`: (month, year, tokens used).
fn month_name_date(tokens: &[Spanned<'_>], i: usize) -> Option<(u8, i32, usize)> {
    let month_at = |k: usize| match tokens.get(k)?.token {
        Token::Word(w) => month_of(w),
        Token::Number(..) => None,
    };
    let first = &tokens[i].token;
    let (month, after) = match month_at(i) {
        Some(month) => (month, i + 1),
        None if is_day(first) => (month_at(i + 1)?, i + 2),
        None => return None,
    };
    for (j, next) in tokens.iter().enumerate().skip(after).take(MONTH_YEAR_GAP) {
        if let Some(year) = year_of(&next.token) {
            return Some((month, year, j + 1 - i));
        }
        if !is_day(&next.token) {
            return None;
        }
    }
    None
}

/// "2005-05-24", "2005/05/24", "2005_05_01" starting at `i`: a year, a two-digit month and a
/// two-digit day joined by one separator (`-`, `/`, `_` or `.`). Without the day, "2008-09"
/// is as often a season as a month.
fn numeric_date(tokens: &[Spanned<'_>], i: usize) -> Option<(u8, i32, usize)> {
    let year = year_of(&tokens[i].token)?;
    let (month, day) = (tokens.get(i + 1)?, tokens.get(i + 2)?);
    let (Token::Number(month_number, 2), Token::Number(day_number, 2)) = (month.token, day.token)
    else {
        return None;
    };
    let mark = joining_mark(month.gap);
    let joined = matches!(mark, Some('-' | '/' | '_' | '.')) && mark == joining_mark(day.gap);
    if !joined || !(1..=12).contains(&month_number) || !(1..=31).contains(&day_number) {
        return None;
    }
    Some((month_number as u8, year, 3))
}

/// The key term of a stated month: `YYYY-MM`.
pub fn month_term(month: MonthIndex) -> String {
    format!(
        "{:04}-{:02}",
        month.div_euclid(12),
        month.rem_euclid(12) + 1
    )
}

/// The month a `YYYY-MM` key term names.
pub fn parse_month_term(term: &str) -> Option<MonthIndex> {
    let (year, month) = term.split_once('-')?;
    if year.len() != 4 || month.len() != 2 {
        return None;
    }
    let year: i32 = year.parse().ok()?;
    let month: i32 = month.parse().ok()?;
    ((1900..2100).contains(&year) && (1..=12).contains(&month)).then_some(year * 12 + month - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<String> {
        stated_months(text).into_iter().map(month_term).collect()
    }

    #[test]
    fn reads_written_dates() {
        assert_eq!(terms("Posted: May 24, 2005 | Cheeks returns"), ["2005-05"]);
        assert_eq!(
            terms("Last Updated: Monday, 28 November 2005, 02:24 GMT"),
            ["2005-11"]
        );
        assert_eq!(terms("Sunday, November 27 - 2005 at 16: 12"), ["2005-11"]);
        assert_eq!(terms("Report: December 15th, 2008, 7:35 am"), ["2008-12"]);
        assert_eq!(
            terms("in Dec. 2008 and again in Sept 2009"),
            ["2008-12", "2009-09"]
        );
        assert_eq!(terms("27 NOVEMBER, 2005"), ["2005-11"]);
        assert_eq!(terms("on the 15th November 2005"), ["2005-11"]);
        let long = format!(
            "{} Zürich, 3 May 2005.",
            "Übermäßig lange Einleitung — ".repeat(9)
        );
        assert_eq!(terms(&long), ["2005-05"], "multi-byte text before the date");
    }

    #[test]
    fn reads_numeric_dates() {
        assert_eq!(terms("filed 2005-05-24 at noon"), ["2005-05"]);
        assert_eq!(terms("example.com / 2013 / 05 / 02 / story"), ["2013-05"]);
        assert_eq!(terms("archive 2005_05_01"), ["2005-05"]);
    }

    #[test]
    fn bare_years_and_other_numbers_are_no_dates() {
        assert!(terms("She was in rehab in 2005 and again in 2008.").is_empty());
        assert!(terms("Scores were 2005 13 and 2005 - 13").is_empty());
        assert!(terms("the 2008-09 season, a 2008/09 budget, 2008-09/10").is_empty());
        assert!(terms("It may rain; 2005 was dry. In May, 31 people came").is_empty());
        assert!(terms("On May 24 the team met").is_empty());
    }

    #[test]
    fn month_terms_round_trip() {
        for term in ["2005-11", "1999-01", "2013-12"] {
            let month = parse_month_term(term).expect("a month term");
            assert_eq!(month_term(month), term);
        }
        for bad in ["2005", "2005-13", "205-11", "abcd-11", "2005-1"] {
            assert_eq!(parse_month_term(bad), None, "{bad}");
        }
    }
}
