//! The compact page tree the extractor works on.
//!
//! The HTML is parsed with html5ever (through scraper) and copied into a flat arena in document
//! order, leaving out what never carries article text (scripts, styles, embeds, form controls,
//! comments). While copying, the head facts that metadata extraction needs are collected
//! (`<title>`, `<meta>`, `<link rel=canonical>`, JSON-LD blocks, `<html lang>`). Nesting deeper
//! than [`MAX_DEPTH`] is flattened and the arena stops growing at [`MAX_NODES`], so every later
//! pass is linear and may recurse safely.

use ego_tree::NodeRef;
use scraper::{Html, Node as ParsedNode};

/// Deepest nesting kept; deeper elements are attached to their ancestor at this depth.
pub const MAX_DEPTH: usize = 120;
/// Most nodes copied from one page.
pub const MAX_NODES: usize = 250_000;

/// Index of a node in [`Dom::nodes`].
pub type NodeId = usize;

/// What a node is.
#[derive(Debug)]
pub enum NodeData {
    Document,
    Element {
        tag: String,
        attrs: Vec<(String, String)>,
    },
    Text(String),
}

/// One node of the arena.
#[derive(Debug)]
pub struct Node {
    pub parent: Option<NodeId>,
    pub children: Vec<NodeId>,
    pub data: NodeData,
}

impl Node {
    /// The lower-case tag name, or "" for text and the document.
    pub fn tag(&self) -> &str {
        match &self.data {
            NodeData::Element { tag, .. } => tag,
            _ => "",
        }
    }

    pub fn attr(&self, name: &str) -> Option<&str> {
        match &self.data {
            NodeData::Element { attrs, .. } => attrs
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.as_str()),
            _ => None,
        }
    }
}

/// Facts read from the whole page while building the arena.
#[derive(Debug, Default)]
pub struct HeadFacts {
    pub title: Option<String>,
    pub html_lang: Option<String>,
    /// `(key, content)` with key the lower-cased `property`, `name`, `itemprop` or `http-equiv`.
    pub metas: Vec<(String, String)>,
    pub canonical: Option<String>,
    pub base_href: Option<String>,
    pub json_ld: Vec<String>,
}

impl HeadFacts {
    /// First non-empty meta content for any of `keys`, in the order of `keys`.
    pub fn meta(&self, keys: &[&str]) -> Option<&str> {
        keys.iter().find_map(|key| {
            self.metas
                .iter()
                .find(|(k, v)| k == key && !v.trim().is_empty())
                .map(|(_, v)| v.trim())
        })
    }
}

/// The arena plus head facts.
#[derive(Debug)]
pub struct Dom {
    pub nodes: Vec<Node>,
    pub head: HeadFacts,
}

/// Tags whose whole subtree is left out of the arena.
fn is_dropped_tag(tag: &str) -> bool {
    matches!(
        tag,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "svg"
            | "math"
            | "iframe"
            | "object"
            | "embed"
            | "canvas"
            | "button"
            | "input"
            | "select"
            | "textarea"
            | "option"
            | "link"
            | "meta"
            | "title"
            | "base"
            | "head"
            | "video"
            | "audio"
            | "dialog"
    )
}

