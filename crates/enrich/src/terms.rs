//! Key terms and hashtags: an article's hashtags and weighted key terms, read from its text, title and the
//! feed's categories. Pure functions, no I/O.
//!
//! Key terms are content words, names (`@` + slug), numbers and the months the text states as
//! dates (`YYYY-MM`, see [`crate::dates`]); a term's weight grows with the logarithm of how
//! much the article uses it.

use std::collections::{HashMap, HashSet};

use tidings_core::{KeyTerm, Tag};

use crate::dates::{month_term, stated_months};
use crate::names::{CONNECTORS, NameCount, clean_run, fold_names};
use crate::stopwords::is_stopword;
use crate::tags::{category_tag, tag_key};

/// Most hashtags an article gets.
pub const MAX_TAGS: usize = 6;
/// Most key terms kept per article for finding related coverage.
pub const MAX_TERMS: usize = 40;
/// Key terms that are names (people, places, organisations) start with this.
pub const NAME_TERM_PREFIX: char = '@';
/// How much more a name (person, place, organisation) weighs than a word in the key terms.
const NAME_WEIGHT: f32 = 2.0;
/// How much more a number (a year, a toll, a score) counts than a word: numbers tell two
/// events of one kind apart.
const NUMBER_WEIGHT: u32 = 3;

/// Hashtags and key terms of one article.
#[derive(Debug, Clone, PartialEq)]
pub struct Enrichment {
    pub tags: Vec<Tag>,
    pub terms: Vec<KeyTerm>,
}

/// Reads hashtags and key terms from an article.
pub fn enrich(title: &str, text: &str, categories: &[String]) -> Enrichment {
    let names = name_counts(title, text);
    let words = word_counts(title, text);

    let mut tags: Vec<Tag> = Vec::new();
    let push_tag = |tag: Option<Tag>, tags: &mut Vec<Tag>| {
        if let Some(tag) = tag
            && tag.slug.len() >= 2
            && !tags.iter().any(|t| tag_key(&t.slug) == tag_key(&tag.slug))
        {
            tags.push(tag);
        }
    };
    for category in categories.iter().take(2) {
        if category.chars().count() <= 40 && !is_scope_section(category) {
            push_tag(category_tag(category), &mut tags);
        }
    }
    let limit = tag_limit(text);
    let mut ranked_names: Vec<(&String, &NameCount)> = names
        .iter()
        .filter(|(_, c)| c.count >= 2 || c.in_title)
        .collect();
    ranked_names.sort_by(|a, b| {
        b.1.score()
            .total_cmp(&a.1.score())
            .then_with(|| a.0.cmp(b.0))
    });
    for (label, _) in &ranked_names {
        if tags.len() >= limit {
            break;
        }
        push_tag(Tag::from_label(label), &mut tags);
    }

    let mut scored: HashMap<String, f32> = HashMap::new();
    for (label, count) in &names {
        let key = format!("{NAME_TERM_PREFIX}{}", tidings_core::tag_slug(label));
        if key.len() >= 3 {
            *scored.entry(key).or_default() += NAME_WEIGHT * count.score();
        }
    }
    for (word, count) in words {
        *scored.entry(word).or_default() += count as f32;
    }
    for month in stated_months(title).into_iter().chain(stated_months(text)) {
        *scored.entry(month_term(month)).or_default() += NUMBER_WEIGHT as f32;
    }
    let mut terms: Vec<(String, f32)> = scored
        .into_iter()
        .map(|(term, score)| (term, damped(score)))
        .collect();
    terms.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    terms.truncate(MAX_TERMS);
    let norm = terms.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
    let terms = terms
        .into_iter()
        .map(|(term, weight)| KeyTerm {
            term,
            weight: if norm > 0.0 { weight / norm } else { 0.0 },
        })
        .collect();
    Enrichment { tags, terms }
}

/// How many hashtags an article's length supports: three for a short item, one more per 120
/// words, at most [`MAX_TAGS`].
fn tag_limit(text: &str) -> usize {
    (3 + text.split_whitespace().count() / 120).min(MAX_TAGS)
}

/// Sections that say where or how a story runs ("World", "Local", "Top Stories"), not what it
/// is about: a reader would not pick them as a subject, and an outlet files local stories under
/// them too.
fn is_scope_section(category: &str) -> bool {
    const SCOPES: &[&str] = &[
        "world",
        "world news",
        "national",
        "nation",
        "local",
        "local news",
        "international",
        "metro",
        "us",
        "u.s.",
        "us news",
        "news",
        "top stories",
        "top story",
        "breaking",
        "breaking news",
        "latest",
        "latest news",
        "home",
        "general",
        "uncategorized",
        "uncategorised",
        "front page",
        "headlines",
        "regional",
        "domestic",
        "foreign",
    ];
    SCOPES.contains(&category.trim().to_lowercase().as_str())
}

