//! Writing the chosen body out as plain text (paragraphs separated by blank lines) and as clean
//! HTML built from an allowlist of tags, with links and images made absolute. Elements below
//! [`MAX_RENDER_DEPTH`] levels are written as their text alone (walked without recursion), so
//! the recursion here never goes deeper than that whatever the page.

use url::Url;

use crate::dom::{Dom, NodeData, NodeId};

/// Output of rendering: plain text and sanitized HTML.
pub struct Rendered {
    pub text: String,
    pub html: String,
}

/// Tags that end a run of inline text.
fn is_text_block(tag: &str) -> bool {
    matches!(
        tag,
        "p" | "div"
            | "section"
            | "article"
            | "main"
            | "blockquote"
            | "pre"
            | "table"
            | "ul"
            | "ol"
            | "dl"
            | "dt"
            | "dd"
            | "figure"
            | "figcaption"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "li"
            | "tr"
            | "header"
            | "footer"
            | "aside"
            | "nav"
            | "form"
            | "hr"
            | "address"
            | "caption"
            | "details"
            | "summary"
            | "center"
            | "body"
            | "html"
            | "tbody"
            | "thead"
            | "tfoot"
            | "fieldset"
            | "legend"
    )
}

/// Output tags kept as they are.
fn kept_tag(tag: &str) -> Option<&str> {
    Some(match tag {
        "h1" => "h2",
        "p" | "h2" | "h3" | "h4" | "h5" | "h6" | "ul" | "ol" | "li" | "blockquote" | "pre"
        | "code" | "em" | "i" | "strong" | "b" | "figure" | "figcaption" | "table" | "thead"
        | "tbody" | "tfoot" | "tr" | "th" | "td" | "caption" | "sub" | "sup" | "dl" | "dt"
        | "dd" | "q" | "cite" | "abbr" | "s" | "del" | "ins" | "mark" | "small" | "u" | "hr" => tag,
        _ => return None,
    })
}

/// Kept tags whose content is inline text (no synthetic paragraph needed inside).
fn holds_inline(tag: &str) -> bool {
    matches!(
        tag,
        "p" | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "li"
            | "blockquote"
            | "pre"
            | "figcaption"
            | "th"
            | "td"
            | "caption"
            | "dt"
            | "dd"
    )
}

/// Levels of elements rendered as elements; deeper ones contribute their text only.
pub const MAX_RENDER_DEPTH: usize = 200;

struct Writer<'a> {
    /// Elements open around the node being written.
    depth: usize,
    dom: &'a Dom,
    skip: &'a [bool],
    base: Option<&'a Url>,
    blocks: Vec<String>,
    line: String,
    html: String,
    synthetic_p: bool,
    in_pre: bool,
    /// Inside a figure caption: written to the HTML, left out of the plain text.
    in_caption: bool,
}

/// Renders `roots` (skipping nodes flagged in `skip`).
pub fn render(dom: &Dom, roots: &[NodeId], skip: &[bool], base: Option<&Url>) -> Rendered {
    let mut writer = Writer {
        depth: 0,
        dom,
        skip,
        base,
        blocks: Vec::new(),
        line: String::new(),
        html: String::new(),
        synthetic_p: false,
        in_pre: false,
        in_caption: false,
    };
    for &root in roots {
        writer.node(root, false);
        writer.block_break();
    }
    Rendered {
        text: writer.blocks.join("\n\n"),
        html: writer.html,
    }
}

