//! Owns reading RSS 0.9x, 1.0 (RDF) and 2.0 element trees, in whatever
//! namespace the publisher put the core elements, into a [`ParsedFeed`].

use url::Url;

use super::dates::parse_date;
use super::entry_builder::{
    EntryBuilder, Vocabulary, absolute, element_base, push_author, push_unique, set_once,
    vocabulary,
};
use super::markup::{TextValue, rss_html, rss_text};
use super::xml_tree::Element;
use super::{FeedFormat, ParsedFeed};

const RDF_NS: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";

/// `root` is `<rss>` or `<rdf:RDF>` (or a bare `<channel>`).
pub fn read(root: &Element, base: &Url) -> ParsedFeed {
    let base = element_base(root, base);
    let channel = if root.name.eq_ignore_ascii_case("channel") {
        Some(root)
    } else {
        root.elements()
            .find(|e| e.name.eq_ignore_ascii_case("channel"))
    };
    // The channel's namespace is the feed's "core" namespace (none for RSS
    // 2.0, the RSS 1.0 or 0.90 namespace for RDF, anything for the rest).
    let core_ns = channel.map_or(root.ns.as_str(), |c| c.ns.as_str());
    let is_core = |e: &Element| e.ns.is_empty() || e.ns == core_ns;
    let channel_base = channel.map_or(base.clone(), |c| element_base(c, &base));

    let mut title: Option<TextValue> = None;
    let mut fallback_title: Option<TextValue> = None;
    let mut link: Option<String> = None;
    let mut atom_link: Option<String> = None;
    for child in channel.into_iter().flat_map(Element::elements) {
        let name = child.name.to_ascii_lowercase();
        match (is_core(child), vocabulary(&child.ns), name.as_str()) {
            (true, _, "title") => set_once(&mut title, rss_text(child)),
            (true, _, "link") if link.is_none() => {
                link = absolute(&child.text(), &channel_base);
            }
            (false, Vocabulary::DublinCore, "title") => {
                set_once(&mut fallback_title, rss_text(child));
            }
            (false, Vocabulary::Atom, "link") if atom_link.is_none() => {
                let rel = child.attr("rel").map_or("alternate", str::trim);
                if rel.eq_ignore_ascii_case("alternate") {
                    atom_link = child.attr("href").and_then(|h| absolute(h, &channel_base));
                }
            }
            _ => {}
        }
    }
    // RSS 1.0 puts items beside the channel, RSS 2.0 inside it.
    let beside_channel = root
        .elements()
        .filter(|_| !channel.is_some_and(|c| std::ptr::eq(c, root)));
    let items = channel
        .into_iter()
        .flat_map(Element::elements)
        .chain(beside_channel)
        .filter(|e| is_core(e) && e.name.eq_ignore_ascii_case("item"));
    let entries = items
        .map(|item| read_item(item, &is_core, &channel_base))
        .collect();
    ParsedFeed {
        format: FeedFormat::Rss,
        title: title
            .and_then(TextValue::into_plain)
            .or_else(|| fallback_title.and_then(TextValue::into_plain)),
        site_url: link.or(atom_link).or_else(|| {
            channel
                .and_then(|c| c.attr("href"))
                .and_then(|h| absolute(h, &channel_base))
        }),
        entries,
        notes: Default::default(),
    }
}

fn read_item(item: &Element, is_core: &dyn Fn(&Element) -> bool, base: &Url) -> super::FeedEntry {
    let base = element_base(item, base);
    let mut entry = EntryBuilder::default();
    let mut link: Option<String> = None;
    let mut atom_link: Option<String> = None;
    let mut guid_is_link = false;
    for child in item.elements() {
        let name = child.name.to_ascii_lowercase();
        if !is_core(child) {
            if vocabulary(&child.ns) == Vocabulary::Atom {
                read_atom_extension(child, &name, &mut entry, &mut atom_link, &base);
            } else {
                entry.extension(child, &base);
            }
            continue;
        }
        match name.as_str() {
            "title" => set_once(&mut entry.title, rss_text(child)),
            "link" if link.is_none() => link = absolute(&child.text(), &base),
            "guid" if entry.guid.is_none() => {
                let text = child.text().trim().to_owned();
                guid_is_link = !child
                    .attr("isPermaLink")
                    .is_some_and(|p| p.trim().eq_ignore_ascii_case("false"));
                entry.guid = Some(text).filter(|g| !g.is_empty());
            }
            "description" | "abstract" => set_once(&mut entry.summary, rss_html(child)),
            "fullitem" | "body" => set_once(&mut entry.content, rss_html(child)),
            "pubdate" if entry.published.is_none() => entry.published = parse_date(&child.text()),
            "author" => push_author(&mut entry.authors, &child.text()),
            "category" => push_unique(&mut entry.categories, &child.text()),
            "enclosure" => entry.enclosure(child.attr("url"), child.attr("type"), &base),
            _ => {}
        }
    }
    // CDF (Microsoft's Channel Definition Format) puts links and dates in
    // attributes.
    if link.is_none() {
        link = item.attr("href").and_then(|h| absolute(h, &base));
    }
    if entry.updated.is_none() {
        entry.updated = item.attr("lastmod").and_then(parse_date);
    }
    // An RSS 1.0 item's `rdf:about` is its URI: the id, and the page when
    // no link is given.
    if entry.guid.is_none() {
        entry.guid = item
            .attr_ns(RDF_NS, "about")
            .map(|about| about.trim().to_owned());
        guid_is_link = entry.guid.is_some();
    }
    entry.url = link.or(atom_link).or_else(|| {
        entry
            .guid
            .as_deref()
            .filter(|g| guid_is_link && super::looks_like_web_url(g))
            .map(str::to_owned)
    });
    entry.finish(&base)
}

/// Atom elements used inside RSS items (`atom:link`, dates, summary).
fn read_atom_extension(
    child: &Element,
    name: &str,
    entry: &mut EntryBuilder,
    atom_link: &mut Option<String>,
    base: &Url,
) {
    match name {
        "link" if atom_link.is_none() => {
            let rel = child.attr("rel").map_or("alternate", str::trim);
            if rel.eq_ignore_ascii_case("alternate") {
                *atom_link = child.attr("href").and_then(|h| absolute(h, base));
            }
        }
        "updated" | "modified" if entry.updated.is_none() => {
            entry.updated = parse_date(&child.text());
        }
        "published" | "issued" if entry.published.is_none() => {
            entry.published = parse_date(&child.text());
        }
        "summary" | "content" => {
            if let Some(value) = super::markup::atom_text(child) {
                let slot = if name == "summary" {
                    &mut entry.summary
                } else {
                    &mut entry.content
                };
                set_once(slot, value);
            }
        }
        "author" => {
            let name = child
                .elements()
                .find(|e| e.name == "name")
                .map(Element::text)
                .unwrap_or_else(|| child.text());
            push_author(&mut entry.authors, &name);
        }
        _ => {}
    }
}
