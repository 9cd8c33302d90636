//! Finding the article body in the page tree: removes furniture, scores containers by the
//! paragraphs they hold (text length, commas, link density, class names), picks the best one,
//! adds the siblings that belong to it, and marks what to drop inside it.
//!
//! Every pass is a linear walk over the arena (aggregates are summed child-to-parent by walking
//! the document-order arena backwards), so huge pages stay fast.

use crate::analysis::{Analysis, PageFigures};
use crate::cleanup;
use crate::dom::{Dom, NodeData, NodeId};
use crate::junk;

/// The chosen body: the nodes to render, in order, and what to skip inside them.
pub struct Selection {
    pub roots: Vec<NodeId>,
    pub skip: Vec<bool>,
}

/// Removes furniture: junk tags and classes, unless the element holds most of the page's
/// paragraph text (a page wrapped whole in a `<form>` or a badly named container).
fn mark_furniture(dom: &Dom, figures: &PageFigures, strictness: Strictness) -> Vec<bool> {
    let before = &figures.unremoved;
    let plain = |id: NodeId| (before.text_len[id] - before.link_len[id]) as f32;
    let total = plain(0).max(1.0);
    let mut removed = vec![false; dom.nodes.len()];
    for (id, node) in dom.nodes.iter().enumerate() {
        let furniture = figures.furniture[id];
        if furniture == junk::Furniture::No {
            continue;
        }
        let share = plain(id) / total;
        removed[id] = match strictness {
            Strictness::Strict if furniture == junk::Furniture::Strong => share < 0.7,
            Strictness::Strict => share < 0.4,
            Strictness::Lenient => junk::is_junk_tag(node.tag()) && share < 0.2,
        };
    }
    removed
}

/// Whether an element is a block container for scoring purposes.
fn is_block(tag: &str) -> bool {
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
            | "figure"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "li"
            | "tr"
            | "td"
            | "header"
            | "footer"
            | "aside"
            | "nav"
            | "form"
            | "hr"
    )
}

fn initial_score(dom: &Dom, id: NodeId) -> f32 {
    let node = &dom.nodes[id];
    let base = match node.tag() {
        "div" | "article" | "main" | "section" => 5.0,
        "pre" | "td" | "blockquote" => 3.0,
        "address" | "ol" | "ul" | "dl" | "dd" | "dt" | "li" | "form" => -3.0,
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "th" => -5.0,
        _ => 0.0,
    };
    let tag_bonus = match node.tag() {
        "article" => 10.0,
        _ => 0.0,
    };
    base + tag_bonus + junk::class_weight(node)
}

/// How much furniture removal trusts class names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strictness {
    /// Remove by tag, role and class name.
    Strict,
    /// Remove only furniture tags holding little text: the retry when strict finds too little.
    Lenient,
}

/// Picks the article body.
/// `byline` is the author already read from the page's metadata: a block naming only them is
/// dropped from the body.
pub fn select(
    dom: &Dom,
    figures: &PageFigures,
    strictness: Strictness,
    byline: Option<&str>,
) -> Selection {
    let removed = mark_furniture(dom, figures, strictness);
    let a = Analysis::compute(dom, figures, &removed);
    let n = dom.nodes.len();
    let mut score: Vec<Option<f32>> = vec![None; n];

    for id in 0..n {
        if a.dead[id] {
            continue;
        }
        let node = &dom.nodes[id];
        let tag = node.tag();
        let has_block_child = || node.children.iter().any(|&c| is_block(dom.nodes[c].tag()));
        let scorable = match &node.data {
            NodeData::Element { .. } => match tag {
                "p" | "pre" | "td" => true,
                "div" | "section" => !has_block_child(),
                _ => false,
            },
            // Loose text beside blocks (a body written straight into a layout `<div>`) counts
            // as a paragraph of its parent.
            NodeData::Text(_) => node.parent.is_some_and(|p| {
                let parent = &dom.nodes[p];
                matches!(parent.tag(), "div" | "section" | "article" | "main")
                    && parent
                        .children
                        .iter()
                        .any(|&c| is_block(dom.nodes[c].tag()))
            }),
            NodeData::Document => false,
        };
        if !scorable || a.text_len[id] < 25 {
            continue;
        }
        let content = 1.0 + a.commas[id] as f32 + (a.text_len[id] as f32 / 100.0).floor().min(3.0);
        let mut ancestor = node.parent;
        let mut level = 0usize;
        while let Some(anc) = ancestor {
            if level >= 5 || dom.nodes[anc].parent.is_none() {
                break;
            }
            let divider = match level {
                0 => 1.0,
                1 => 2.0,
                _ => level as f32 * 3.0,
            };
            let entry = score[anc].get_or_insert_with(|| initial_score(dom, anc));
            *entry += content / divider;
            ancestor = dom.nodes[anc].parent;
            level += 1;
        }
    }

    let final_score = |id: NodeId, s: f32| s * (1.0 - a.link_density(id));
    let mut ranked: Vec<(NodeId, f32)> = score
        .iter()
        .enumerate()
        .filter_map(|(id, s)| s.map(|s| (id, final_score(id, s))))
        .collect();
    ranked.sort_by(|x, y| y.1.total_cmp(&x.1));

    let body = dom.find_tag("body").unwrap_or(0);
    let Some(&(mut top, top_score)) = ranked.first() else {
        let skip = cleanup::clean_inside(dom, &a, figures, &[body], &score, byline);
        return Selection {
            roots: vec![body],
            skip,
        };
    };

    // Several strong candidates under one ancestor: the ancestor is the article.
    let alternatives: Vec<NodeId> = ranked
        .iter()
        .skip(1)
        .take(5)
        .filter(|(_, s)| *s >= 0.75 * top_score)
        .map(|(id, _)| *id)
        .collect();
    if alternatives.len() >= 3 {
        let mut ancestor = dom.nodes[top].parent;
        while let Some(anc) = ancestor {
            if dom.nodes[anc].parent.is_none() || dom.nodes[anc].tag() == "body" {
                break;
            }
            let containing = alternatives
                .iter()
                .filter(|&&alt| dom.is_within(alt, anc))
                .count();
            if containing >= 3 {
                top = anc;
                break;
            }
            ancestor = dom.nodes[anc].parent;
        }
    }
    // A wrapper with a single child holds nothing more than that child.
    while let Some(parent) = dom.nodes[top].parent {
        let live_children = dom.nodes[parent]
            .children
            .iter()
            .filter(|&&c| !a.dead[c] && a.text_len[c] > 0)
            .count();
        if live_children != 1 || matches!(dom.nodes[parent].tag(), "body" | "html" | "") {
            break;
        }
        top = parent;
    }
    top = widen_to_split_body(dom, &a, top);

    let roots = with_siblings(dom, &a, &score, top);
    let skip = cleanup::clean_inside(dom, &a, figures, &roots, &score, byline);
    Selection { roots, skip }
}