impl Writer<'_> {
    fn block_break(&mut self) {
        if self.synthetic_p {
            self.html.push_str("</p>");
            self.synthetic_p = false;
        }
        let mut paragraph = String::new();
        for line in self.line.split('\n') {
            let collapsed = line.split_whitespace().collect::<Vec<_>>().join(" ");
            if !collapsed.is_empty() {
                if !paragraph.is_empty() {
                    paragraph.push('\n');
                }
                paragraph.push_str(&collapsed);
            }
        }
        if !paragraph.is_empty() {
            self.blocks.push(paragraph);
        }
        self.line.clear();
    }

    fn ensure_inline_context(&mut self, inline_ok: bool) {
        if !inline_ok && !self.synthetic_p {
            self.html.push_str("<p>");
            self.synthetic_p = true;
        }
    }

    fn node(&mut self, id: NodeId, inline_ok: bool) {
        if self.skip.get(id).copied().unwrap_or(false) {
            return;
        }
        let node = &self.dom.nodes[id];
        match &node.data {
            NodeData::Document => {
                for &child in &node.children {
                    self.node(child, inline_ok);
                }
            }
            NodeData::Text(text) => {
                if text.trim().is_empty() {
                    if !self.line.is_empty() {
                        self.line.push(' ');
                        if inline_ok || self.synthetic_p {
                            self.html.push(' ');
                        }
                    }
                    return;
                }
                self.ensure_inline_context(inline_ok);
                if !self.in_caption {
                    self.line.push_str(text);
                }
                if self.in_pre {
                    escape_into(&mut self.html, text);
                } else {
                    let collapsed = collapse_keeping_edges(text);
                    escape_into(&mut self.html, &collapsed);
                }
            }
            NodeData::Element { .. } if self.depth >= MAX_RENDER_DEPTH => {
                self.flat_text(id, inline_ok);
            }
            NodeData::Element { tag, .. } => {
                self.depth += 1;
                self.element(id, tag, inline_ok);
                self.depth -= 1;
            }
        }
    }

    /// The text below `id` as one run of inline text, in document order, without recursion.
    fn flat_text(&mut self, id: NodeId, inline_ok: bool) {
        let mut pending = vec![id];
        let mut text = String::new();
        while let Some(next) = pending.pop() {
            if self.skip.get(next).copied().unwrap_or(false) {
                continue;
            }
            let node = &self.dom.nodes[next];
            match &node.data {
                NodeData::Text(t) => text.push_str(t),
                NodeData::Element { tag, .. } if matches!(&**tag, "br" | "p" | "div") => {
                    text.push(' ');
                    pending.extend(node.children.iter().rev());
                }
                _ => pending.extend(node.children.iter().rev()),
            }
        }
        if text.trim().is_empty() {
            return;
        }
        self.ensure_inline_context(inline_ok);
        if !self.in_caption {
            self.line.push_str(&text);
        }
        escape_into(&mut self.html, &collapse_keeping_edges(&text));
    }

    fn element(&mut self, id: NodeId, tag: &str, inline_ok: bool) {
        let node = &self.dom.nodes[id];
        match tag {
            "br" => {
                self.line.push('\n');
                if inline_ok || self.synthetic_p {
                    self.html.push_str("<br>");
                }
                return;
            }
            "img" => {
                self.image(id);
                return;
            }
            "a" => {
                let href = node
                    .attr("href")
                    .and_then(|href| absolute_link(href, self.base));
                if let Some(href) = href {
                    self.ensure_inline_context(inline_ok);
                    self.html.push_str("<a href=\"");
                    escape_into(&mut self.html, &href);
                    self.html.push_str("\" rel=\"noopener nofollow\">");
                    for &child in &node.children {
                        self.node(child, true);
                    }
                    self.html.push_str("</a>");
                } else {
                    for &child in &node.children {
                        self.node(child, inline_ok);
                    }
                }
                return;
            }
            _ => {}
        }
        let block = is_text_block(tag);
        if block {
            self.block_break();
        }
        let kept = kept_tag(tag);
        let child_inline = match kept {
            Some(kept) if block => holds_inline(kept),
            _ => inline_ok && !block,
        };
        if let Some(kept) = kept {
            if !block {
                self.ensure_inline_context(inline_ok);
            }
            self.html.push('<');
            self.html.push_str(kept);
            self.html.push('>');
        }
        let was_pre = self.in_pre;
        if tag == "pre" {
            self.in_pre = true;
        }
        let was_caption = self.in_caption;
        if is_caption(node) {
            self.in_caption = true;
        }
        for &child in &node.children {
            self.node(child, child_inline || (self.synthetic_p && !block));
            if matches!(tag, "tr") {
                self.line.push(' ');
            }
        }
        self.in_pre = was_pre;
        self.in_caption = was_caption;
        if block {
            self.block_break();
        }
        if let Some(kept) = kept {
            self.html.push_str("</");
            self.html.push_str(kept);
            self.html.push('>');
        }
    }

    fn image(&mut self, id: NodeId) {
        let node = &self.dom.nodes[id];
        let tiny = |name: &str| {
            node.attr(name)
                .and_then(|v| v.trim().trim_end_matches("px").parse::<u32>().ok())
                .is_some_and(|v| v <= 2)
        };
        if tiny("width") || tiny("height") {
            return;
        }
        let src = ["src", "data-src", "data-lazy-src", "data-original"]
            .iter()
            .filter_map(|name| node.attr(name))
            .find(|src| !src.trim().is_empty() && !src.trim_start().starts_with("data:"));
        let Some(src) = src.and_then(|src| absolute_link(src, self.base)) else {
            return;
        };
        self.html.push_str("<img src=\"");
        escape_into(&mut self.html, &src);
        self.html.push('"');
        if let Some(alt) = node.attr("alt") {
            self.html.push_str(" alt=\"");
            escape_into(&mut self.html, alt.trim());
            self.html.push('"');
        }
        self.html.push('>');
    }
}

/// Figure captions and caption-classed blocks (photo credits and descriptions).
fn is_caption(node: &crate::dom::Node) -> bool {
    node.tag() == "figcaption"
        || node.attr("class").is_some_and(|class| {
            class
                .as_bytes()
                .windows(7)
                .any(|w| w.eq_ignore_ascii_case(b"caption"))
        })
}

/// Resolves `href` against `base`, keeping only http(s) and mailto links.
pub fn absolute_link(href: &str, base: Option<&Url>) -> Option<String> {
    let href = href.trim();
    if href.is_empty() || href.starts_with('#') {
        return None;
    }
    let url = match base {
        Some(base) => base.join(href).ok()?,
        None => Url::parse(href).ok()?,
    };
    matches!(url.scheme(), "http" | "https" | "mailto").then(|| url.to_string())
}

fn collapse_keeping_edges(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
        } else {
            out.push(c);
            in_space = false;
        }
    }
    out
}

/// Appends `text` with HTML special characters escaped.
pub fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}
