//! Names a person would choose as hashtags: capitalised phrases of the text cleaned of what
//! only looks like a name — titles ("Gov.", "Sen."), weekdays and months, pronouns and
//! contractions ("I've"), ordinary words that a sentence or a quote happens to start with
//! ("Hit", "Interior": the article also writes them in lower case) — and folded so that a
//! name and its parts ("Page", "Bettie Page"; "Sarah" and "Sarah Palin") are one.

use std::collections::{HashMap, HashSet};

/// Words that stand before or after a name without being part of it.
const TITLES: &[&str] = &[
    "gov",
    "governor",
    "sen",
    "senator",
    "rep",
    "mr",
    "mrs",
    "ms",
    "dr",
    "st",
    "gen",
    "lt",
    "col",
    "sgt",
    "capt",
    "cpl",
    "pvt",
    "adm",
    "cmdr",
    "rev",
    "fr",
    "sir",
    "dame",
    "lord",
    "lady",
    "prof",
    "president",
    "pres",
    "jr",
    "sr",
    "const",
    "det",
    "insp",
    "supt",
    "officer",
    "judge",
    "mayor",
    "minister",
    "secretary",
    "chancellor",
    "premier",
    "chief",
    "sheriff",
    "deputy",
    "prince",
    "princess",
    "king",
    "queen",
    "pope",
    "cardinal",
    "bishop",
    "pastor",
    "ambassador",
    "coach",
    "manager",
    "spokesman",
    "spokeswoman",
    "vice",
    "former",
    "councilman",
    "councilwoman",
    "councillor",
    "assemblyman",
    "assemblywoman",
    "executive",
    "investigator",
    "attorney",
    "gm",
    "ceo",
    "cfo",
    "coo",
    "chairman",
    "chairwoman",
    "founder",
    "director",
    "editor",
    "reporter",
    "professor",
    "detective",
    "trooper",
    "inc",
    "co",
    "corp",
    "ltd",
    "llc",
    "plc",
    "da",
    "captain",
];

/// Nationality, religion and party adjectives: capitalised, but a reader's subject is the
/// country or the party, not the adjective.
const DEMONYMS: &[&str] = &[
    "afghan",
    "african",
    "albanian",
    "algerian",
    "american",
    "antarctic",
    "arab",
    "arabic",
    "arctic",
    "argentine",
    "argentinian",
    "asian",
    "australian",
    "austrian",
    "bangladeshi",
    "belgian",
    "brazilian",
    "british",
    "canadian",
    "catholic",
    "chilean",
    "chinese",
    "christian",
    "colombian",
    "croatian",
    "cuban",
    "czech",
    "danish",
    "democrat",
    "democratic",
    "democrats",
    "dutch",
    "egyptian",
    "english",
    "european",
    "filipino",
    "finnish",
    "french",
    "german",
    "greek",
    "haitian",
    "hindu",
    "hungarian",
    "indian",
    "indonesian",
    "iranian",
    "iraqi",
    "irish",
    "islamic",
    "israeli",
    "italian",
    "japanese",
    "jewish",
    "jordanian",
    "kenyan",
    "korean",
    "kurdish",
    "latin",
    "lebanese",
    "libyan",
    "malaysian",
    "mexican",
    "moroccan",
    "muslim",
    "nepali",
    "nigerian",
    "norwegian",
    "pakistani",
    "palestinian",
    "peruvian",
    "polish",
    "portuguese",
    "republican",
    "republicans",
    "romanian",
    "russian",
    "saudi",
    "scottish",
    "serbian",
    "somali",
    "spanish",
    "sunni",
    "shia",
    "shiite",
    "swedish",
    "swiss",
    "syrian",
    "thai",
    "tunisian",
    "turkish",
    "ukrainian",
    "venezuelan",
    "vietnamese",
    "welsh",
    "western",
    "eastern",
    "northern",
    "southern",
    "west",
    "east",
    "north",
    "south",
    "yemeni",
];

