//! Cleaning inside the chosen body: drops blocks that are not article text (promo lines,
//! bylines and datelines, copyright and tag lines, link-heavy or furniture-classed containers),
//! while keeping containers that hold the body's prose whatever their class names say.

use crate::analysis::{Analysis, PageFigures};
use crate::content::node_text;
use crate::dom::{Dom, NodeId};
use crate::junk;

/// Marks elements inside the chosen body that are not article text.
pub fn clean_inside(
    dom: &Dom,
    a: &Analysis,
    figures: &PageFigures,
    roots: &[NodeId],
    score: &[Option<f32>],
    byline: Option<&str>,
) -> Vec<bool> {
    let n = dom.nodes.len();
    let mut skip = a.dead.clone();
    let plain = |id: NodeId| a.text_len[id].saturating_sub(a.link_len[id]);
    let body_plain: u32 = roots.iter().map(|&r| plain(r)).sum();
    let mut stack: Vec<NodeId> = roots.to_vec();
    while let Some(id) = stack.pop() {
        if skip[id] {
            continue;
        }
        // A container holding most of the body's prose is the article, whatever its class.
        let holds_most = plain(id) as f32 > 0.5 * body_plain as f32;
        if !roots.contains(&id) && !holds_most && should_drop(dom, a, figures, id, score, byline) {
            skip[id] = true;
            continue;
        }
        stack.extend(dom.nodes[id].children.iter().copied());
    }
    debug_assert_eq!(skip.len(), n);
    skip
}

/// Inline tags: a byline-like phrase inside a sentence is not a byline block.
fn is_inline(tag: &str) -> bool {
    matches!(tag, "span" | "strong" | "em" | "b" | "a" | "small")
}

/// Whether `id` is one of a run of siblings sharing its class that together hold most of their
/// parent's prose: a body split into repeated blocks ("widget", "module") whose class names
/// would otherwise mark them as furniture.
fn in_prose_run(dom: &Dom, a: &Analysis, figures: &PageFigures, id: NodeId) -> bool {
    let node = &dom.nodes[id];
    let Some(parent) = node.parent else {
        return false;
    };
    let plain = |n: NodeId| a.text_len[n].saturating_sub(a.link_len[n]);
    // The only text-bearing child: judging it is judging the parent, which was kept.
    if plain(id) as f32 >= 0.9 * plain(parent) as f32
        && a.link_density(id) < 0.3
        && figures.furniture[id] != junk::Furniture::Strong
    {
        return true;
    }
    let Some(key) = node.attr("class").and_then(|c| c.split_whitespace().next()) else {
        return false;
    };
    let mut run_plain = 0u32;
    let mut run_len = 0usize;
    for &sibling in &dom.nodes[parent].children {
        let sibling_key = dom.nodes[sibling]
            .attr("class")
            .and_then(|c| c.split_whitespace().next());
        if !a.dead[sibling] && sibling_key == Some(key) {
            run_plain += plain(sibling);
            run_len += 1;
        }
    }
    run_len >= 3 && run_plain as f32 > 0.6 * plain(parent) as f32 && a.link_density(parent) < 0.3
}

fn should_drop(
    dom: &Dom,
    a: &Analysis,
    figures: &PageFigures,
    id: NodeId,
    score: &[Option<f32>],
    byline: Option<&str>,
) -> bool {
    let node = &dom.nodes[id];
    let tag = node.tag();
    if tag.is_empty() {
        return false;
    }
    if tag == "h1" && a.text_len[id] < 300 {
        return true;
    }
    let len = a.text_len[id];
    let is_textual = matches!(
        tag,
        "p" | "div"
            | "li"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "span"
            | "strong"
            | "em"
            | "b"
            | "a"
            | "section"
            | "blockquote"
            | "address"
            | "time"
            | "small"
    );
    if is_textual && len > 0 && len < 300 {
        let text = node_text(dom, id, 1200);
        if (len < 160 && junk::is_promo_line(&text))
            || junk::is_call_to_action(&text)
            || (!is_inline(tag)
                && (junk::is_byline_or_dateline(&text, byline) || junk::is_legal_or_tags(&text)))
        {
            return true;
        }
    }
    if !matches!(
        tag,
        "div"
            | "section"
            | "ul"
            | "ol"
            | "table"
            | "form"
            | "aside"
            | "figure"
            | "header"
            | "footer"
            | "dl"
    ) {
        return false;
    }
    let weight = junk::class_weight(node);
    let own_score = score[id].unwrap_or(0.0);
    if weight + own_score < 0.0 && tag != "figure" && !in_prose_run(dom, a, figures, id) {
        return true;
    }
    if a.commas[id] >= 10 {
        return false;
    }
    let is_list = matches!(tag, "ul" | "ol" | "dl");
    let is_figure = tag == "figure";
    let paragraphs = a.paragraphs[id] as f32;
    let images = a.images[id] as f32;
    let list_items = a.list_items[id] as f32 - 100.0;
    let density = a.link_density(id);
    let has_table = tag == "table";
    if has_table {
        return density > 0.5 && len < 2000;
    }
    (images > 1.0 && paragraphs / images < 0.5 && !is_figure && len < 200)
        || (!is_list && list_items > paragraphs)
        || (len < 25 && (images == 0.0 || images > 2.0) && !is_figure)
        || (!is_list && weight < 25.0 && density > 0.2 && len < 2000)
        || (is_list && density > 0.5)
        || (weight >= 25.0 && density > 0.5)
}
