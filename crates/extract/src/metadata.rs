//! Article metadata: title, byline, publication date, image, language, canonical URL and site
//! name, read from JSON-LD, OpenGraph/Twitter/Dublin Core/Parse.ly `<meta>` tags,
//! `<link rel=canonical>`, `<html lang>`, `<time>` elements and byline-like elements.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};
use url::Url;

use crate::content::node_text;
use crate::dom::Dom;
use crate::linked_data::LinkedData;
use crate::render::absolute_link;

/// Metadata found on the page, before the body is known.
#[derive(Debug, Default)]
pub struct PageMetadata {
    pub title: Option<String>,
    pub byline: Option<String>,
    pub published: Option<DateTime<FixedOffset>>,
    pub image: Option<String>,
    pub language: Option<String>,
    pub canonical_url: Option<String>,
    pub site_name: Option<String>,
    pub article_body: Option<String>,
}

/// Parses the many date shapes pages use; a missing zone is taken as UTC.
pub fn parse_date(raw: &str) -> Option<DateTime<FixedOffset>> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    if let Ok(date) = DateTime::parse_from_rfc3339(raw) {
        return Some(date);
    }
    if let Ok(date) = DateTime::parse_from_rfc2822(raw) {
        return Some(date);
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M%z",
        "%Y-%m-%d %H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S %z",
    ] {
        if let Ok(date) = DateTime::parse_from_str(raw, format) {
            return Some(date);
        }
    }
    let utc = |naive: NaiveDateTime| Utc.from_utc_datetime(&naive).fixed_offset();
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
        "%Y%m%dT%H%M%S",
    ] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(raw.trim_end_matches('Z'), format) {
            return Some(utc(naive));
        }
    }
    let head = raw.get(..10).unwrap_or(raw);
    for format in ["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d"] {
        if let Ok(date) = NaiveDate::parse_from_str(head, format) {
            return date.and_hms_opt(0, 0, 0).map(utc);
        }
    }
    for format in ["%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%b. %d, %Y"] {
        if let Ok(date) = NaiveDate::parse_from_str(raw, format) {
            return date.and_hms_opt(0, 0, 0).map(utc);
        }
    }
    None
}

/// Words that introduce an author's name in several languages.
const BY_WORDS: &[&str] = &["by", "par", "por", "door", "av", "af"];

fn clean_byline(raw: &str) -> Option<String> {
    let mut text = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some((first, rest)) = text.split_once(' ')
        && BY_WORDS.contains(&first.to_lowercase().trim_end_matches(':'))
        && rest.chars().next().is_some_and(char::is_uppercase)
    {
        text = rest.to_string();
    }
    // "Jane Doe - Apr 16, 2015 8:02 pm": a date or time after a separator is not the name.
    for separator in [" - ", " – ", " — ", " | ", " · ", " • "] {
        if let Some((name, tail)) = text.split_once(separator)
            && tail.chars().any(|c| c.is_ascii_digit())
        {
            text = name.to_string();
        }
    }
    let text = text
        .trim_matches(|c: char| {
            c.is_whitespace() || matches!(c, '—' | '–' | '-' | '|' | '·' | ',' | ':')
        })
        .to_string();
    if text.is_empty() || text.chars().count() > 100 || text.starts_with("http") {
        None
    } else {
        Some(text)
    }
}

/// Whether a `<title>` is the page's heading followed by a separator and something else.
fn heading_leads_title(page_title: &str, heading: &str) -> bool {
    let title = page_title.split_whitespace().collect::<Vec<_>>().join(" ");
    let heading = heading.trim();
    // A one-word heading ("Mozilla" in "Mozilla - Wikipedia") is too little to be sure of.
    if heading.split_whitespace().count() < 2 || title.len() <= heading.len() {
        return false;
    }
    let Some(prefix) = title.get(..heading.len()) else {
        return false;
    };
    let rest = &title[heading.len()..];
    prefix.eq_ignore_ascii_case(heading)
        && [" | ", " - ", " – ", " — ", " :: ", " · ", " » ", " / "]
            .iter()
            .any(|separator| rest.starts_with(separator))
}

