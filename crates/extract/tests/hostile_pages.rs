//! Pages written to hurt the extractor: a `<base href>` on a tracker's domain, and markup
//! nested far deeper than any page needs, run on the 2 MiB stack a worker thread has.

use tidings_extract::{ExtractOptions, extract, html_to_text, same_site, sanitize_fragment};
use url::Url;

const SMALL_STACK: usize = 2 * 1024 * 1024;

fn on_small_stack<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(SMALL_STACK)
        .spawn(work)
        .expect("thread")
        .join()
        .expect("panicked")
}

fn page(base: &str) -> String {
    let text =
        "The council met on Monday and agreed the new budget for the harbour works. ".repeat(12);
    let other =
        "Engineers said the piles had rotted faster than the survey had predicted. ".repeat(6);
    format!(
        "<html><head><base href=\"{base}\"><title>Budget</title></head><body><article>\
         <h1>Budget</h1><p>{text}</p><figure><img src=\"img/chart.png\" alt=\"chart\"></figure>\
         <p>{other} <a href=\"more.html\">more</a> {other}</p></article></body></html>"
    )
}

#[test]
fn a_base_on_another_site_is_ignored() {
    let url = Url::parse("https://news.example/2026/budget.html").ok();
    let opts = ExtractOptions { url };
    let foreign =
        extract(page("https://tracker.example/p/").as_bytes(), None, &opts).expect("extracted");
    assert!(
        !foreign.html.contains("tracker.example"),
        "{}",
        foreign.html
    );
    assert!(
        foreign
            .html
            .contains("https://news.example/2026/img/chart.png"),
        "{}",
        foreign.html
    );
    let own = extract(
        page("https://static.news.example/a/").as_bytes(),
        None,
        &opts,
    )
    .expect("extracted");
    assert!(
        own.html
            .contains("https://static.news.example/a/img/chart.png"),
        "{}",
        own.html
    );
}

#[test]
fn same_site_means_the_host_or_its_subdomains() {
    let u = |s: &str| Url::parse(s).expect("url");
    assert!(same_site(
        &u("https://www.news.example/x"),
        &u("http://news.example/")
    ));
    assert!(same_site(
        &u("https://cdn.news.example/"),
        &u("https://www.news.example/")
    ));
    assert!(!same_site(
        &u("https://news.example.evil/"),
        &u("https://news.example/")
    ));
    assert!(!same_site(
        &u("https://evilnews.example/"),
        &u("https://news.example/")
    ));
    assert!(!same_site(
        &u("https://tracker.example/"),
        &u("https://news.example/")
    ));
}

#[test]
fn deeply_nested_pages_and_fragments_neither_crash_nor_lose_their_text() {
    for tag in ["div", "a", "span", "b", "blockquote"] {
        let depth = 100_000;
        let html = format!(
            "<html><body><article>{}deep words here{}</article></body></html>",
            format!("<{tag}>").repeat(depth),
            format!("</{tag}>").repeat(depth)
        );
        let (text, clean, fragment_text) = on_small_stack(move || {
            let opts = ExtractOptions::default();
            let text = extract(html.as_bytes(), None, &opts).map(|a| a.text);
            let clean = sanitize_fragment(&html, None);
            let fragment_text = html_to_text(&clean);
            (text, clean, fragment_text)
        });
        // The extractor reads pages up to a nesting bound; either way it returns.
        let _ = text;
        assert!(clean.contains("deep words here"), "{tag}: text lost");
        assert!(
            clean.matches(&format!("<{tag}")).count() <= tidings_extract::MAX_FRAGMENT_DEPTH,
            "{tag}: nesting kept"
        );
        assert!(fragment_text.contains("deep words here"));
    }
}

#[test]
fn a_page_nested_to_the_parse_bound_renders_on_a_small_stack() {
    let depth = 2_900;
    let words = "Harbour works start in the spring after the vote of the council. ".repeat(10);
    let html = format!(
        "<html><body>{}<p>{words}</p>{}</body></html>",
        "<div>".repeat(depth),
        "</div>".repeat(depth)
    );
    let extracted = on_small_stack(move || {
        extract(html.as_bytes(), None, &ExtractOptions::default()).map(|a| a.text)
    });
    assert!(
        extracted
            .expect("extracted")
            .contains("Harbour works start")
    );
}
