//! What counts as page furniture rather than article: tags, roles, class/id words, hidden
//! elements and promo lines ("Read more", "Sign up for our newsletter", "[Read: …]").

use std::sync::LazyLock;

use regex::Regex;
use rustc_hash::FxHashMap;

use html5ever::local_name;

use crate::dom::{Node, NodeData};

/// Class/id words that mark furniture whatever else the class says.
static STRONG_JUNK: LazyLock<Regex> = LazyLock::new(|| {
    build(
        r"(?:^|[^a-z])(?:share|sharing|sharebar|social|socials|newsletter|subscribe|subscription|signup|sign-up|promo|promos|promotion|cookie|cookies|consent|gdpr|related|recommended|recommendations|outbrain|taboola|breadcrumbs?|sidebar|comments?|commentlist|disqus|advert|advertisement|adslot|ad-slot|ad-container|ad-wrapper|adunit|ad-unit|ads|ad|dfp|sponsored|sponsor|popup|modal|most-popular|mostpopular|trending|toolbar|skip-link|skiplink|print-only|visually-hidden|sr-only|screen-reader-text|author-bio|authorbio|bio-box|byline|tags|tag-list|taglist|keywords|topics-list|read-more|readmore|more-stories|also-read|further-reading|piano|inline-cta|cta)(?:$|[^a-z])",
    )
});

/// Class/id words that mark furniture unless the class also names the article.
static WEAK_JUNK: LazyLock<Regex> = LazyLock::new(|| {
    build(
        r"(?:^|[^a-z])(?:header|footer|menu|nav|navbar|navigation|banner|masthead|extra|legends|remark|replies|rss|shoutbox|skyscraper|supplemental|pagination|pager|meta|metadata|dateline|timestamp|credits|login|signin|search|utility|nocontent|rail|aside|caption-credit|paywall)(?:$|[^a-z])",
    )
});

/// Class/id words that keep an element with a weak junk word.
static MAYBE_CONTENT: LazyLock<Regex> =
    LazyLock::new(|| build(r"and|article|body|column|content|main|shadow|story|entry|post-|text"));

static POSITIVE_WEIGHT: LazyLock<Regex> = LazyLock::new(|| {
    build(
        r"article|body|content|entry|hentry|h-entry|main|page|post|text|blog|story|prose|rich-text|richtext",
    )
});

static NEGATIVE_WEIGHT: LazyLock<Regex> = LazyLock::new(|| {
    build(
        r"-ad-|hidden|^hid$| hid$| hid |^hid |banner|combx|comment|com-|contact|foot|footer|footnote|gdpr|masthead|media|meta|outbrain|promo|related|scroll|share|shoutbox|sidebar|skyscraper|sponsor|shopping|tags|tool|widget|newsletter|subscribe|social|caption|credit",
    )
});

/// Short lines that are promotion or navigation inside an article.
static PROMO_LINE: LazyLock<Regex> = LazyLock::new(|| {
    build(
        r"^\[?\s*(?:read|read more|read next|see|see also|also read|watch|listen|related|more|recommended|most read|trending|sponsored|advertisement|related stories|related articles|related content|more on this|more from [^:]{1,40})\s*[:\]]|^\[?\s*(?:read more|read next|see also|also read|sign up|subscribe to|subscribe for|subscribe now|follow us|click here|share this|share on|don['’]t miss|continue reading|story continues|keep reading|get our|download the|join our|register for|you may also like|you might also like|we recommend)\b|^(?:advertisement|ad|sponsored content|skip advertisement|supported by|share|tweet|email|print|comments?|related|read more|more|advertisement - scroll to continue)$",
    )
});

/// Calls to action anywhere in a short block: newsletter sign-ups, "requires JavaScript".
static CALL_TO_ACTION: LazyLock<Regex> = LazyLock::new(|| {
    build(
        r"(?:sign up|subscribe)\b.{0,120}\b(?:newsletter|inbox)|\b(?:requires|enable) javascript\b|delivered (?:to|through) your (?:inbox|letterbox|door)|^tell us what you think",
    )
});

/// Bylines and datelines: "By Jane Doe", "Posted … by …", "Updated 3 May 2024", a bare date.
static BYLINE_OR_DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    build(
        r"^(?:by|posted by|written by|words by|story by|reporting by|text by)\s+\p{Lu}|^(?:posted|published|updated|last updated|first published|modified|last modified)\b[^.!?]{0,100}\d|^(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?(?:\d{1,2}(?:st|nd|rd|th)?\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(?:\d{1,2}(?:st|nd|rd|th)?,?\s+)?\d{4}\b[^.!?]{0,40}$|^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b[^.!?a-z]{0,30}$",
    )
});

/// Copyright notices, photo credits and tag lists.
static LEGAL_OR_TAGS: LazyLock<Regex> = LazyLock::new(|| {
    build(
        r"©|&copy;|\ball rights reserved\b|^copyright\b|\bsubject to copyright\b|^(?:tags|tagged|tagged with|filed under|topics|categories|more on)\s*:|^\(?(?:photo|photos|photograph|image|picture|illustration|credit|image credit|photo credit)s?(?: by)?\s*:",
    )
});