/// Cuts " | Site", " - Site" and similar from a `<title>`.
pub fn clean_title(raw: &str, site_name: Option<&str>) -> String {
    let title = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    for separator in [" | ", " - ", " – ", " — ", " :: ", " · ", " » ", " / "] {
        if let Some(pos) = title.rfind(separator) {
            let (head, tail) = (&title[..pos], &title[pos + separator.len()..]);
            let tail_is_site = site_name.is_some_and(|site| {
                tail.eq_ignore_ascii_case(site)
                    || site.to_lowercase().contains(&tail.to_lowercase())
            });
            if tail_is_site
                || (tail.split_whitespace().count() <= 4 && head.split_whitespace().count() >= 3)
            {
                return clean_title(head, site_name);
            }
            if let Some(first) = title.find(separator) {
                let (lead, rest) = (&title[..first], &title[first + separator.len()..]);
                if site_name.is_some_and(|site| lead.eq_ignore_ascii_case(site)) {
                    return rest.to_string();
                }
            }
        }
    }
    title
}

fn language_code(lang: whatlang::Lang) -> String {
    use whatlang::Lang::*;
    let code = match lang {
        Eng => "en",
        Fra => "fr",
        Deu => "de",
        Spa => "es",
        Ita => "it",
        Por => "pt",
        Nld => "nl",
        Rus => "ru",
        Ukr => "uk",
        Pol => "pl",
        Ces => "cs",
        Slk => "sk",
        Swe => "sv",
        Dan => "da",
        Nob => "no",
        Fin => "fi",
        Tur => "tr",
        Ara => "ar",
        Heb => "he",
        Cmn => "zh",
        Jpn => "ja",
        Kor => "ko",
        Hin => "hi",
        Ell => "el",
        Hun => "hu",
        Ron => "ro",
        Bul => "bg",
        Hrv => "hr",
        Srp => "sr",
        Vie => "vi",
        Ind => "id",
        Tha => "th",
        Pes => "fa",
        Cat => "ca",
        Lit => "lt",
        Lav => "lv",
        Est => "et",
        Slv => "sl",
        Ben => "bn",
        Urd => "ur",
        Tam => "ta",
        other => return other.code().to_string(),
    };
    code.to_string()
}

/// Reads the page's metadata. `body_text` (the extracted text) is used for language detection.
pub fn read(dom: &Dom, page_url: Option<&Url>) -> PageMetadata {
    let head = &dom.head;
    let ld = LinkedData::read(&head.json_ld);
    let base = page_url;

    let site_name = head
        .meta(&["og:site_name", "application-name", "twitter:site:name"])
        .map(str::to_string)
        .or(ld.publisher.clone());

    let h1 = dom.find_tag("h1").map(|id| {
        node_text(dom, id, 600)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    });
    let declared_title = ld
        .title(head.title.as_deref())
        .or_else(|| {
            head.meta(&[
                "dc:title",
                "dcterm:title",
                "dcterms:title",
                "dc.title",
                "og:title",
                "twitter:title",
                "parsely-title",
                "sailthru.title",
            ])
            .map(str::to_string)
        })
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|t| !t.is_empty());
    // A declared title is the publisher's own; only the `<title>` element carries the site name
    // often enough to be cut.
    let title = declared_title.or_else(|| {
        // "<title>Budget passes | Harbor Times</title>" with "<h1>Budget passes</h1>": the
        // heading is the title, whatever the length of the site suffix.
        if let (Some(page_title), Some(heading)) = (head.title.as_deref(), h1.as_deref())
            && heading_leads_title(page_title, heading)
        {
            return Some(heading.to_string());
        }
        head.title
            .clone()
            .or_else(|| h1.clone().filter(|h| !h.is_empty()))
            .map(|t| clean_title(&t, site_name.as_deref()))
            .filter(|t| !t.is_empty())
    });

    let byline = if ld.authors.is_empty() {
        None
    } else {
        clean_byline(&ld.authors.join(", "))
    }
    .or_else(|| {
        head.meta(&[
            "dc:creator",
            "dcterm:creator",
            "dcterms:creator",
            "dc.creator",
            "author",
            "article:author",
            "parsely-author",
            "dc.creator",
            "sailthru.author",
            "byl",
            "cxenseparse:author",
        ])
        .and_then(clean_byline)
    })
    .or_else(|| byline_from_page(dom));

    let published = ld
        .published
        .as_deref()
        .and_then(parse_date)
        .or_else(|| {
            head.meta(&[
                "article:published_time",
                "parsely-pub-date",
                "og:article:published_time",
                "datepublished",
                "sailthru.date",
                "dc.date",
                "dc.date.issued",
                "dcterms.created",
                "pubdate",
                "publishdate",
                "date",
                "article.published",
                "published_time",
                "og:published_time",
            ])
            .and_then(parse_date)
        })
        .or_else(|| time_from_page(dom));

    let image = head
        .meta(&[
            "og:image",
            "og:image:url",
            "og:image:secure_url",
            "twitter:image",
            "twitter:image:src",
        ])
        .map(str::to_string)
        .or(ld.image.clone())
        .and_then(|src| absolute_link(&src, base));

    let language = head
        .html_lang
        .clone()
        .or_else(|| {
            head.meta(&["content-language", "og:locale", "language", "dc.language"])
                .map(str::to_string)
        })
        .and_then(|lang| primary_language(&lang));

    let canonical_url = head
        .canonical
        .as_deref()
        .or(head.meta(&["og:url"]))
        .or(ld.url.as_deref())
        .and_then(|href| absolute_link(href, base))
        .or_else(|| page_url.map(Url::to_string));

    PageMetadata {
        title,
        byline,
        published,
        image,
        language,
        canonical_url,
        site_name,
        article_body: ld.body,
    }
}

