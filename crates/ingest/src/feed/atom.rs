//! Owns reading Atom 1.0 and 0.3 element trees into a [`ParsedFeed`]:
//! text constructs, `xml:base` on every level, link relations, and the
//! Atom 0.3 names (`issued`, `modified`, `created`). The core elements are
//! read in the root's namespace, whatever it is, so Atom under a private
//! or missing namespace still parses.

use url::Url;

use super::dates::parse_date;
use super::entry_builder::{
    EntryBuilder, absolute, element_base, push_author, push_unique, resolve_html_urls, set_once,
};
use super::markup::{TextValue, atom_text};
use super::xml_tree::Element;
use super::{FeedEntry, FeedFormat, ParsedFeed};

pub fn read(root: &Element, base: &Url) -> ParsedFeed {
    let base = element_base(root, base);
    let is_core = |e: &Element| e.ns == root.ns || e.ns.is_empty() || is_atom_ns(&e.ns);
    let mut title: Option<TextValue> = None;
    let mut links = Vec::new();
    let mut entries = Vec::new();
    for child in root.elements().filter(|e| is_core(e)) {
        match child.name.as_str() {
            "title" => {
                if let Some(value) = atom_text(child) {
                    set_once(&mut title, value);
                }
            }
            "link" => links.push(child),
            "entry" => entries.push(read_entry(child, &is_core, &base)),
            _ => {}
        }
    }
    ParsedFeed {
        format: FeedFormat::Atom,
        title: title.and_then(TextValue::into_plain),
        site_url: alternate_link(&links, &base),
        entries,
        notes: Default::default(),
    }
}

fn is_atom_ns(ns: &str) -> bool {
    matches!(
        super::entry_builder::vocabulary(ns),
        super::entry_builder::Vocabulary::Atom
    )
}

fn read_entry(entry: &Element, is_core: &dyn Fn(&Element) -> bool, base: &Url) -> FeedEntry {
    let base = element_base(entry, base);
    let mut builder = EntryBuilder::default();
    let links: Vec<&Element> = entry
        .elements()
        .filter(|e| is_core(e) && e.name == "link")
        .collect();
    builder.url = alternate_link(&links, &base);
    let page = builder.url.as_deref().and_then(|u| Url::parse(u).ok());
    let page = page.as_ref();
    let mut created = None;
    for child in entry.elements() {
        if !is_core(child) {
            builder.extension(child, &base);
            continue;
        }
        match child.name.as_str() {
            "id" if builder.guid.is_none() => builder.guid = Some(child.text().trim().to_owned()),
            "title" => set_text(&mut builder.title, child, &base, page),
            "summary" => set_text(&mut builder.summary, child, &base, page),
            "content" => set_text(&mut builder.content, child, &base, page),
            "published" | "issued" if builder.published.is_none() => {
                builder.published = parse_date(&child.text());
            }
            "created" if created.is_none() => created = parse_date(&child.text()),
            "updated" | "modified" if builder.updated.is_none() => {
                builder.updated = parse_date(&child.text());
            }
            "author" => {
                if let Some(name) = person_name(child, is_core) {
                    push_author(&mut builder.authors, &name);
                }
            }
            "category" => {
                let term = child.attr("term").map(str::trim).filter(|t| !t.is_empty());
                let label = child.attr("label").map(str::trim).filter(|t| !t.is_empty());
                let text = child.text();
                if let Some(value) = term.or(label).or(Some(text.trim())) {
                    push_unique(&mut builder.categories, value);
                }
            }
            _ => {}
        }
    }
    builder.published = builder.published.or(created);
    for link in &links {
        if link.attr("rel").is_some_and(|r| r.trim() == "enclosure") {
            let link_base = element_base(link, &base);
            builder.enclosure(link_target(link).as_deref(), link.attr("type"), &link_base);
        }
    }
    builder.finish(&base)
}

/// Reads a text construct; HTML has its relative URLs resolved against
/// the construct's own `xml:base` when that is on the site of the entry's
/// `page`, else against the page (see `tidings_extract::same_site`).
fn set_text(slot: &mut Option<TextValue>, element: &Element, base: &Url, page: Option<&Url>) {
    let value = match atom_text(element) {
        Some(TextValue::Html(html)) => {
            let own = element_base(element, base);
            let chosen = match page {
                Some(page) if !tidings_extract::same_site(&own, page) => page,
                _ => &own,
            };
            TextValue::Html(resolve_html_urls(&html, chosen))
        }
        Some(plain) => plain,
        None => return,
    };
    set_once(slot, value);
}

/// `<author><name>…</name><email>…</email></author>`: the name, else the
/// e-mail address.
fn person_name(person: &Element, is_core: &dyn Fn(&Element) -> bool) -> Option<String> {
    let field = |wanted: &str| {
        person
            .elements()
            .find(|e| is_core(e) && e.name == wanted)
            .map(|e| e.text().trim().to_owned())
            .filter(|t| !t.is_empty())
    };
    field("name")
        .or_else(|| field("email"))
        .or_else(|| Some(person.text().trim().to_owned()).filter(|t| !t.is_empty()))
}

/// A link's target: its `href`, or (Atom 0.3 style) its text.
fn link_target(link: &Element) -> Option<String> {
    link.attr("href")
        .map(str::to_owned)
        .or_else(|| Some(link.text()))
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
}

/// The `alternate` link (preferring HTML), else the first link whose
/// relation is not one of the non-page relations.
fn alternate_link(links: &[&Element], base: &Url) -> Option<String> {
    let rel = |l: &Element| {
        l.attr("rel")
            .map_or("alternate".to_owned(), |r| r.trim().to_ascii_lowercase())
    };
    let resolved = |l: &Element| {
        let link_base = element_base(l, base);
        link_target(l).and_then(|h| absolute(&h, &link_base))
    };
    let alternates: Vec<&Element> = links
        .iter()
        .copied()
        .filter(|l| rel(l) == "alternate" && link_target(l).is_some())
        .collect();
    let html = alternates
        .iter()
        .copied()
        .find(|l| l.attr("type").is_some_and(|t| t.contains("html")));
    if let Some(found) = html
        .or_else(|| alternates.first().copied())
        .and_then(resolved)
    {
        return Some(found);
    }
    links
        .iter()
        .copied()
        .filter(|l| {
            ![
                "self",
                "enclosure",
                "hub",
                "replies",
                "edit",
                "license",
                "via",
                "related",
            ]
            .contains(&rel(l).as_str())
        })
        .find_map(resolved)
}