/// A term's weight from its raw score (occurrences, names and numbers counted more): grows
/// with the logarithm, so a word an article repeats ten times does not drown the rarer words
/// that tell its event from others of the kind.
fn damped(score: f32) -> f32 {
    1.0 + score.max(1.0).ln()
}

/// Capitalised phrases (people, places, organisations) and how often they occur, cleaned and
/// folded (see [`crate::names`]). A phrase seen only at the start of sentences is not
/// counted: that capital may be grammar.
fn name_counts(title: &str, text: &str) -> HashMap<String, NameCount> {
    let mut mid: HashMap<String, u32> = HashMap::new();
    let mut initial: HashMap<String, u32> = HashMap::new();
    let text = &without_short_asides(text);
    for sentence in sentences(text) {
        for (phrase, at_start) in capitalised_phrases(sentence) {
            let map = if at_start { &mut initial } else { &mut mid };
            *map.entry(phrase).or_default() += 1;
        }
    }
    // A phrase of capitalised words that only opens sentences is still a name when each of
    // its words is capitalised mid-sentence elsewhere ("Ellen DeGeneres will host" beside
    // "Ellen" and "DeGeneres"): then it is the whole name its parts fold into.
    let mid_words: HashSet<&str> = mid.keys().flat_map(|p| p.split_whitespace()).collect();
    let whole_names: Vec<String> = initial
        .keys()
        .filter(|p| p.contains(' ') && !mid.contains_key(*p))
        .filter(|p| p.split_whitespace().all(|w| mid_words.contains(w)))
        .cloned()
        .collect();
    for phrase in whole_names {
        mid.insert(phrase, 0);
    }
    let mut names: HashMap<String, NameCount> = HashMap::new();
    for (phrase, count) in &mid {
        let extra = initial.get(phrase).copied().unwrap_or(0);
        names.insert(
            phrase.clone(),
            NameCount {
                count: count + extra,
                in_title: false,
            },
        );
    }
    let title_lower = title.to_lowercase();
    for (phrase, count) in names.iter_mut() {
        count.in_title = contains_words(&title_lower, &phrase.to_lowercase());
    }
    names.retain(|name, _| !crate::names::is_demonym(name) && !only_cited(text, name));
    fold_names(names, &lower_case_words(text))
}