/// The primary subtag of a language tag, lower-cased: "en-US" and "en_us" give "en".
fn primary_language(tag: &str) -> Option<String> {
    let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    (primary.len() >= 2 && primary.len() <= 8 && primary.chars().all(|c| c.is_ascii_alphabetic()))
        .then_some(primary)
}

/// Language detected from text, as an ISO 639-1 code where one exists.
pub fn detect_language(text: &str) -> Option<String> {
    let sample: String = text.chars().take(3000).collect();
    let info = whatlang::detect(&sample)?;
    (info.confidence() > 0.3).then(|| language_code(info.lang()))
}

fn byline_from_page(dom: &Dom) -> Option<String> {
    dom.nodes.iter().enumerate().find_map(|(id, node)| {
        let names = |attr: &str| node.attr(attr).map(str::to_ascii_lowercase);
        let is_author = node.attr("rel") == Some("author")
            || names("itemprop").is_some_and(|p| p.contains("author"))
            || [names("class"), names("id")]
                .into_iter()
                .flatten()
                .any(|c| {
                    ["byline", "author", "writtenby", "p-author"]
                        .iter()
                        .any(|word| c.contains(word))
                });
        if !is_author || node_text(dom, id, 300).trim().len() > 100 {
            return None;
        }
        clean_byline(&node_text(dom, id, 300))
    })
}

fn time_from_page(dom: &Dom) -> Option<DateTime<FixedOffset>> {
    dom.nodes.iter().find_map(|node| {
        if node.tag() == "time" || node.attr("itemprop") == Some("datePublished") {
            node.attr("datetime")
                .or(node.attr("content"))
                .and_then(parse_date)
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_heading_that_leads_the_title_is_the_title() {
        assert!(heading_leads_title(
            "Budget passes | Harbor Times",
            "Budget passes"
        ));
        assert!(!heading_leads_title("Budget passes", "Budget passes"));
        assert!(!heading_leads_title(
            "Budget passes tonight",
            "Budget passes"
        ));
    }

    #[test]
    fn title_suffix_is_removed() {
        assert_eq!(
            clean_title(
                "Storm hits the coast hard | Daily Planet",
                Some("Daily Planet")
            ),
            "Storm hits the coast hard"
        );
        assert_eq!(
            clean_title("Storm hits the coast hard - Planet", None),
            "Storm hits the coast hard"
        );
        assert_eq!(clean_title("Left - Right", None), "Left - Right");
    }

    #[test]
    fn dates_in_several_shapes() {
        assert!(parse_date("2019-11-19T08:00:00-05:00").is_some());
        assert!(parse_date("2019-11-19T08:00:00.000Z").is_some());
        assert!(parse_date("2019-11-19").is_some());
        assert!(parse_date("Tue, 19 Nov 2019 08:00:00 GMT").is_some());
        assert!(parse_date("not a date").is_none());
    }
}