/// Whether a one-word name is a nationality, religion or party adjective ("Greek").
pub(crate) fn is_demonym(name: &str) -> bool {
    !name.contains(' ') && DEMONYMS.contains(&name.to_lowercase().as_str())
}

/// Abbreviations whose full stop does not end a sentence.
pub(crate) const ABBREVIATIONS: &[&str] = &[
    "gov", "sen", "rep", "mr", "mrs", "ms", "dr", "st", "gen", "lt", "col", "sgt", "capt", "cpl",
    "pvt", "adm", "cmdr", "rev", "fr", "prof", "pres", "jr", "sr", "const", "det", "insp", "supt",
    "inc", "co", "corp", "ltd", "no", "mt", "ft", "ave", "blvd", "rd", "jan", "feb", "mar", "apr",
    "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "u.n", "d.c", "vs",
    "etc", "approx", "dept", "univ", "assn", "bros",
];

/// Day words and month abbreviations beside the weekday and month names of core.
const CALENDAR: &[&str] = &[
    "today",
    "tonight",
    "yesterday",
    "tomorrow",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "mon",
    "tue",
    "tues",
    "wed",
    "thu",
    "thur",
    "thurs",
    "fri",
    "sat",
    "sun",
];

const PRONOUNS: &[&str] = &[
    "i", "me", "my", "mine", "we", "us", "our", "you", "your", "he", "him", "his", "she", "her",
    "they", "them", "their", "it", "its", "god", "oh", "ok", "okay", "yes", "no", "mom", "dad",
];

/// Whether `word` (any case) is a title that is not part of the name it stands by.
pub(crate) fn is_title(word: &str) -> bool {
    let lower = word.trim_end_matches('.').to_lowercase();
    TITLES.contains(&lower.as_str())
}

/// Whether a lower-cased word ends in an abbreviation's full stop rather than a sentence's.
pub(crate) fn is_abbreviation(word: &str) -> bool {
    let lower = word
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .trim_end_matches('.')
        .to_lowercase();
    ABBREVIATIONS.contains(&lower.as_str())
        || (lower.chars().count() == 1 && lower.chars().all(char::is_alphabetic))
}

/// The words of a capitalised run split at titles and stripped of calendar words, pronouns
/// and contractions: "Alaska Gov Sarah Palin" gives "Alaska" and "Sarah Palin";
/// "Wasilla Bible Church Friday" gives "Wasilla Bible Church"; "I've" gives nothing.
pub(crate) fn clean_run(words: &[&str]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut current: Vec<String> = Vec::new();
    let mut flush = |current: &mut Vec<String>| {
        if !current.is_empty() {
            out.push(std::mem::take(current));
        }
    };
    for word in words {
        let lower = word.to_lowercase();
        let contraction = [
            "'ve", "'m", "'ll", "'d", "'re", "’ve", "’m", "’ll", "’d", "’re",
        ]
        .iter()
        .any(|end| lower.ends_with(end));
        // "Justice Helen Hoens", but "Department of Criminal Justice".
        let leading_title = current.is_empty() && lower == "justice";
        if leading_title
            || is_title(word)
            || tidings_core::is_weekday_or_month(&lower)
            || CALENDAR.contains(&lower.as_str())
            || PRONOUNS.contains(&lower.as_str())
            || contraction
        {
            flush(&mut current);
        } else {
            current.push((*word).to_owned());
        }
    }
    flush(&mut current);
    out.into_iter()
        .flat_map(split_trailing_acronym)
        .map(|mut piece| {
            while piece
                .last()
                .is_some_and(|w| CONNECTORS.contains(&w.as_str()))
            {
                piece.pop();
            }
            while piece
                .first()
                .is_some_and(|w| CONNECTORS.contains(&w.as_str()))
            {
                piece.remove(0);
            }
            piece
        })
        .filter(|piece| !piece.is_empty())
        .collect()
}

/// Lower-case words that join the parts of a name ("Gulf of Aden").
pub(crate) const CONNECTORS: &[&str] = &["of", "de", "del", "la", "van", "von", "bin", "al"];