/// Climbs from `top` while an ancestor holds much more prose in paragraphs, with few links: a
/// body split over several sibling blocks (page-builder sections, accordions) is one article.
fn widen_to_split_body(dom: &Dom, a: &Analysis, mut top: NodeId) -> NodeId {
    let plain = |n: NodeId| a.text_len[n].saturating_sub(a.link_len[n]) as f32;
    let mut candidate = top;
    for _ in 0..WIDEN_LEVELS {
        let Some(parent) = dom.nodes[candidate].parent else {
            break;
        };
        if matches!(dom.nodes[parent].tag(), "body" | "html" | "") {
            break;
        }
        candidate = parent;
        if a.link_density(candidate) < 0.2
            && plain(candidate) > 1.5 * plain(top)
            && a.paragraphs[candidate] >= a.paragraphs[top] + 3
        {
            top = candidate;
        }
    }
    top
}

/// How many levels above the best candidate [`widen_to_split_body`] looks.
const WIDEN_LEVELS: usize = 4;

fn with_siblings(dom: &Dom, a: &Analysis, score: &[Option<f32>], top: NodeId) -> Vec<NodeId> {
    let Some(parent) = dom.nodes[top].parent else {
        return vec![top];
    };
    let top_score = score[top].map_or(0.0, |s| s * (1.0 - a.link_density(top)));
    let threshold = (top_score * 0.2).max(10.0);
    let top_class = dom.nodes[top].attr("class").unwrap_or("");
    let mut roots = Vec::new();
    for &sibling in &dom.nodes[parent].children {
        if sibling == top {
            roots.push(sibling);
            continue;
        }
        if a.dead[sibling] || a.text_len[sibling] == 0 {
            continue;
        }
        let node = &dom.nodes[sibling];
        let mut bonus = 0.0;
        if !top_class.is_empty() && node.attr("class") == Some(top_class) {
            bonus += top_score * 0.2;
        }
        let sibling_score = score[sibling].map_or(0.0, |s| s * (1.0 - a.link_density(sibling)));
        let keep = if sibling_score + bonus >= threshold {
            true
        } else if node.tag() == "p" {
            let density = a.link_density(sibling);
            let len = a.text_len[sibling];
            (len > 80 && density < 0.25)
                || (len > 0
                    && len <= 80
                    && density == 0.0
                    && a.commas[sibling] + 1 > 0
                    && ends_sentence(dom, sibling))
        } else {
            false
        };
        if keep {
            roots.push(sibling);
        }
    }
    roots
}

fn ends_sentence(dom: &Dom, id: NodeId) -> bool {
    let text = node_text(dom, id, 400);
    let text = text.trim_end();
    text.ends_with('.') || text.contains(". ")
}

/// Concatenated text of a subtree, stopping after about `limit` bytes.
pub fn node_text(dom: &Dom, id: NodeId, limit: usize) -> String {
    let mut out = String::new();
    let mut stack = vec![id];
    while let Some(current) = stack.pop() {
        if out.len() > limit {
            break;
        }
        let node = &dom.nodes[current];
        if let NodeData::Text(text) = &node.data {
            out.push_str(text);
        }
        stack.extend(node.children.iter().rev());
    }
    out
}
