//! Owns reading (repaired) XML text into a small namespace-resolved element
//! tree, and writing element content back out as markup. Feeds are small,
//! so a tree keeps the RSS and Atom readers simple and order-independent.

use std::collections::HashMap;
use std::sync::LazyLock;

use quick_xml::NsReader;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::name::ResolveResult;
use regex::Regex;

/// The XML namespace, which binds `xml:base` and `xml:lang`.
pub const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";
pub const XHTML_NS: &str = "http://www.w3.org/1999/xhtml";

#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Element(Element),
    Text(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    /// Namespace URI, empty when unqualified.
    pub ns: String,
    pub name: String,
    /// The name as written, with its prefix.
    pub qname: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Element {
    /// Namespace URI, empty when the element is in no namespace.
    pub ns: String,
    /// Local name, without prefix.
    pub name: String,
    /// The name as written, with its prefix.
    pub qname: String,
    pub attrs: Vec<Attribute>,
    pub children: Vec<Node>,
}

impl Element {
    /// The value of an unqualified attribute (matched case-insensitively).
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.ns.is_empty() && a.name.eq_ignore_ascii_case(name))
            .map(|a| a.value.as_str())
    }

    /// The value of a namespaced attribute.
    pub fn attr_ns(&self, ns: &str, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.ns == ns && a.name == name)
            .map(|a| a.value.as_str())
    }

    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    pub fn has_element_children(&self) -> bool {
        self.elements().next().is_some()
    }

    /// All descendant text, concatenated.
    pub fn text(&self) -> String {
        let mut out = String::new();
        collect_text(self, &mut out);
        out
    }

    /// The children written back out as markup (text escaped).
    pub fn inner_xml(&self) -> String {
        let mut out = String::new();
        for child in &self.children {
            write_node(child, XHTML_NS, &mut out);
        }
        out
    }
}

fn collect_text(element: &Element, out: &mut String) {
    for child in &element.children {
        match child {
            Node::Text(t) => out.push_str(t),
            Node::Element(e) => collect_text(e, out),
        }
    }
}

const VOID_HTML: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// Writes a node as HTML-compatible markup: element names lose their
/// prefixes, namespace declarations are dropped, and an embedded SVG or
/// MathML root states its namespace with `xmlns`.
fn write_node(node: &Node, parent_ns: &str, out: &mut String) {
    match node {
        Node::Text(t) => escape_into(t, false, out),
        Node::Element(e) => {
            let html = e.ns.is_empty() || e.ns == XHTML_NS;
            out.push('<');
            out.push_str(&e.name);
            if !html && e.ns != parent_ns {
                out.push_str(" xmlns=\"");
                escape_into(&e.ns, true, out);
                out.push('"');
            }
            for attr in &e.attrs {
                if attr.qname == "xmlns" || attr.qname.starts_with("xmlns:") {
                    continue;
                }
                out.push(' ');
                out.push_str(&attr.qname);
                out.push_str("=\"");
                escape_into(&attr.value, true, out);
                out.push('"');
            }
            let void = html && VOID_HTML.contains(&e.name.to_ascii_lowercase().as_str());
            if e.children.is_empty() && (void || !html) {
                out.push_str(" />");
                return;
            }
            out.push('>');
            for child in &e.children {
                write_node(child, &e.ns, out);
            }
            out.push_str("</");
            out.push_str(&e.name);
            out.push('>');
        }
    }
}

fn escape_into(text: &str, attribute: bool, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
}

