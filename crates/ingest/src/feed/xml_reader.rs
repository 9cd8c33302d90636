//! Owns reading (repaired) XML text into the element tree of `xml_tree`,
//! within the [`FeedLimits`]: elements nested deeper than the limit, or
//! beyond the element count, are flattened (tags dropped, text kept);
//! entries beyond the per-feed count are skipped unread; attributes beyond
//! the per-element count are dropped; declared entities may stand for a
//! bounded text and expand to a bounded total, and markup may nest at most
//! 50,000 deep, else the document is refused.
//! What was dropped is counted in [`Notes`].

use std::collections::HashMap;
use std::sync::LazyLock;

use quick_xml::NsReader;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::name::ResolveResult;
use regex::Regex;

use super::limits::{self, FeedLimits, Notes};
use super::xml_tree::{Attribute, Element, Node, XHTML_NS};

/// Why the text could not be read as an element tree.
#[derive(Debug, thiserror::Error)]
pub enum TreeError {
    #[error("{0}")]
    Xml(String),
    #[error("no root element")]
    NoRoot,
    /// A limit that cannot be met by dropping part of the document.
    #[error("{0}")]
    Limit(String),
}

static ENTITY_DECL: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r#"<!ENTITY\s+([A-Za-z_][\w.-]*)\s+(?:"([^"]*)"|'([^']*)')\s*>"#).ok()
});

/// Entities declared in a DOCTYPE's internal subset (`<!ENTITY id "...">`).
pub fn declared_entities(xml: &str) -> HashMap<String, String> {
    let Some(re) = ENTITY_DECL.as_ref() else {
        return HashMap::new();
    };
    let head_end = xml.find("]>").map_or(0, |i| i + 2);
    re.captures_iter(&xml[..head_end])
        .filter_map(|c| {
            let value = c.get(2).or_else(|| c.get(3))?.as_str();
            Some((c[1].to_owned(), value.to_owned()))
        })
        .collect()
}

/// Open elements beyond which a document is refused rather than flattened: quick-xml's
/// namespace resolver counts nesting in 16 bits.
const MAX_RAW_DEPTH: usize = 50_000;

/// [`parse_with`] under the default limits, without the notes.
#[cfg(test)]
pub fn parse(xml: &str) -> Result<Element, TreeError> {
    parse_with(xml, &FeedLimits::default()).map(|(root, _)| root)
}

/// Parses the document. An end tag closes the nearest open element of
/// that name, closing any left open inside it (an unclosed `<p>` or
/// `<itunes:category>`); an end tag matching no open element, or a
/// document cut off inside an item, is an error.
pub fn parse_with(xml: &str, limits: &FeedLimits) -> Result<(Element, Notes), TreeError> {
    let entities = declared_entities(xml);
    if let Some((name, value)) = entities
        .iter()
        .find(|(_, value)| value.chars().count() > limits.max_entity_chars)
    {
        return Err(TreeError::Limit(format!(
            "entity &{name}; stands for {} characters, more than the {} allowed",
            value.chars().count(),
            limits.max_entity_chars
        )));
    }
    let mut reader = NsReader::from_str(xml);
    reader.config_mut().allow_dangling_amp = true;
    reader.config_mut().check_end_names = false;
    // Start tags open minus end tags, as the namespace resolver counts them.
    let mut raw_depth = 0usize;
    let mut tree = Builder {
        limits,
        entities: &entities,
        stack: Vec::new(),
        root: None,
        skipped: Vec::new(),
        live: 0,
        entries: 0,
        expanded: 0,
        notes: Notes::default(),
    };
    loop {
        let (ns, event) = match reader.read_resolved_event() {
            Ok((ns, event)) => (namespace_uri(&ns), event),
            Err(e) => return Err(TreeError::Xml(e.to_string())),
        };
        match event {
            Event::Start(start) => {
                raw_depth += 1;
                if raw_depth > MAX_RAW_DEPTH {
                    return Err(TreeError::Limit(format!(
                        "elements nested more than {MAX_RAW_DEPTH} deep"
                    )));
                }
                if let Some(element) = tree.admit(&reader, ns, &start, true)? {
                    tree.stack.push(element);
                }
            }
            Event::Empty(start) => {
                if let Some(element) = tree.admit(&reader, ns, &start, false)? {
                    tree.attach(element);
                }
            }
            Event::End(end) => {
                raw_depth = raw_depth.saturating_sub(1);
                let name = String::from_utf8_lossy(end.name().as_ref()).into_owned();
                tree.close(&name)?;
            }
            Event::Text(text) if !tree.discarding() => {
                let decoded = text.decode().map_err(|e| TreeError::Xml(e.to_string()))?;
                tree.push_text(&decoded);
            }
            Event::CData(data) if !tree.discarding() => {
                let decoded = data.decode().map_err(|e| TreeError::Xml(e.to_string()))?;
                tree.push_text(&decoded);
            }
            Event::GeneralRef(reference) if !tree.discarding() => {
                let resolved = tree.resolve_reference(&reference)?;
                tree.push_text(&resolved);
            }
            Event::Eof => break,
            _ => {}
        }
        if tree.root.is_some() && tree.stack.is_empty() {
            break;
        }
    }
    // A document cut off after its last item (only the root and channel
    // left open) is complete enough to read; one cut inside an item is not.
    if let Some(open) = tree.stack.last()
        && tree.stack.len() > 2
    {
        return Err(TreeError::Xml(format!(
            "document ends before <{}> is closed",
            open.qname
        )));
    }
    while let Some(element) = tree.stack.pop() {
        tree.attach(element);
    }
    let notes = std::mem::take(&mut tree.notes);
    tree.root
        .take()
        .map(|root| (root, notes))
        .ok_or(TreeError::NoRoot)
}