impl Dom {
    /// Parses `html` and builds the arena.
    pub fn parse(html: &str) -> Dom {
        let parsed = Html::parse_document(&html[..nesting_bounded_len(html)]);
        let mut dom = Dom {
            nodes: vec![Node {
                parent: None,
                children: Vec::new(),
                data: NodeData::Document,
            }],
            head: HeadFacts::default(),
        };
        // (parsed node, arena parent, depth)
        let mut stack: Vec<(NodeRef<'_, ParsedNode>, NodeId, usize)> = parsed
            .tree
            .root()
            .children()
            .rev()
            .map(|child| (child, 0, 1))
            .collect();
        while let Some((node, parent, depth)) = stack.pop() {
            if dom.nodes.len() >= MAX_NODES {
                break;
            }
            match node.value() {
                ParsedNode::Text(text) => {
                    let last = dom.nodes[parent].children.last().copied();
                    if let Some(NodeData::Text(prev)) = last.map(|last| &mut dom.nodes[last].data) {
                        prev.push_str(&text.text);
                    } else {
                        dom.push(parent, NodeData::Text(text.text.to_string()));
                    }
                }
                ParsedNode::Element(element) => {
                    let tag = element.name();
                    if is_dropped_tag(tag) {
                        dom.head.note(tag, element, node);
                        continue;
                    }
                    if tag == "html"
                        && let Some(lang) = element.attr("lang").or(element.attr("xml:lang"))
                    {
                        dom.head.html_lang = Some(lang.trim().to_string());
                    }
                    let attrs = element
                        .attrs()
                        .filter(|(key, _)| !key.starts_with("on"))
                        .map(|(key, value)| (key.to_ascii_lowercase(), value.to_string()))
                        .collect();
                    let (id, child_depth) = if depth >= MAX_DEPTH {
                        (parent, depth)
                    } else {
                        let id = dom.push(
                            parent,
                            NodeData::Element {
                                tag: tag.to_ascii_lowercase(),
                                attrs,
                            },
                        );
                        (id, depth + 1)
                    };
                    for child in node.children().rev() {
                        stack.push((child, id, child_depth));
                    }
                }
                _ => {}
            }
        }
        dom
    }

    fn push(&mut self, parent: NodeId, data: NodeData) -> NodeId {
        let id = self.nodes.len();
        self.nodes.push(Node {
            parent: Some(parent),
            children: Vec::new(),
            data,
        });
        self.nodes[parent].children.push(id);
        id
    }

    /// The first element with tag `tag` in document order.
    pub fn find_tag(&self, tag: &str) -> Option<NodeId> {
        self.nodes.iter().position(|node| node.tag() == tag)
    }

    /// Whether `ancestor` is `node` or one of its ancestors.
    pub fn is_within(&self, node: NodeId, ancestor: NodeId) -> bool {
        let mut current = Some(node);
        while let Some(id) = current {
            if id == ancestor {
                return true;
            }
            current = self.nodes[id].parent;
        }
        false
    }
}

/// Net open tags beyond which the rest of the page is not parsed: html5ever's tree builder
/// scans its stack of open elements per tag, which is quadratic on absurdly deep nesting.
const MAX_OPEN_TAGS: i64 = 3000;

/// Length of the prefix of `html` whose approximate tag nesting stays under [`MAX_OPEN_TAGS`].
fn nesting_bounded_len(html: &str) -> usize {
    let bytes = html.as_bytes();
    let mut depth = 0i64;
    let mut i = 0;
    while i + 1 < bytes.len() {
        if bytes[i] == b'<' {
            let next = bytes[i + 1];
            if next == b'/' {
                depth -= 1;
            } else if next.is_ascii_alphabetic() {
                let name_end = bytes[i + 1..]
                    .iter()
                    .position(|b| !b.is_ascii_alphanumeric())
                    .map_or(bytes.len(), |p| i + 1 + p);
                let name = &bytes[i + 1..name_end];
                if !is_void(name) {
                    depth += 1;
                    if depth > MAX_OPEN_TAGS {
                        return i;
                    }
                }
            }
        }
        i += 1;
    }
    html.len()
}

fn is_void(name: &[u8]) -> bool {
    const VOID: [&[u8]; 14] = [
        b"area", b"base", b"br", b"col", b"embed", b"hr", b"img", b"input", b"link", b"meta",
        b"source", b"track", b"wbr", b"p",
    ];
    VOID.iter().any(|v| v.eq_ignore_ascii_case(name))
}

fn all_text(node: NodeRef<'_, ParsedNode>) -> String {
    let mut text = String::new();
    for descendant in node.descendants() {
        if let ParsedNode::Text(chunk) = descendant.value() {
            text.push_str(&chunk.text);
        }
    }
    text
}

impl HeadFacts {
    fn note(&mut self, tag: &str, element: &scraper::node::Element, node: NodeRef<'_, ParsedNode>) {
        match tag {
            "meta" => {
                let content = element.attr("content").or(element.attr("value"));
                let key = element
                    .attr("property")
                    .or(element.attr("name"))
                    .or(element.attr("itemprop"))
                    .or(element.attr("http-equiv"));
                if let (Some(key), Some(content)) = (key, content) {
                    // `property` may hold several space-separated names.
                    for name in key.split_whitespace() {
                        self.metas
                            .push((name.to_ascii_lowercase(), content.to_string()));
                    }
                }
            }
            "link" => {
                let is_canonical = element.attr("rel").is_some_and(|rel| {
                    rel.split_whitespace()
                        .any(|r| r.eq_ignore_ascii_case("canonical"))
                });
                if is_canonical && self.canonical.is_none() {
                    self.canonical = element.attr("href").map(|href| href.trim().to_string());
                }
            }
            "base" if self.base_href.is_none() => {
                self.base_href = element.attr("href").map(|href| href.trim().to_string());
            }
            "title" if self.title.is_none() => {
                let text = all_text(node);
                if !text.trim().is_empty() {
                    self.title = Some(text);
                }
            }
            "script" => {
                let is_ld = element
                    .attr("type")
                    .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"));
                if is_ld {
                    self.json_ld.push(all_text(node));
                }
            }
            "head" => {
                // The head is dropped from the arena, but its children still carry facts.
                for child in node.children() {
                    if let ParsedNode::Element(child_element) = child.value() {
                        self.note(child_element.name(), child_element, child);
                    }
                }
            }
            _ => {}
        }
    }
}