fn build(pattern: &str) -> Regex {
    // The patterns are constants; a failure here is a programming error caught by every test.
    #[allow(clippy::expect_used)]
    Regex::new(pattern).expect("junk pattern compiles")
}

/// Tags that are furniture by themselves.
pub fn is_junk_tag(tag: &str) -> bool {
    matches!(
        tag,
        "nav" | "header" | "footer" | "aside" | "form" | "menu" | "fieldset"
    )
}

/// How sure we are that an element is furniture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Furniture {
    /// Hidden, a furniture role, or a class such as "share" or "newsletter".
    Strong,
    /// A furniture tag (`nav`, `footer`…) or a class such as "header" or "widget".
    Weak,
    No,
}

/// What the class and id words of elements say, remembered per distinct (class, id) pair:
/// pages repeat the same class names on many elements.
#[derive(Default)]
pub struct ClassVerdicts<'a> {
    seen: FxHashMap<(&'a str, &'a str), NameVerdict>,
}

#[derive(Clone, Copy)]
struct NameVerdict {
    strong: bool,
    weak: bool,
}

impl<'a> ClassVerdicts<'a> {
    fn verdict(&mut self, class: &'a str, id: &'a str) -> NameVerdict {
        if class.is_empty() && id.is_empty() {
            return NameVerdict {
                strong: false,
                weak: false,
            };
        }
        *self.seen.entry((class, id)).or_insert_with(|| {
            let mut names = String::with_capacity(class.len() + id.len() + 2);
            for value in [class, id] {
                if !value.is_empty() {
                    names.push_str(value);
                    names.push(' ');
                }
            }
            names.make_ascii_lowercase();
            NameVerdict {
                strong: STRONG_JUNK.is_match(&names),
                weak: WEAK_JUNK.is_match(&names) && !MAYBE_CONTENT.is_match(&names),
            }
        })
    }
}

/// The attributes furniture classification reads, found in one pass.
#[derive(Default)]
struct FurnitureAttrs<'a> {
    class: Option<&'a str>,
    id: Option<&'a str>,
    hidden: bool,
    aria_hidden: Option<&'a str>,
    style: Option<&'a str>,
    role: Option<&'a str>,
    aria_label: Option<&'a str>,
}

impl<'a> FurnitureAttrs<'a> {
    fn of(node: &'a Node) -> FurnitureAttrs<'a> {
        let mut found = FurnitureAttrs::default();
        let NodeData::Element { attrs, .. } = &node.data else {
            return found;
        };
        // The first of duplicate attributes counts, as with `Node::attr`.
        for attr in attrs {
            let value: &'a str = &attr.value;
            let slot = match attr.name.local {
                local_name!("class") => &mut found.class,
                local_name!("id") => &mut found.id,
                local_name!("hidden") => {
                    found.hidden = true;
                    continue;
                }
                local_name!("aria-hidden") => &mut found.aria_hidden,
                local_name!("style") => &mut found.style,
                local_name!("role") => &mut found.role,
                local_name!("aria-label") => &mut found.aria_label,
                _ => continue,
            };
            slot.get_or_insert(value);
        }
        found
    }
}

/// Classifies an element as furniture or not.
pub fn classify<'a>(node: &'a Node, verdicts: &mut ClassVerdicts<'a>) -> Furniture {
    let attrs = FurnitureAttrs::of(node);
    let names_count = !matches!(node.tag(), "body" | "html" | "main" | "article");
    let mut verdict = || verdicts.verdict(attrs.class.unwrap_or(""), attrs.id.unwrap_or(""));
    if is_junk_element(&attrs) || (names_count && verdict().strong) {
        Furniture::Strong
    } else if is_junk_tag(node.tag()) || (names_count && verdict().weak) {
        Furniture::Weak
    } else {
        Furniture::No
    }
}

/// Whether the element's visibility, role or label say it is not article text.
fn is_junk_element(attrs: &FurnitureAttrs<'_>) -> bool {
    if attrs.hidden || attrs.aria_hidden == Some("true") {
        return true;
    }
    if let Some(style) = attrs.style {
        let style = style.to_ascii_lowercase().replace(' ', "");
        if style.contains("display:none") || style.contains("visibility:hidden") {
            return true;
        }
    }
    if let Some(role) = attrs.role {
        let role = role.to_ascii_lowercase();
        if matches!(
            role.as_str(),
            "navigation"
                | "banner"
                | "contentinfo"
                | "complementary"
                | "dialog"
                | "alertdialog"
                | "menu"
                | "menubar"
                | "search"
                | "toolbar"
        ) {
            return true;
        }
    }
    attrs.aria_label.is_some_and(|label| {
        let label = label.to_ascii_lowercase();
        [
            "share",
            "social",
            "newsletter",
            "breadcrumb",
            "advertisement",
            "related",
        ]
        .iter()
        .any(|word| label.contains(word))
    })
}

