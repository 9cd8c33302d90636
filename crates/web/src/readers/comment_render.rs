//! A comment's Markdown (emphasis, links, quotes, code, lists) rendered to HTML and sanitized.
//! Raw HTML in the Markdown is shown as text; only a short list of tags survives; links may
//! only be http(s) or mailto and get `rel="nofollow ugc noopener"`.

use std::collections::HashSet;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd, html};

/// The tags a rendered comment may contain.
const ALLOWED_TAGS: &[&str] = &[
    "p",
    "br",
    "em",
    "strong",
    "del",
    "a",
    "blockquote",
    "code",
    "pre",
    "ul",
    "ol",
    "li",
];

/// Renders `markdown` to sanitized HTML.
pub fn render_comment_markdown(markdown: &str) -> String {
    let parser =
        Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH).map(|event| match event {
            // Raw HTML is text, not markup.
            Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
            // Headings and images become plain paragraphs and their alt text.
            Event::Start(Tag::Heading { .. }) => Event::Start(Tag::Paragraph),
            Event::End(TagEnd::Heading(_)) => Event::End(TagEnd::Paragraph),
            other => other,
        });
    let mut unsafe_html = String::with_capacity(markdown.len() * 2);
    html::push_html(&mut unsafe_html, parser);
    sanitize_comment_html(&unsafe_html)
}

fn sanitize_comment_html(html: &str) -> String {
    let tags: HashSet<&str> = ALLOWED_TAGS.iter().copied().collect();
    let schemes: HashSet<&str> = ["http", "https", "mailto"].into_iter().collect();
    ammonia::Builder::default()
        .tags(tags)
        .generic_attributes(HashSet::new())
        .tag_attributes(std::iter::once(("a", std::iter::once("href").collect())).collect())
        .url_schemes(schemes)
        .url_relative(ammonia::UrlRelative::Deny)
        .link_rel(Some("nofollow ugc noopener"))
        .clean(html)
        .to_string()
}

/// How many links the rendered comment holds.
pub fn link_count(html: &str) -> usize {
    html.matches("<a ").count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_subset_renders() {
        let html = render_comment_markdown(
            "*em* **strong** `code`\n\n> quoted\n\n[site](https://example.org/)",
        );
        assert!(html.contains("<em>em</em>"), "{html}");
        assert!(html.contains("<strong>strong</strong>"), "{html}");
        assert!(html.contains("<code>code</code>"), "{html}");
        assert!(html.contains("<blockquote>"), "{html}");
        assert!(
            html.contains(r#"<a href="https://example.org/" rel="nofollow ugc noopener">site</a>"#),
            "{html}"
        );
        assert_eq!(link_count(&html), 1);
    }

    #[test]
    fn raw_html_and_bad_links_are_defused() {
        let html = render_comment_markdown(
            "<script>alert(1)</script>\n\nSee [x](javascript:alert(1)) <img src=x onerror=alert(1)> ![i](https://e.example/i.png)\n\n# Big",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("href=\"javascript"), "{html}");
        assert!(
            html.contains("<a rel=\"nofollow ugc noopener\">x</a>"),
            "{html}"
        );
        assert!(html.contains("&lt;script&gt;"), "shown as text: {html}");
        assert!(!html.contains("<h1"), "{html}");
    }
}
