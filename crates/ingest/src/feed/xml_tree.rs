//! Owns the small namespace-resolved element tree feeds are read into
//! (built by `xml_reader`, within the feed limits), and writing element
//! content back out as markup. Every walk over the tree, its drop included,
//! is iterative, so no depth of input can exhaust the stack.

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

/// Depth-first, without recursion: the stack holds the children still to visit.
fn collect_text(element: &Element, out: &mut String) {
    let mut stack: Vec<std::slice::Iter<'_, Node>> = vec![element.children.iter()];
    while let Some(top) = stack.last_mut() {
        match top.next() {
            Some(Node::Text(t)) => out.push_str(t),
            Some(Node::Element(e)) => stack.push(e.children.iter()),
            None => {
                stack.pop();
            }
        }
    }
}

/// Dropping a tree frees it level by level rather than recursing once per level.
impl Drop for Element {
    fn drop(&mut self) {
        let mut pending = std::mem::take(&mut self.children);
        while let Some(node) = pending.pop() {
            if let Node::Element(mut element) = node {
                pending.append(&mut element.children);
            }
        }
    }
}

const VOID_HTML: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// Writes a node as HTML-compatible markup: element names lose their
/// prefixes, namespace declarations are dropped, and an embedded SVG or
/// MathML root states its namespace with `xmlns`. Iterative: the stack holds
/// each open element with the children still to write.
fn write_node(node: &Node, parent_ns: &str, out: &mut String) {
    let mut stack: Vec<(&Element, std::slice::Iter<'_, Node>)> = Vec::new();
    let mut next = Some((node, parent_ns));
    loop {
        if let Some((node, parent_ns)) = next.take() {
            match node {
                Node::Text(t) => escape_into(t, false, out),
                Node::Element(e) => {
                    if open_tag(e, parent_ns, out) {
                        stack.push((e, e.children.iter()));
                    }
                }
            }
        }
        let Some((element, children)) = stack.last_mut() else {
            return;
        };
        match children.next() {
            Some(child) => next = Some((child, element.ns.as_str())),
            None => {
                out.push_str("</");
                out.push_str(&element.name);
                out.push('>');
                stack.pop();
            }
        }
    }
}

/// Writes the start tag; `false` when the element was written whole (self-closed).
fn open_tag(e: &Element, parent_ns: &str, out: &mut String) -> bool {
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
        return false;
    }
    out.push('>');
    true
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

pub use super::xml_reader::declared_entities;
#[cfg(test)]
pub use super::xml_reader::parse;

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