/// Readability-style class weight: +25 for article-like class and id, -25 for furniture-like.
pub fn class_weight(node: &Node) -> f32 {
    let mut weight = 0.0;
    for name in ["class", "id"] {
        if let Some(value) = node.attr(name) {
            let value = value.to_ascii_lowercase();
            if NEGATIVE_WEIGHT.is_match(&value) {
                weight -= 25.0;
            }
            if POSITIVE_WEIGHT.is_match(&value) {
                weight += 25.0;
            }
        }
    }
    weight
}

/// Whether a short block of text is a promo or navigation line.
pub fn is_promo_line(text: &str) -> bool {
    let lower = text.trim().to_lowercase();
    let lower = lower.trim_matches(|c: char| c == '.' || c == '»' || c == '›' || c.is_whitespace());
    let lower = lower.strip_suffix(':').unwrap_or(lower);
    PROMO_LINE.is_match(lower)
}

/// Whether a short block is a byline or dateline (or names the page's known author followed by
/// nothing but separators and a date) rather than article text.
pub fn is_byline_or_dateline(text: &str, byline: Option<&str>) -> bool {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() || text.chars().count() > 160 {
        return false;
    }
    let case_sensitive = text.trim_start_matches(|c: char| !c.is_alphanumeric());
    let lower = case_sensitive.to_lowercase();
    // "By" needs the capital of a name after it; the rest of the pattern is case-insensitive.
    let by_name = lower.starts_with("by ")
        || lower.starts_with("posted by ")
        || lower.starts_with("written by ");
    if by_name {
        let name_start = case_sensitive
            .split_whitespace()
            .find(|w| !matches!(w.to_lowercase().as_str(), "by" | "posted" | "written"));
        let looks_like_name = name_start
            .and_then(|w| w.chars().next())
            .is_some_and(char::is_uppercase);
        return looks_like_name && !case_sensitive.trim_end().ends_with('.');
    }
    if BYLINE_OR_DATELINE.is_match(&lower) {
        return true;
    }
    byline.is_some_and(|name| {
        let name = name.trim().to_lowercase();
        !name.is_empty()
            && lower.starts_with(&name)
            && lower[name.len()..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric())
            && lower.len() < name.len() + 60
            && !lower.contains(". ")
    })
}

/// Whether a block of under 300 characters asks the reader to sign up, subscribe or act.
pub fn is_call_to_action(text: &str) -> bool {
    let lower = text.trim().to_lowercase();
    lower.chars().count() < 300 && CALL_TO_ACTION.is_match(&lower)
}

/// Whether a short block is a copyright notice or a tag list.
pub fn is_legal_or_tags(text: &str) -> bool {
    let lower = text.trim().to_lowercase();
    lower.chars().count() < 300 && LEGAL_OR_TAGS.is_match(&lower)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn promo_lines_are_recognised() {
        assert!(is_promo_line(
            "[Read: The most important story of the year]"
        ));
        assert!(is_promo_line("Read more: why it matters"));
        assert!(is_promo_line("Sign up for our newsletter"));
        assert!(is_promo_line("ADVERTISEMENT"));
        assert!(!is_promo_line(
            "Readers have long asked whether the bridge would hold."
        ));
        assert!(!is_promo_line("More than 300 people attended the meeting."));
    }

    #[test]
    fn bylines_and_datelines_are_recognised() {
        for line in [
            "By Justine Coleman - 11/18/19 11:04 PM EST",
            "Posted November 26, 2026 at 9:05 PM UTC by Abigail Norcross ·",
            "Updated at 1:23 p.m.",
            "Updated 3 May 2024, 10:00",
            "November 26, 2026",
            "Tue, Nov 26, 2026 9:05 PM",
            "2026-11-26 21:05",
        ] {
            assert!(is_byline_or_dateline(line, None), "{line}");
        }
        assert!(is_byline_or_dateline(
            "Abigail Norcross, The Ledger",
            Some("Abigail Norcross")
        ));
        for line in [
            "By the time the firefighters arrived, the roof had collapsed.",
            "by far the largest donation the museum has received",
            "Updated figures show that unemployment fell.",
            "Abigail Norcross said the council would vote on Tuesday. The vote is close.",
        ] {
            assert!(
                !is_byline_or_dateline(line, Some("Abigail Norcross")),
                "{line}"
            );
        }
    }

    #[test]
    fn legal_lines_and_tag_lists_are_recognised() {
        assert!(is_legal_or_tags(
            "© 2019 The New Arab. All rights reserved."
        ));
        assert!(is_legal_or_tags("Filed under: politics, courts"));
        assert!(is_call_to_action(
            "There's plenty more. Sign up today to get the free daily newsletter."
        ));
        assert!(is_call_to_action("This slideshow requires JavaScript."));
        assert!(!is_call_to_action(
            "The council will subscribe to the regional water scheme next year."
        ));
        assert!(is_legal_or_tags(
            "Photo: David Zalubowski, Associated Press"
        ));
        assert!(!is_legal_or_tags(
            "The court ruled on the copyright claim on Monday."
        ));
    }
}