/// Why the text could not be read as an element tree.
#[derive(Debug, thiserror::Error)]
pub enum TreeError {
    #[error("{0}")]
    Xml(String),
    #[error("no root element")]
    NoRoot,
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

/// Parses the document. An end tag closes the nearest open element of
/// that name, closing any left open inside it (an unclosed `<p>` or
/// `<itunes:category>`); an end tag matching no open element, or a
/// document cut off inside an item, is an error.
pub fn parse(xml: &str) -> Result<Element, TreeError> {
    let entities = declared_entities(xml);
    let mut reader = NsReader::from_str(xml);
    reader.config_mut().allow_dangling_amp = true;
    reader.config_mut().check_end_names = false;
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let (ns, event) = match reader.read_resolved_event() {
            Ok((ns, event)) => (namespace_uri(&ns), event),
            Err(e) => return Err(TreeError::Xml(e.to_string())),
        };
        match event {
            Event::Start(start) => {
                let element = start_element(&reader, ns, &start, &entities);
                stack.push(element);
            }
            Event::Empty(start) => {
                let element = start_element(&reader, ns, &start, &entities);
                attach(&mut stack, &mut root, element);
            }
            Event::End(end) => {
                let name = String::from_utf8_lossy(end.name().as_ref()).into_owned();
                close_element(&mut stack, &mut root, &name)?;
            }
            Event::Text(text) => {
                let decoded = text.decode().map_err(|e| TreeError::Xml(e.to_string()))?;
                push_text(&mut stack, &decoded);
            }
            Event::CData(data) => {
                let decoded = data.decode().map_err(|e| TreeError::Xml(e.to_string()))?;
                push_text(&mut stack, &decoded);
            }
            Event::GeneralRef(reference) => {
                let resolved = resolve_reference(&reference, &entities);
                push_text(&mut stack, &resolved);
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
        if root.is_some() && stack.is_empty() {
            break;
        }
    }
    // A document cut off after its last item (only the root and channel
    // left open) is complete enough to read; one cut inside an item is not.
    if let Some(open) = stack.last()
        && stack.len() > 2
    {
        return Err(TreeError::Xml(format!(
            "document ends before <{}> is closed",
            open.qname
        )));
    }
    while let Some(element) = stack.pop() {
        attach(&mut stack, &mut root, element);
    }
    root.ok_or(TreeError::NoRoot)
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

fn start_element(
    reader: &NsReader<&[u8]>,
    ns: String,
    start: &BytesStart<'_>,
    entities: &HashMap<String, String>,
) -> Element {
    let qname = String::from_utf8_lossy(start.name().as_ref()).into_owned();
    let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
    let attrs = start
        .attributes()
        .with_checks(false)
        .flatten()
        .map(|attr| {
            let (attr_ns, local) = reader.resolve_attribute(attr.key);
            let value = attr
                .unescape_value_with(|name| {
                    entities
                        .get(name)
                        .map(String::as_str)
                        .or_else(|| resolve_predefined_entity(name))
                })
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| String::from_utf8_lossy(&attr.value).into_owned());
            Attribute {
                ns: namespace_uri(&attr_ns),
                name: String::from_utf8_lossy(local.as_ref()).into_owned(),
                qname: String::from_utf8_lossy(attr.key.as_ref()).into_owned(),
                value,
            }
        })
        .collect();
    Element {
        ns,
        name,
        qname,
        attrs,
        children: Vec::new(),
    }
}

fn resolve_reference(reference: &BytesRef<'_>, entities: &HashMap<String, String>) -> String {
    if let Ok(Some(c)) = reference.resolve_char_ref() {
        return c.to_string();
    }
    let name = reference
        .decode()
        .map(|n| n.into_owned())
        .unwrap_or_default();
    match name.as_str() {
        "amp" => "&".to_owned(),
        "lt" => "<".to_owned(),
        "gt" => ">".to_owned(),
        "quot" => "\"".to_owned(),
        "apos" => "'".to_owned(),
        other => entities
            .get(other)
            .cloned()
            .or_else(|| super::html_entities::lookup(other).map(String::from))
            .unwrap_or_else(|| format!("&{other};")),
    }
}

fn close_element(
    stack: &mut Vec<Element>,
    root: &mut Option<Element>,
    name: &str,
) -> Result<(), TreeError> {
    let Some(position) = stack.iter().rposition(|e| e.qname == name) else {
        return Err(TreeError::Xml(format!(
            "end tag </{name}> does not match any open element"
        )));
    };
    while stack.len() > position {
        if let Some(element) = stack.pop() {
            attach(stack, root, element);
        }
    }
    Ok(())
}

fn push_text(stack: &mut [Element], text: &str) {
    let Some(top) = stack.last_mut() else {
        return;
    };
    if let Some(Node::Text(last)) = top.children.last_mut() {
        last.push_str(text);
    } else {
        top.children.push(Node::Text(text.to_owned()));
    }
}

fn attach(stack: &mut [Element], root: &mut Option<Element>, element: Element) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(Node::Element(element)),
        None => {
            if root.is_none() {
                *root = Some(element);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_namespaces_and_entities() {
        let doc = "<!DOCTYPE x [<!ENTITY id \"tag:a,\">]><a:feed xmlns:a=\"urn:a\" xml:base=\"http://x/\">\
            <a:t k=\"&#x41;&amp;\">&id;1 &amp; <![CDATA[<b>]]></a:t><a:open>text</a:open></a:feed>";
        let root = parse(doc).expect("tree");
        assert_eq!((root.ns.as_str(), root.name.as_str()), ("urn:a", "feed"));
        assert_eq!(root.attr_ns(XML_NS, "base"), Some("http://x/"));
        let t = root.elements().next().expect("t");
        assert_eq!(t.attr("k"), Some("A&"));
        assert_eq!(t.text(), "tag:a,1 & <b>");
        assert_eq!(
            root.elements().nth(1).map(Element::text).as_deref(),
            Some("text")
        );
        let undeclared =
            parse("<rss><dc:creator>a</dc:creator><x:title>b</x:title></rss>").expect("tree");
        let namespaces: Vec<_> = undeclared.elements().map(|e| e.ns.as_str()).collect();
        assert_eq!(
            namespaces,
            ["http://purl.org/dc/elements/1.1/", "undeclared:x"]
        );
    }

    #[test]
    fn writes_markup_back_out() {
        let root = parse("<d xmlns=\"http://www.w3.org/1999/xhtml\"><p class=\"a&amp;b\">x &lt; y<br/></p><div/></d>")
            .expect("tree");
        assert_eq!(
            root.inner_xml(),
            "<p class=\"a&amp;b\">x &lt; y<br /></p><div></div>"
        );
    }

    #[test]
    fn recovers_unclosed_elements_and_a_missing_root_end() {
        let root = parse("<rss><channel><item><p>a<br></item><title>t</title></channel>")
            .expect("recovered");
        let channel = root.elements().next().expect("channel");
        let names: Vec<_> = channel.elements().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["item", "title"]);
    }

    #[test]
    fn stray_end_tags_and_truncated_items_are_errors() {
        assert!(parse("<a><b></c></a>").is_err());
        let err = parse("<rss><channel><title>oops").expect_err("truncated");
        assert!(err.to_string().contains("<title>"), "{err}");
    }
}