/// The text without short parenthetical asides ("(PPPT)", "(NYSE: IBM)"), whose acronyms and
/// tickers are not what the article is about.
fn without_short_asides(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('(') {
        let Some(close) = rest[open..].find(')').map(|c| open + c) else {
            break;
        };
        out.push_str(&rest[..open]);
        let inside = &rest[open + 1..close];
        if inside.split_whitespace().count() > 3 {
            out.push_str(&rest[open..=close]);
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// Whether the text names `name` only as the source it quotes ("told the Alaska Dispatch",
/// "the Los Angeles Times reported", "according to the Boston Herald").
fn only_cited(text: &str, name: &str) -> bool {
    let uses = text.matches(name).count();
    if uses == 0 {
        return false;
    }
    let cited: usize = [
        format!("told the {name}"),
        format!("told {name}"),
        format!("according to the {name}"),
        format!("according to {name}"),
        format!("the {name} reported"),
        format!("the {name} said"),
        format!("{name} reported"),
        format!("{name} reports"),
        format!("quoted by the {name}"),
        format!("interview with the {name}"),
        format!("{name} news agency"),
        format!("the {name} newspaper"),
    ]
    .iter()
    .map(|pattern| text.matches(pattern.as_str()).count())
    .max()
    .unwrap_or(0);
    cited * 2 >= uses
}

/// The words the text writes in lower case (so are not names when capitalised).
fn lower_case_words(text: &str) -> HashSet<String> {
    text.split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| w.chars().next().is_some_and(char::is_lowercase))
        .map(str::to_owned)
        .collect()
}

fn contains_words(haystack: &str, needle: &str) -> bool {
    haystack.match_indices(needle).any(|(i, _)| {
        let before = haystack[..i].chars().next_back();
        let after = haystack[i + needle.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// Content words (lower-cased, plurals folded) and their counts; title words count twice.
fn word_counts(title: &str, text: &str) -> HashMap<String, u32> {
    let mut counts: HashMap<String, u32> = HashMap::new();
    for (source, times) in [(title, 2), (text, 1)] {
        for word in source.split(|c: char| !c.is_alphanumeric() && c != '\'') {
            let word = word.trim_matches('\'').to_lowercase();
            let digits = word.chars().all(|c| c.is_ascii_digit());
            if (word.chars().count() < 4 && !digits) || (digits && word.len() < 2) {
                continue;
            }
            if is_stopword(&word) {
                continue;
            }
            let weight = if digits { times * NUMBER_WEIGHT } else { times };
            *counts.entry(fold_plural(&word)).or_default() += weight;
        }
    }
    counts
}

/// "earthquakes" → "earthquake", "cities" → "city"; leaves "news", "glass", "crisis" alone.
pub fn fold_plural(word: &str) -> String {
    if word.len() > 4 && word.ends_with("ies") {
        return format!("{}y", &word[..word.len() - 3]);
    }
    if word.len() > 3
        && word.ends_with('s')
        && !word.ends_with("ss")
        && !word.ends_with("us")
        && !word.ends_with("is")
        && word != "news"
    {
        return word[..word.len() - 1].to_string();
    }
    word.to_string()
}

/// The text cut into sentences and clauses (at line breaks, quotes, colons, semicolons and
/// sentence-ending punctuation, but not at the full stop of an abbreviation or an initial:
/// "Gov. Sarah Palin", "U.S. officials").
fn sentences(text: &str) -> impl Iterator<Item = &str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        let cut = match c {
            '\n' | '!' | '?' | ';' | ':' | '"' | '“' | '”' => true,
            '.' => {
                let word = text[start..i]
                    .rsplit(char::is_whitespace)
                    .next()
                    .unwrap_or("");
                !crate::names::is_abbreviation(word)
            }
            _ => false,
        };
        if cut {
            pieces.push(&text[start..i]);
            start = i + c.len_utf8();
        }
    }
    pieces.push(&text[start..]);
    pieces.into_iter().map(str::trim).filter(|s| !s.is_empty())
}

/// "Gov.Sarah Palin" → "Gov. Sarah Palin": a full stop glued to a capitalised word (a lost
/// space) separates two words; initials ("U.S.") stay as they are.
fn space_glued_stops(sentence: &str) -> String {
    let chars: Vec<char> = sentence.chars().collect();
    let mut out = String::with_capacity(sentence.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        out.push(c);
        let glued = c == '.'
            && i >= 2
            && chars[i - 1].is_lowercase()
            && chars.get(i + 1).is_some_and(|n| n.is_uppercase())
            && chars.get(i + 2).is_some_and(|n| n.is_lowercase());
        if glued {
            out.push(' ');
        }
    }
    out
}

/// Runs of capitalised words in one sentence, with whether the run starts the sentence.
fn capitalised_phrases(sentence: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut run: Vec<&str> = Vec::new();
    let mut run_start = 0usize;
    let spaced = space_glued_stops(sentence);
    let words: Vec<&str> = spaced.split_whitespace().collect();
    let flush = |run: &mut Vec<&str>, start: usize, out: &mut Vec<(String, bool)>| {
        while run.last().is_some_and(|w| CONNECTORS.contains(w)) {
            run.pop();
        }
        let mut skip = 0;
        while skip < run.len() && is_stopword(&run[skip].to_lowercase()) {
            skip += 1;
        }
        if skip < run.len() {
            for (n, piece) in clean_run(&run[skip..]).into_iter().enumerate() {
                let phrase = piece.join(" ");
                if phrase.chars().count() >= 2 && piece.len() <= 4 {
                    out.push((phrase, start == 0 && skip == 0 && n == 0));
                }
            }
        }
        run.clear();
    };
    for (i, raw) in words.iter().enumerate() {
        let ends_clause = raw.ends_with(',') || raw.ends_with(')');
        let word = raw.trim_matches(|c: char| !c.is_alphanumeric());
        let possessive = word.ends_with("'s") || word.ends_with("’s");
        let word = word
            .strip_suffix("'s")
            .or_else(|| word.strip_suffix("’s"))
            .unwrap_or(word);
        let capitalised = word.chars().next().is_some_and(char::is_uppercase)
            && word.chars().any(char::is_lowercase);
        let acronym = word.chars().count() >= 2 && word.chars().all(|c| c.is_ascii_uppercase());
        if capitalised || acronym {
            if run.is_empty() {
                run_start = i;
            }
            run.push(word);
        } else if !run.is_empty() && CONNECTORS.contains(&word) {
            run.push(word);
        } else {
            flush(&mut run, run_start, &mut out);
        }
        // "Brenham's Ryan Nunn": a possessive ends the name it belongs to.
        if ends_clause || possessive {
            flush(&mut run, run_start, &mut out);
        }
    }
    flush(&mut run, run_start, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "Iran and the United States resumed nuclear talks in Muscat on Sunday. \
        Officials from Iran said the talks in Oman were constructive.\n\n\
        Supreme Leader Ali Khamenei warned that Iran would not give up enrichment. \
        The United States wants limits on enrichment. Oman has hosted such talks before.";

    #[test]
    fn tags_name_the_people_and_places() {
        let e = enrich(
            "Iran and US resume nuclear talks in Oman",
            TEXT,
            &["World".into()],
        );
        let slugs: Vec<&str> = e.tags.iter().map(|t| t.slug.as_str()).collect();
        assert!(
            !slugs.contains(&"world"),
            "a scope section is no subject: {slugs:?}"
        );
        for expected in ["iran", "oman", "unitedstates"] {
            assert!(
                slugs.contains(&expected),
                "{expected} missing from {slugs:?}"
            );
        }
        assert!(
            !slugs.contains(&"officials"),
            "sentence-initial capital taken: {slugs:?}"
        );
        assert!(e.tags.len() <= MAX_TAGS);
    }

    #[test]
    fn tags_are_whole_names_not_titles_weekdays_pronouns_or_parts() {
        let text = "Alaska Gov. Sarah Palin visited the Wasilla Bible Church Friday. \
            \"I've never seen anything like it,\" Palin said of the fire at the Wasilla Bible \
            Church. Hit by flames, the church lost its roof. Fire crews hit the blaze hard. \
            Sarah Palin thanked the crews. Palin left on Friday.";
        let e = enrich("Fire at Palin's church", text, &["Politics".into()]);
        let labels: Vec<&str> = e.tags.iter().map(|t| t.label.as_str()).collect();
        assert!(labels.contains(&"Politics"), "{labels:?}");
        assert!(labels.contains(&"Sarah Palin"), "{labels:?}");
        assert!(labels.contains(&"Wasilla Bible Church"), "{labels:?}");
        for bad in [
            "Palin",
            "Sarah",
            "Gov",
            "Alaska Gov",
            "Friday",
            "I've",
            "Hit",
            "Politic",
        ] {
            assert!(!labels.contains(&bad), "{bad} in {labels:?}");
        }
    }

    #[test]
    fn terms_are_normalised_and_fold_plurals() {
        let e = enrich("Talks", TEXT, &[]);
        let norm: f32 = e.terms.iter().map(|t| t.weight * t.weight).sum();
        assert!((norm - 1.0).abs() < 1e-4, "norm {norm}");
        assert!(e.terms.iter().any(|t| t.term == "talk"), "{:?}", e.terms);
        assert!(!e.terms.iter().any(|t| t.term == "said"));
    }

    #[test]
    fn empty_article_gives_nothing() {
        let e = enrich("", "", &[]);
        assert!(e.tags.is_empty() && e.terms.is_empty());
    }

    #[test]
    fn stated_months_become_terms() {
        let e = enrich(
            "Quake",
            "The quake struck on November 27, 2005. Rescuers worked through the night.",
            &[],
        );
        let terms: Vec<&str> = e.terms.iter().map(|t| t.term.as_str()).collect();
        assert!(terms.contains(&"2005-11"), "{terms:?}");
        assert!(terms.contains(&"2005"), "the year stays a term: {terms:?}");
        let bare = enrich("Quake", "The quake of 2005 is remembered.", &[]);
        assert!(
            !bare.terms.iter().any(|t| t.term.contains('-')),
            "{:?}",
            bare.terms
        );
    }

    #[test]
    fn repetition_weighs_less_than_in_proportion() {
        let text = "Harbour harbour harbour harbour harbour harbour harbour harbour. Ferry strike.";
        let e = enrich("", text, &[]);
        let weight = |term: &str| {
            e.terms
                .iter()
                .find(|t| t.term == term)
                .map(|t| t.weight)
                .expect(term)
        };
        let ratio = weight("harbour") / weight("ferry");
        assert!(
            ratio > 2.0 && ratio < 4.0,
            "eight uses against one: {ratio}"
        );
    }

    #[test]
    fn plural_folding() {
        assert_eq!(fold_plural("earthquakes"), "earthquake");
        assert_eq!(fold_plural("cities"), "city");
        assert_eq!(fold_plural("crisis"), "crisis");
        assert_eq!(fold_plural("glass"), "glass");
    }
}
