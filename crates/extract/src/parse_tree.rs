//! The tree html5ever builds: an html5ever `TreeSink` that keeps nodes as linked entries of one
//! vector (parent, siblings, children), so the parser's tree repairs (moving nodes, foster
//! parenting, re-parenting) are cheap, and [`crate::dom`] can then lay the tree out in
//! document order by moving, not copying, names, attributes and text.
//!
//! Text is not kept inside elements whose text is never read (scripts other than JSON-LD,
//! styles, `<noscript>`, form controls, embeds…): those are the bulk of a modern page's bytes.

use std::borrow::Cow;
use std::cell::{Ref, RefCell};

use html5ever::interface::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::{Attribute, LocalName, QualName, local_name, ns};

/// Index of a node in [`ParsedTree::nodes`].
pub type Handle = usize;

/// What a parsed node is.
pub enum ParsedData {
    Document,
    Element {
        name: QualName,
        attrs: Vec<Attribute>,
        /// Text appended directly inside is kept.
        keeps_text: bool,
        /// The contents fragment of a `<template>`.
        template_contents: Option<Handle>,
    },
    Text(StrTendril),
    /// Comments and processing instructions: kept only as placeholders.
    Other,
}

/// One parsed node with its links.
pub struct ParsedNode {
    pub parent: Option<Handle>,
    pub first_child: Option<Handle>,
    pub last_child: Option<Handle>,
    pub prev_sibling: Option<Handle>,
    pub next_sibling: Option<Handle>,
    pub data: ParsedData,
}

/// The parsed document; node 0 is the document.
pub struct ParsedTree {
    pub nodes: Vec<ParsedNode>,
    /// Name answered for a handle that is not an element (never asked by a correct parser).
    fallback_name: QualName,
}

/// Parses a whole HTML document.
pub fn parse_document(html: &str) -> ParsedTree {
    let sink = TreeBuildingSink {
        tree: RefCell::new(ParsedTree::new(html.len())),
    };
    html5ever::parse_document(sink, Default::default()).one(StrTendril::from_slice(html))
}

/// Tags whose subtree never carries article text; see [`crate::dom`].
pub fn is_dropped_tag(tag: &LocalName) -> bool {
    matches!(
        *tag,
        local_name!("script")
            | local_name!("style")
            | local_name!("noscript")
            | local_name!("template")
            | local_name!("svg")
            | local_name!("math")
            | local_name!("iframe")
            | local_name!("object")
            | local_name!("embed")
            | local_name!("canvas")
            | local_name!("button")
            | local_name!("input")
            | local_name!("select")
            | local_name!("textarea")
            | local_name!("option")
            | local_name!("link")
            | local_name!("meta")
            | local_name!("title")
            | local_name!("base")
            | local_name!("head")
            | local_name!("video")
            | local_name!("audio")
            | local_name!("dialog")
    )
}

/// The value of attribute `name`, if present.
pub fn attr_value<'a>(attrs: &'a [Attribute], name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|attr| &*attr.name.local == name)
        .map(|attr| &*attr.value)
}

/// Whether text directly inside an element named `name` is ever read.
fn keeps_text(name: &LocalName, attrs: &[Attribute]) -> bool {
    match *name {
        local_name!("title") => true,
        local_name!("script") => attr_value(attrs, "type")
            .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json")),
        _ => !is_dropped_tag(name),
    }
}

impl ParsedTree {
    fn new(html_len: usize) -> ParsedTree {
        // About one node per 60 bytes of HTML on real pages.
        let mut nodes = Vec::with_capacity(html_len / 60 + 16);
        nodes.push(ParsedNode::new(ParsedData::Document));
        ParsedTree {
            nodes,
            fallback_name: QualName::new(None, ns!(html), local_name!("")),
        }
    }

    fn push(&mut self, data: ParsedData) -> Handle {
        self.nodes.push(ParsedNode::new(data));
        self.nodes.len() - 1
    }

    fn keeps_text(&self, parent: Handle) -> bool {
        match &self.nodes[parent].data {
            ParsedData::Element { keeps_text, .. } => *keeps_text,
            _ => true,
        }
    }

    fn detach(&mut self, node: Handle) {
        let (parent, prev, next) = {
            let n = &mut self.nodes[node];
            let links = (n.parent, n.prev_sibling, n.next_sibling);
            n.parent = None;
            n.prev_sibling = None;
            n.next_sibling = None;
            links
        };
        let Some(parent) = parent else {
            return;
        };
        match prev {
            Some(prev) => self.nodes[prev].next_sibling = next,
            None => self.nodes[parent].first_child = next,
        }
        match next {
            Some(next) => self.nodes[next].prev_sibling = prev,
            None => self.nodes[parent].last_child = prev,
        }
    }

    fn append_child(&mut self, parent: Handle, child: Handle) {
        self.detach(child);
        let last = self.nodes[parent].last_child;
        {
            let c = &mut self.nodes[child];
            c.parent = Some(parent);
            c.prev_sibling = last;
        }
        match last {
            Some(last) => self.nodes[last].next_sibling = Some(child),
            None => self.nodes[parent].first_child = Some(child),
        }
        self.nodes[parent].last_child = Some(child);
    }

    fn insert_before(&mut self, sibling: Handle, child: Handle) {
        self.detach(child);
        let Some(parent) = self.nodes[sibling].parent else {
            return;
        };
        let prev = self.nodes[sibling].prev_sibling;
        {
            let c = &mut self.nodes[child];
            c.parent = Some(parent);
            c.prev_sibling = prev;
            c.next_sibling = Some(sibling);
        }
        self.nodes[sibling].prev_sibling = Some(child);
        match prev {
            Some(prev) => self.nodes[prev].next_sibling = Some(child),
            None => self.nodes[parent].first_child = Some(child),
        }
    }