/// "Endangered Species Act ESA" → "Endangered Species Act" and "ESA": an acronym after a
/// name is a name of its own (or the same one abbreviated), not part of it.
fn split_trailing_acronym(mut piece: Vec<String>) -> Vec<Vec<String>> {
    let acronym = |w: &str| {
        let roman = w.chars().all(|c| "IVXLCDM".contains(c));
        !roman
            && w.chars().count() >= 2
            && w.chars().filter(|c| c.is_uppercase()).count() >= 2
            && !w.chars().next().is_some_and(char::is_lowercase)
            && w.chars().skip(1).any(char::is_uppercase)
    };
    let has_name_before = piece.len() >= 2
        && piece[..piece.len() - 1]
            .iter()
            .any(|w| w.chars().any(char::is_lowercase) && !acronym(w));
    if has_name_before && piece.last().is_some_and(|w| acronym(w)) {
        let last = piece.pop().unwrap_or_default();
        vec![piece, vec![last]]
    } else {
        vec![piece]
    }
}

/// One candidate name: how often the text uses it, and whether the title names it.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub(crate) struct NameCount {
    pub(crate) count: u32,
    pub(crate) in_title: bool,
}

impl NameCount {
    pub(crate) fn score(&self) -> f32 {
        self.count as f32 + if self.in_title { 2.0 } else { 0.0 }
    }
}

/// Drops one-word "names" the text also writes in lower case (ordinary words that open a
/// sentence or a quote), and folds every name into the most used longer name it is part of,
/// so "Page" counts for "Bettie Page" and "Sarah" for "Sarah Palin".
pub(crate) fn fold_names(
    names: HashMap<String, NameCount>,
    lower_words: &HashSet<String>,
) -> HashMap<String, NameCount> {
    let mut names: HashMap<String, NameCount> = names
        .into_iter()
        .filter(|(name, _)| name.contains(' ') || !lower_words.contains(&name.to_lowercase()))
        .collect();
    let mut by_length: Vec<String> = names.keys().cloned().collect();
    by_length.sort_by(|a, b| word_count(a).cmp(&word_count(b)).then_with(|| a.cmp(b)));
    // A longer name used once beside a shorter one used more ("Chris Christie State" once,
    // "Chris Christie" often), whose extra words the text also writes in lower case, is the
    // shorter with a stray word: it folds into the shorter.
    for long in by_length.iter().rev() {
        let Some(long_count) = names.get(long).copied() else {
            continue;
        };
        if long_count.count > 1 {
            continue;
        }
        let host = names
            .iter()
            .filter(|(short, c)| {
                word_count(short) < word_count(long)
                    && c.count >= 2
                    && stray_tail(short, long, lower_words)
            })
            .max_by(|a, b| {
                a.1.score()
                    .total_cmp(&b.1.score())
                    .then_with(|| b.0.cmp(a.0))
            })
            .map(|(short, _)| short.clone());
        if let Some(host) = host {
            names.remove(long);
            if let Some(short) = names.get_mut(&host) {
                short.count += long_count.count;
                short.in_title |= long_count.in_title;
            }
        }
    }
    // "Athens of Alexandros Grigoropoulos": two names joined by a connector, the first of
    // them a name on its own elsewhere, are two names.
    for long in by_length.iter().rev() {
        let words: Vec<&str> = long.split_whitespace().collect();
        let Some(at) = words.iter().position(|w| CONNECTORS.contains(w)) else {
            continue;
        };
        let (left, right) = (words[..at].join(" "), words[at + 1..].join(" "));
        if right.is_empty() || !names.contains_key(&left) {
            continue;
        }
        if let Some(joined) = names.remove(long) {
            for part in [left, right] {
                let entry = names.entry(part).or_default();
                entry.count += joined.count;
                entry.in_title |= joined.in_title;
            }
        }
    }
    let mut by_length: Vec<String> = names.keys().cloned().collect();
    by_length.sort_by(|a, b| word_count(a).cmp(&word_count(b)).then_with(|| a.cmp(b)));
    for short in by_length {
        let Some(short_count) = names.get(&short).copied() else {
            continue;
        };
        let host = names
            .iter()
            .filter(|(long, _)| word_count(long) > word_count(&short) && is_part(&short, long))
            .max_by(|a, b| {
                a.1.score()
                    .total_cmp(&b.1.score())
                    .then_with(|| b.0.cmp(a.0))
            })
            .map(|(long, _)| long.clone());
        if let Some(host) = host {
            names.remove(&short);
            if let Some(long) = names.get_mut(&host) {
                long.count += short_count.count;
                long.in_title |= short_count.in_title;
            }
        }
    }
    names
}