/// An element read but not kept as one.
enum Skip {
    /// Its tags are dropped, its text kept (too deep, or beyond the element count).
    Flatten,
    /// Not read at all (an entry beyond the per-feed count).
    Discard,
}

struct Builder<'a> {
    limits: &'a FeedLimits,
    entities: &'a HashMap<String, String>,
    stack: Vec<Element>,
    root: Option<Element>,
    /// Open elements that are not kept, innermost last, with their names for end tags.
    skipped: Vec<(String, Skip)>,
    /// Elements kept so far.
    live: usize,
    entries: usize,
    /// Characters declared entities expanded to so far.
    expanded: usize,
    notes: Notes,
}

impl Builder<'_> {
    fn discarding(&self) -> bool {
        matches!(self.skipped.first(), Some((_, Skip::Discard)))
    }

    /// The element to keep for a start tag, or `None` when it is skipped (and, when it has
    /// content, remembered as skipped so its end tag finds it).
    fn admit(
        &mut self,
        reader: &NsReader<&[u8]>,
        ns: String,
        start: &BytesStart<'_>,
        has_content: bool,
    ) -> Result<Option<Element>, TreeError> {
        let qname = String::from_utf8_lossy(start.name().as_ref()).into_owned();
        let skip = if !self.skipped.is_empty() {
            Some(Skip::Flatten)
        } else if self.is_entry_position(start) && self.entries >= self.limits.max_entries {
            self.notes.add(limits::EXTRA_ENTRY, 1);
            Some(Skip::Discard)
        } else if self.stack.len() >= self.limits.max_depth {
            self.notes.add(limits::DEEP_ELEMENT, 1);
            Some(Skip::Flatten)
        } else if self.live >= self.limits.max_elements {
            self.notes.add(limits::EXTRA_ELEMENT, 1);
            Some(Skip::Flatten)
        } else {
            None
        };
        if let Some(skip) = skip {
            if has_content {
                self.skipped.push((qname, skip));
            }
            return Ok(None);
        }
        if self.is_entry_position(start) {
            self.entries += 1;
        }
        self.live += 1;
        let element = self.start_element(reader, ns, qname, start)?;
        Ok(Some(element))
    }

    /// An `<item>` or `<entry>` directly inside the root or the channel.
    fn is_entry_position(&self, start: &BytesStart<'_>) -> bool {
        let local = start.local_name();
        let name = local.as_ref();
        self.stack.len() <= 2
            && !self.stack.is_empty()
            && (name.eq_ignore_ascii_case(b"item") || name.eq_ignore_ascii_case(b"entry"))
    }

    fn start_element(
        &mut self,
        reader: &NsReader<&[u8]>,
        ns: String,
        qname: String,
        start: &BytesStart<'_>,
    ) -> Result<Element, TreeError> {
        let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
        let mut attrs = Vec::new();
        let mut extra = 0;
        for attr in start.attributes().with_checks(false).flatten() {
            if attrs.len() >= self.limits.max_attributes {
                extra += 1;
                continue;
            }
            let (attr_ns, local) = reader.resolve_attribute(attr.key);
            let mut expanded = 0usize;
            let entities = self.entities;
            let value = attr
                .unescape_value_with(|name| match entities.get(name) {
                    Some(value) => {
                        expanded += value.len();
                        Some(value.as_str())
                    }
                    None => resolve_predefined_entity(name),
                })
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| String::from_utf8_lossy(&attr.value).into_owned());
            self.spend(expanded)?;
            attrs.push(Attribute {
                ns: namespace_uri(&attr_ns),
                name: String::from_utf8_lossy(local.as_ref()).into_owned(),
                qname: String::from_utf8_lossy(attr.key.as_ref()).into_owned(),
                value,
            });
        }
        self.notes.add(limits::EXTRA_ATTRIBUTE, extra);
        Ok(Element {
            ns,
            name,
            qname,
            attrs,
            children: Vec::new(),
        })
    }

    /// Counts characters expanded from declared entities against the document's budget.
    fn spend(&mut self, chars: usize) -> Result<(), TreeError> {
        self.expanded = self.expanded.saturating_add(chars);
        if self.expanded > self.limits.max_expansion_chars {
            return Err(TreeError::Limit(format!(
                "declared entities expand to more than {} characters",
                self.limits.max_expansion_chars
            )));
        }
        Ok(())
    }

    fn resolve_reference(&mut self, reference: &BytesRef<'_>) -> Result<String, TreeError> {
        if let Ok(Some(c)) = reference.resolve_char_ref() {
            return Ok(c.to_string());
        }
        let name = reference
            .decode()
            .map(|n| n.into_owned())
            .unwrap_or_default();
        Ok(match name.as_str() {
            "amp" => "&".to_owned(),
            "lt" => "<".to_owned(),
            "gt" => ">".to_owned(),
            "quot" => "\"".to_owned(),
            "apos" => "'".to_owned(),
            other => match self.entities.get(other) {
                Some(value) => {
                    self.spend(value.len())?;
                    value.clone()
                }
                None => super::html_entities::lookup(other)
                    .map(String::from)
                    .unwrap_or_else(|| format!("&{other};")),
            },
        })
    }

    fn close(&mut self, name: &str) -> Result<(), TreeError> {
        if let Some(position) = self.skipped.iter().rposition(|(n, _)| n == name) {
            self.skipped.truncate(position);
            return Ok(());
        }
        let Some(position) = self.stack.iter().rposition(|e| e.qname == name) else {
            if !self.skipped.is_empty() {
                // A stray end tag inside skipped markup is as harmless as the markup.
                return Ok(());
            }
            return Err(TreeError::Xml(format!(
                "end tag </{name}> does not match any open element"
            )));
        };
        self.skipped.clear();
        while self.stack.len() > position {
            if let Some(element) = self.stack.pop() {
                self.attach(element);
            }
        }
        Ok(())
    }

    fn push_text(&mut self, text: &str) {
        let Some(top) = self.stack.last_mut() else {
            return;
        };
        if let Some(Node::Text(last)) = top.children.last_mut() {
            last.push_str(text);
        } else {
            top.children.push(Node::Text(text.to_owned()));
        }
    }

    fn attach(&mut self, element: Element) {
        match self.stack.last_mut() {
            Some(parent) => parent.children.push(Node::Element(element)),
            None => {
                if self.root.is_none() {
                    self.root = Some(element);
                }
            }
        }
    }
}

/// The namespace URI; an undeclared prefix gets the namespace feeds
/// conventionally bind it to (`dc:`, `content:`, `media:`...), or a private
/// one so that it is never mistaken for a core element.
fn namespace_uri(ns: &ResolveResult<'_>) -> String {
    match ns {
        ResolveResult::Bound(uri) => String::from_utf8_lossy(uri.as_ref()).into_owned(),
        ResolveResult::Unbound => String::new(),
        ResolveResult::Unknown(prefix) => {
            let prefix = String::from_utf8_lossy(prefix);
            let uri = match prefix.to_ascii_lowercase().as_str() {
                "atom" => "http://www.w3.org/2005/Atom",
                "dc" => "http://purl.org/dc/elements/1.1/",
                "dcterms" => "http://purl.org/dc/terms/",
                "content" => "http://purl.org/rss/1.0/modules/content/",
                "media" => "http://search.yahoo.com/mrss/",
                "itunes" => "http://www.itunes.com/dtds/podcast-1.0.dtd",
                "rdf" => "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
                "xhtml" => XHTML_NS,
                _ => return format!("undeclared:{prefix}"),
            };
            uri.to_owned()
        }
    }
}
