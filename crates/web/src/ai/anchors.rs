//! Gives the article body's sentences anchors (`id="s-N"`) at render time, so the AI panel
//! can link each summary sentence and citation to its place in the text, and marks cited
//! sentences. The stored HTML is already sanitized; a sentence is wrapped only where its
//! escaped text occurs verbatim between tags, so the markup stays well-formed.

use std::collections::BTreeSet;

use tidings_ai::Sentence;

/// The body with anchors, and the sentence numbers that got one.
pub struct AnchoredBody {
    pub html: String,
    pub anchored: BTreeSet<usize>,
}

/// Wraps each sentence found verbatim in `<span class="sentence" id="s-N">`, or in
/// `<mark class="sentence cited" id="s-N">` when its number is in `cited`.
pub fn anchor_sentences(html: &str, sentences: &[Sentence], cited: &[usize]) -> AnchoredBody {
    let mut out = String::with_capacity(html.len() + sentences.len() * 40);
    let mut anchored = BTreeSet::new();
    let mut position = 0;
    for sentence in sentences {
        let Some((start, end)) = find_in_text(html, position, &sentence.text) else {
            continue;
        };
        out.push_str(&html[position..start]);
        let (tag, class) = if cited.contains(&sentence.number) {
            ("mark", "sentence cited")
        } else {
            ("span", "sentence")
        };
        out.push_str(&format!(
            "<{tag} class=\"{class}\" id=\"s-{}\">{}</{tag}>",
            sentence.number,
            &html[start..end]
        ));
        anchored.insert(sentence.number);
        position = end;
    }
    out.push_str(&html[position..]);
    AnchoredBody {
        html: out,
        anchored,
    }
}

/// Where the sentence's text (escaped as a serializer would) occurs after `from` in element
/// content, not inside a tag.
fn find_in_text(html: &str, from: usize, text: &str) -> Option<(usize, usize)> {
    let minimal = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\u{a0}', "&nbsp;");
    let full = minimal.replace('"', "&quot;").replace('\'', "&#39;");
    for candidate in [minimal, full] {
        let mut search = from;
        while let Some(found) = html[search..].find(&candidate) {
            let start = search + found;
            if !inside_tag(html, start) {
                return Some((start, start + candidate.len()));
            }
            search = start + candidate.len();
        }
    }
    None
}

fn inside_tag(html: &str, at: usize) -> bool {
    let before = &html[..at];
    match (before.rfind('<'), before.rfind('>')) {
        (Some(open), Some(close)) => open > close,
        (Some(_), None) => true,
        _ => false,
    }
}

/// The anchor a link to sentence `number` should use: its own, else the nearest anchored
/// sentence before it, else the body.
pub fn sentence_href(number: usize, anchored: &BTreeSet<usize>) -> String {
    match anchored.range(..=number).next_back() {
        Some(n) => format!("#s-{n}"),
        None => "#article-body".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tidings_ai::split_sentences;

    #[test]
    fn wraps_sentences_found_between_tags() {
        let html = "<p>Tom &amp; Jerry ran. They hid in <a href=\"/x\">a barn</a>. It rained.</p>\
            <img alt=\"It rained.\">";
        let sentences = split_sentences("Tom & Jerry ran. They hid in a barn. It rained.");
        let body = anchor_sentences(html, &sentences, &[3]);
        assert!(
            body.html
                .contains("<span class=\"sentence\" id=\"s-1\">Tom &amp; Jerry ran.</span>")
        );
        assert!(
            body.html
                .contains("<mark class=\"sentence cited\" id=\"s-3\">It rained.</mark>")
        );
        assert!(
            body.html.ends_with("<img alt=\"It rained.\">"),
            "attributes are left alone"
        );
        assert_eq!(body.anchored, BTreeSet::from([1, 3]));
        assert_eq!(sentence_href(2, &body.anchored), "#s-1");
        assert_eq!(sentence_href(3, &body.anchored), "#s-3");
    }
}