    /// Appends `text` to the text node `node` if it is one; gives the text back otherwise.
    fn extend_text(&mut self, node: Option<Handle>, text: StrTendril) -> Option<StrTendril> {
        if let Some(node) = node
            && let ParsedData::Text(existing) = &mut self.nodes[node].data
        {
            existing.push_tendril(&text);
            return None;
        }
        Some(text)
    }

    /// The concatenated text below `node`.
    pub fn all_text(&self, node: Handle) -> String {
        let mut text = String::new();
        let mut stack = vec![node];
        while let Some(current) = stack.pop() {
            let n = &self.nodes[current];
            if let ParsedData::Text(chunk) = &n.data {
                text.push_str(chunk);
            }
            let mut child = n.last_child;
            while let Some(c) = child {
                stack.push(c);
                child = self.nodes[c].prev_sibling;
            }
        }
        text
    }
}

impl ParsedNode {
    fn new(data: ParsedData) -> ParsedNode {
        ParsedNode {
            parent: None,
            first_child: None,
            last_child: None,
            prev_sibling: None,
            next_sibling: None,
            data,
        }
    }
}

struct TreeBuildingSink {
    tree: RefCell<ParsedTree>,
}

impl TreeSink for TreeBuildingSink {
    type Handle = Handle;
    type Output = ParsedTree;
    type ElemName<'a> = Ref<'a, QualName>;

    fn finish(self) -> ParsedTree {
        self.tree.into_inner()
    }

    fn parse_error(&self, _msg: Cow<'static, str>) {}

    fn get_document(&self) -> Handle {
        0
    }

    fn elem_name<'a>(&'a self, target: &'a Handle) -> Ref<'a, QualName> {
        Ref::map(self.tree.borrow(), |tree| {
            match tree.nodes.get(*target).map(|n| &n.data) {
                Some(ParsedData::Element { name, .. }) => name,
                _ => &tree.fallback_name,
            }
        })
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, flags: ElementFlags) -> Handle {
        let mut tree = self.tree.borrow_mut();
        let template_contents = flags.template.then(|| tree.push(ParsedData::Document));
        let keeps_text = keeps_text(&name.local, &attrs);
        tree.push(ParsedData::Element {
            name,
            attrs,
            keeps_text,
            template_contents,
        })
    }

    fn create_comment(&self, _text: StrTendril) -> Handle {
        self.tree.borrow_mut().push(ParsedData::Other)
    }

    fn create_pi(&self, _target: StrTendril, _data: StrTendril) -> Handle {
        self.tree.borrow_mut().push(ParsedData::Other)
    }

    fn append(&self, parent: &Handle, child: NodeOrText<Handle>) {
        let mut tree = self.tree.borrow_mut();
        match child {
            NodeOrText::AppendNode(node) => tree.append_child(*parent, node),
            NodeOrText::AppendText(text) => {
                if !tree.keeps_text(*parent) {
                    return;
                }
                let last = tree.nodes[*parent].last_child;
                if let Some(text) = tree.extend_text(last, text) {
                    let node = tree.push(ParsedData::Text(text));
                    tree.append_child(*parent, node);
                }
            }
        }
    }

    fn append_based_on_parent_node(
        &self,
        element: &Handle,
        prev_element: &Handle,
        child: NodeOrText<Handle>,
    ) {
        let has_parent = self.tree.borrow().nodes[*element].parent.is_some();
        if has_parent {
            self.append_before_sibling(element, child);
        } else {
            self.append(prev_element, child);
        }
    }

    fn append_doctype_to_document(&self, _: StrTendril, _: StrTendril, _: StrTendril) {}

    fn get_template_contents(&self, target: &Handle) -> Handle {
        match &self.tree.borrow().nodes[*target].data {
            ParsedData::Element {
                template_contents: Some(contents),
                ..
            } => *contents,
            _ => *target,
        }
    }

    fn same_node(&self, x: &Handle, y: &Handle) -> bool {
        x == y
    }

    fn set_quirks_mode(&self, _mode: QuirksMode) {}

    fn append_before_sibling(&self, sibling: &Handle, new_node: NodeOrText<Handle>) {
        let mut tree = self.tree.borrow_mut();
        match new_node {
            NodeOrText::AppendNode(node) => tree.insert_before(*sibling, node),
            NodeOrText::AppendText(text) => {
                let Some(parent) = tree.nodes[*sibling].parent else {
                    return;
                };
                if !tree.keeps_text(parent) {
                    return;
                }
                let prev = tree.nodes[*sibling].prev_sibling;
                if let Some(text) = tree.extend_text(prev, text) {
                    let node = tree.push(ParsedData::Text(text));
                    tree.insert_before(*sibling, node);
                }
            }
        }
    }

    fn add_attrs_if_missing(&self, target: &Handle, attrs: Vec<Attribute>) {
        let mut tree = self.tree.borrow_mut();
        if let ParsedData::Element {
            attrs: existing, ..
        } = &mut tree.nodes[*target].data
        {
            for attr in attrs {
                if !existing.iter().any(|e| e.name == attr.name) {
                    existing.push(attr);
                }
            }
        }
    }

    fn remove_from_parent(&self, target: &Handle) {
        self.tree.borrow_mut().detach(*target);
    }

    fn reparent_children(&self, node: &Handle, new_parent: &Handle) {
        let mut tree = self.tree.borrow_mut();
        while let Some(child) = tree.nodes[*node].first_child {
            tree.append_child(*new_parent, child);
        }
    }
}
