//! Per-node figures the body selection works from: text length, link text, commas and counts
//! of paragraphs, images, list items and headings, summed over each subtree. What does not
//! depend on which furniture is removed (each node's own text figures, its furniture class,
//! the figures of the whole tree) is computed once per page in [`PageFigures`].
//!
//! Aggregates are summed child-to-parent by walking the document-order arena backwards, so
//! every pass is linear.

use crate::dom::{Dom, NodeData, NodeId};
use crate::junk::{self, Furniture};

/// Per-node figures over the live (not removed) part of the tree.
pub struct Analysis {
    /// Node is removed (itself or through an ancestor).
    pub dead: Vec<bool>,
    /// Whitespace-collapsed characters of text.
    pub text_len: Vec<u32>,
    /// Characters of text inside links.
    pub link_len: Vec<u32>,
    pub commas: Vec<u32>,
    pub paragraphs: Vec<u32>,
    pub images: Vec<u32>,
    pub list_items: Vec<u32>,
    pub headings: Vec<u32>,
}

/// What a node adds to its subtree's counts by itself.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Counted {
    Nothing,
    Paragraph,
    Image,
    ListItem,
    Heading,
}

/// Each node's own contribution, independent of removal.
struct OwnFigures {
    text_len: Vec<u32>,
    commas: Vec<u32>,
    in_link: Vec<bool>,
    counted: Vec<Counted>,
}

/// Figures computed once per page.
pub struct PageFigures {
    /// How each node reads as furniture (`No` for text and the document).
    pub furniture: Vec<Furniture>,
    /// The analysis with nothing removed.
    pub unremoved: Analysis,
    own: OwnFigures,
}

impl PageFigures {
    pub fn compute(dom: &Dom) -> PageFigures {
        let n = dom.nodes.len();
        let mut own = OwnFigures {
            text_len: vec![0; n],
            commas: vec![0; n],
            in_link: vec![false; n],
            counted: vec![Counted::Nothing; n],
        };
        let mut furniture = vec![Furniture::No; n];
        let mut verdicts = junk::ClassVerdicts::default();
        for (id, node) in dom.nodes.iter().enumerate() {
            own.in_link[id] = node.tag() == "a" || node.parent.is_some_and(|p| own.in_link[p]);
            match &node.data {
                NodeData::Text(text) => {
                    (own.text_len[id], own.commas[id]) = text_figures(text);
                }
                NodeData::Element { tag, .. } => {
                    furniture[id] = junk::classify(node, &mut verdicts);
                    own.counted[id] = match &**tag {
                        "p" => Counted::Paragraph,
                        "img" | "picture" => Counted::Image,
                        "li" => Counted::ListItem,
                        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => Counted::Heading,
                        _ => Counted::Nothing,
                    };
                }
                NodeData::Document => {}
            }
        }
        let unremoved = Analysis::sum(dom, &own, &vec![false; n]);
        PageFigures {
            furniture,
            unremoved,
            own,
        }
    }
}

/// Whitespace-collapsed length and comma count of a text.
fn text_figures(text: &str) -> (u32, u32) {
    let mut len = 0u32;
    let mut commas = 0u32;
    let mut in_space = true;
    for c in text.chars() {
        if c.is_whitespace() {
            if !in_space {
                len += 1;
                in_space = true;
            }
        } else {
            len += 1;
            in_space = false;
            if matches!(c, ',' | '，' | '、' | '،') {
                commas += 1;
            }
        }
    }
    (len, commas)
}

impl Analysis {
    /// The figures of the tree without the subtrees flagged in `removed`.
    pub fn compute(dom: &Dom, figures: &PageFigures, removed: &[bool]) -> Analysis {
        Analysis::sum(dom, &figures.own, removed)
    }

    fn sum(dom: &Dom, own: &OwnFigures, removed: &[bool]) -> Analysis {
        let n = dom.nodes.len();
        let mut a = Analysis {
            dead: vec![false; n],
            text_len: own.text_len.clone(),
            link_len: vec![0; n],
            commas: own.commas.clone(),
            paragraphs: vec![0; n],
            images: vec![0; n],
            list_items: vec![0; n],
            headings: vec![0; n],
        };
        for (id, (node, &is_removed)) in dom.nodes.iter().zip(removed).enumerate() {
            a.dead[id] = is_removed || node.parent.is_some_and(|p| a.dead[p]);
        }
        for id in (0..n).rev() {
            if a.dead[id] {
                a.text_len[id] = 0;
                a.commas[id] = 0;
                continue;
            }
            if own.in_link[id] && own.text_len[id] > 0 {
                a.link_len[id] += own.text_len[id];
            }
            match own.counted[id] {
                Counted::Nothing => {}
                Counted::Paragraph => a.paragraphs[id] += 1,
                Counted::Image => a.images[id] += 1,
                Counted::ListItem => a.list_items[id] += 1,
                Counted::Heading => a.headings[id] += 1,
            }
            if let Some(parent) = dom.nodes[id].parent {
                a.text_len[parent] += a.text_len[id];
                a.link_len[parent] += a.link_len[id];
                a.commas[parent] += a.commas[id];
                a.paragraphs[parent] += a.paragraphs[id];
                a.images[parent] += a.images[id];
                a.list_items[parent] += a.list_items[id];
                a.headings[parent] += a.headings[id];
            }
        }
        a
    }

    pub fn link_density(&self, id: NodeId) -> f32 {
        let text = self.text_len[id];
        if text == 0 {
            0.0
        } else {
            self.link_len[id] as f32 / text as f32
        }
    }
}
