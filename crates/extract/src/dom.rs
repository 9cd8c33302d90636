//! The compact page tree the extractor works on.
//!
//! Markup that is never read is cut first ([`crate::unread_markup`]), the rest is parsed with
//! html5ever into [`crate::parse_tree`], and its nodes are moved (names, attributes and text are
//! not copied) into a flat arena in document order, leaving out what never carries article text
//! (scripts, styles, embeds, form controls, comments). While moving, the head facts that metadata extraction needs are collected
//! (`<title>`, `<meta>`, `<link rel=canonical>`, JSON-LD blocks, `<html lang>`). Nesting deeper
//! than [`MAX_DEPTH`] is flattened and the arena stops growing at [`MAX_NODES`], so every later
//! pass is linear and may recurse safely.

use html5ever::tendril::StrTendril;
use html5ever::{Attribute, LocalName, local_name};

use crate::parse_tree::{self, Handle, ParsedData, ParsedTree, attr_value, is_dropped_tag};
use crate::unread_markup::strip_unread_markup;

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
        tag: LocalName,
        attrs: Vec<Attribute>,
    },
    Text(StrTendril),
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
            NodeData::Element { attrs, .. } => attr_value(attrs, name),
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

impl Dom {
    /// Parses `html` and builds the arena.
    pub fn parse(html: &str) -> Dom {
        let bounded = &html[..nesting_bounded_len(html)];
        let mut tree = parse_tree::parse_document(&strip_unread_markup(bounded));
        let mut nodes = Vec::with_capacity(tree.nodes.len());
        nodes.push(Node {
            parent: None,
            children: Vec::new(),
            data: NodeData::Document,
        });
        let mut dom = Dom {
            nodes,
            head: HeadFacts::default(),
        };
        // (parsed node, arena parent, depth)
        let mut stack: Vec<(Handle, NodeId, usize)> = Vec::new();
        push_children(&tree, 0, 0, 1, &mut stack);
        while let Some((handle, parent, depth)) = stack.pop() {
            if dom.nodes.len() >= MAX_NODES {
                break;
            }
            let data = std::mem::replace(&mut tree.nodes[handle].data, ParsedData::Other);
            match data {
                ParsedData::Text(text) => {
                    let last = dom.nodes[parent].children.last().copied();
                    if let Some(NodeData::Text(prev)) = last.map(|last| &mut dom.nodes[last].data) {
                        prev.push_tendril(&text);
                    } else {
                        dom.push(parent, NodeData::Text(text));
                    }
                }
                ParsedData::Element { name, attrs, .. } => {
                    let tag = name.local;
                    if is_dropped_tag(&tag) {
                        dom.head.note(&tree, &tag, &attrs, handle);
                        continue;
                    }
                    if tag == local_name!("html")
                        && let Some(lang) =
                            attr_value(&attrs, "lang").or(attr_value(&attrs, "xml:lang"))
                    {
                        dom.head.html_lang = Some(lang.trim().to_string());
                    }
                    let (id, child_depth) = if depth >= MAX_DEPTH {
                        (parent, depth)
                    } else {
                        let id = dom.push(parent, NodeData::Element { tag, attrs });
                        (id, depth + 1)
                    };
                    push_children(&tree, handle, id, child_depth, &mut stack);
                }
                ParsedData::Document | ParsedData::Other => {}
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
    for i in memchr::memchr_iter(b'<', bytes) {
        let Some(&next) = bytes.get(i + 1) else {
            break;
        };
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
    html.len()
}

fn is_void(name: &[u8]) -> bool {
    const VOID: [&[u8]; 14] = [
        b"area", b"base", b"br", b"col", b"embed", b"hr", b"img", b"input", b"link", b"meta",
        b"source", b"track", b"wbr", b"p",
    ];
    VOID.iter().any(|v| v.eq_ignore_ascii_case(name))
}

/// Stacks the children of `handle` (last first, so they pop in document order).
fn push_children(
    tree: &ParsedTree,
    handle: Handle,
    arena_parent: NodeId,
    depth: usize,
    stack: &mut Vec<(Handle, NodeId, usize)>,
) {
    let mut child = tree.nodes[handle].last_child;
    while let Some(c) = child {
        stack.push((c, arena_parent, depth));
        child = tree.nodes[c].prev_sibling;
    }
}

impl HeadFacts {
    fn note(&mut self, tree: &ParsedTree, tag: &LocalName, attrs: &[Attribute], handle: Handle) {
        let attr = |name: &str| attr_value(attrs, name);
        match *tag {
            local_name!("meta") => {
                let content = attr("content").or(attr("value"));
                let key = attr("property")
                    .or(attr("name"))
                    .or(attr("itemprop"))
                    .or(attr("http-equiv"));
                if let (Some(key), Some(content)) = (key, content) {
                    // `property` may hold several space-separated names.
                    for name in key.split_whitespace() {
                        self.metas
                            .push((name.to_ascii_lowercase(), content.to_string()));
                    }
                }
            }
            local_name!("link") => {
                let is_canonical = attr("rel").is_some_and(|rel| {
                    rel.split_whitespace()
                        .any(|r| r.eq_ignore_ascii_case("canonical"))
                });
                if is_canonical && self.canonical.is_none() {
                    self.canonical = attr("href").map(|href| href.trim().to_string());
                }
            }
            local_name!("base") if self.base_href.is_none() => {
                self.base_href = attr("href").map(|href| href.trim().to_string());
            }
            local_name!("title") if self.title.is_none() => {
                let text = tree.all_text(handle);
                if !text.trim().is_empty() {
                    self.title = Some(text);
                }
            }
            local_name!("script") => {
                let is_ld = attr("type")
                    .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"));
                if is_ld {
                    self.json_ld.push(tree.all_text(handle));
                }
            }
            local_name!("head") => {
                // The head is dropped from the arena, but its children still carry facts.
                let mut child = tree.nodes[handle].first_child;
                while let Some(c) = child {
                    if let ParsedData::Element { name, attrs, .. } = &tree.nodes[c].data {
                        self.note(tree, &name.local, attrs, c);
                    }
                    child = tree.nodes[c].next_sibling;
                }
            }
            _ => {}
        }
    }
}