/// Whether `long` is `short` followed by words the text also writes in lower case.
fn stray_tail(short: &str, long: &str, lower_words: &HashSet<String>) -> bool {
    let short_words: Vec<&str> = short.split_whitespace().collect();
    let long_words: Vec<&str> = long.split_whitespace().collect();
    long_words.len() > short_words.len()
        && long_words
            .iter()
            .zip(&short_words)
            .all(|(a, b)| a.eq_ignore_ascii_case(b))
        && long_words[short_words.len()..]
            .iter()
            .all(|w| lower_words.contains(&w.to_lowercase()))
}

fn word_count(name: &str) -> usize {
    name.split_whitespace().count()
}

/// Whether the words of `short` appear in a row in `long` ("Page" in "Bettie Page").
fn is_part(short: &str, long: &str) -> bool {
    let short: Vec<String> = short.split_whitespace().map(str::to_lowercase).collect();
    let long: Vec<String> = long.split_whitespace().map(str::to_lowercase).collect();
    long.windows(short.len()).any(|w| w == short.as_slice())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(list: &[(&str, u32)]) -> HashMap<String, NameCount> {
        list.iter()
            .map(|(n, c)| {
                (
                    n.to_string(),
                    NameCount {
                        count: *c,
                        in_title: false,
                    },
                )
            })
            .collect()
    }

    #[test]
    fn runs_split_at_titles_and_lose_calendar_words_and_pronouns() {
        assert_eq!(
            clean_run(&["Endangered", "Species", "Act", "ESA"]),
            [
                vec!["Endangered".to_owned(), "Species".into(), "Act".into()],
                vec!["ESA".to_owned()]
            ]
        );
        assert_eq!(
            clean_run(&["CEO", "of", "CRISPR", "Therapeutics"]),
            [vec!["CRISPR".to_owned(), "Therapeutics".into()]]
        );
        assert_eq!(
            clean_run(&["Alaska", "Gov", "Sarah", "Palin"]),
            [
                vec!["Alaska".to_owned()],
                vec!["Sarah".into(), "Palin".into()]
            ]
        );
        assert_eq!(
            clean_run(&["Wasilla", "Bible", "Church", "Friday"]),
            [vec!["Wasilla".to_owned(), "Bible".into(), "Church".into()]]
        );
        assert!(clean_run(&["I've"]).is_empty());
        assert!(clean_run(&["Monday"]).is_empty());
    }

    #[test]
    fn parts_fold_into_the_whole_name() {
        let lower: HashSet<String> = ["hit".to_owned(), "state".to_owned()].into_iter().collect();
        let folded = fold_names(
            counts(&[
                ("Bettie Page", 2),
                ("Page", 3),
                ("Sarah", 1),
                ("Sarah Palin", 4),
                ("Hit", 2),
                ("Brooklyn", 2),
                ("Chris Christie", 3),
                ("Chris Christie State", 1),
                ("DeGeneres", 3),
                ("Ellen DeGeneres", 1),
            ]),
            &lower,
        );
        let mut names: Vec<(&str, u32)> =
            folded.iter().map(|(n, c)| (n.as_str(), c.count)).collect();
        names.sort_unstable();
        assert_eq!(
            names,
            [
                ("Bettie Page", 5),
                ("Brooklyn", 2),
                ("Chris Christie", 4),
                ("Ellen DeGeneres", 4),
                ("Sarah Palin", 5)
            ]
        );
    }
}
