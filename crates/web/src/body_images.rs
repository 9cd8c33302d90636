//! Images inside stored article bodies are not shown: they point at publishers, and readers'
//! browsers load only the site's own images (the lead image, through `/image/…`). A figure
//! holding an image goes with its caption (a caption without its picture reads oddly); other
//! figures (pull quotes, tables) stay. The stored HTML is unchanged, so the choice can be
//! revisited without re-extracting anything.
//!
//! The input is HTML the sanitizer serialized: tags are well formed, attribute values are
//! double-quoted with `"` escaped, and a `<` in text is escaped, so a scan that honours quotes
//! finds every tag.

/// `html` without `<img>` tags and without the figures that held one.
pub fn without_images(html: &str) -> String {
    let without_figures = drop_figures_with_images(html);
    drop_tags(&without_figures, "img")
}

/// The end (exclusive) of the tag starting at `start`, `>` inside quotes skipped; the end of
/// the input when the tag is cut off.
fn tag_end(html: &str, start: usize) -> usize {
    let mut quoted = false;
    for (i, b) in html.as_bytes()[start..].iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b'>' if !quoted => return start + i + 1,
            _ => {}
        }
    }
    html.len()
}

/// Whether a tag named `name` (lower case) starts at `at`: `<name` then a space, `/` or `>`.
fn opens(html: &str, at: usize, name: &str) -> bool {
    let rest = &html.as_bytes()[at..];
    rest.len() > name.len() + 1
        && rest[0] == b'<'
        && rest[1..=name.len()].eq_ignore_ascii_case(name.as_bytes())
        && matches!(
            rest[name.len() + 1],
            b' ' | b'>' | b'/' | b'\t' | b'\n' | b'\r'
        )
}

fn drop_tags(html: &str, name: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut copied = 0;
    let mut at = 0;
    while let Some(found) = html[at..].find('<') {
        let start = at + found;
        if opens(html, start, name) {
            out.push_str(&html[copied..start]);
            copied = tag_end(html, start);
            at = copied;
        } else {
            at = start + 1;
        }
    }
    out.push_str(&html[copied..]);
    out
}

fn drop_figures_with_images(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut copied = 0;
    let mut at = 0;
    while let Some(found) = html[at..].find('<') {
        let start = at + found;
        if !opens(html, start, "figure") {
            at = start + 1;
            continue;
        }
        let end = figure_end(html, start);
        if html[start..end].contains("<img") {
            out.push_str(&html[copied..start]);
            copied = end;
        }
        at = end.max(start + 1);
    }
    out.push_str(&html[copied..]);
    out
}

const CLOSE_FIGURE: &[u8] = b"</figure>";

/// The end (exclusive) of the figure opening at `start`, nested figures counted; the end of
/// the input when it is never closed.
fn figure_end(html: &str, start: usize) -> usize {
    let mut depth = 0usize;
    let mut at = start;
    while let Some(found) = html[at..].find('<') {
        let tag = at + found;
        if opens(html, tag, "figure") {
            depth += 1;
        } else if html.as_bytes()[tag..]
            .get(..CLOSE_FIGURE.len())
            .is_some_and(|b| b.eq_ignore_ascii_case(CLOSE_FIGURE))
        {
            depth = depth.saturating_sub(1);
            if depth == 0 {
                return tag + CLOSE_FIGURE.len();
            }
        }
        at = tag_end(html, tag);
    }
    html.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_dropped_and_text_kept() {
        let html = r#"<p>Before <img src="https://pub.example/a.jpg" alt="a &gt; b"> after</p><p>Next</p>"#;
        assert_eq!(without_images(html), "<p>Before  after</p><p>Next</p>");
    }

    #[test]
    fn a_quoted_angle_bracket_does_not_end_the_tag() {
        let html = r#"<img alt="1 > 0" src="https://pub.example/x.png"><p>kept</p>"#;
        assert_eq!(without_images(html), "<p>kept</p>");
    }

    #[test]
    fn figures_with_images_go_with_their_captions() {
        let html = concat!(
            r#"<p>One</p><figure><img src="https://pub.example/a.jpg"><figcaption>The pier</figcaption></figure>"#,
            r#"<figure><blockquote>A pull quote</blockquote></figure><p>Two</p>"#
        );
        assert_eq!(
            without_images(html),
            "<p>One</p><figure><blockquote>A pull quote</blockquote></figure><p>Two</p>"
        );
    }

    #[test]
    fn nested_and_unclosed_figures_are_bounded() {
        let nested = r#"<figure><figure><img src="x"></figure><figcaption>c</figcaption></figure><p>after</p>"#;
        assert_eq!(without_images(nested), "<p>after</p>");
        let cut = r#"<p>a</p><figure><img src="x"><p>never closed"#;
        assert_eq!(without_images(cut), "<p>a</p>");
    }

    #[test]
    fn look_alike_tags_stay() {
        let html = "<imgur>x</imgur><p>an &lt;img&gt; in text</p>";
        assert_eq!(without_images(html), html);
    }
}
