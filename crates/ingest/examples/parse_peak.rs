//! Peak-memory probe for feed parsing: builds an RSS feed of N entries in memory (about 90
//! bytes each, so 100,000 entries make a 9 MB body), parses it once and prints what was kept.
//! Run under `/usr/bin/time -v` and read "Maximum resident set size".
//!
//!   cargo run --release -p tidings-ingest --example parse_peak -- 100000 [unlimited]
//!
//! `unlimited` lifts every count limit (entries, elements), showing what parsing costs when
//! the feed decides.

use chrono::Utc;
use tidings_ingest::{FeedLimits, parse_feed_with};
use url::Url;

fn main() {
    let mut args = std::env::args().skip(1);
    let entries: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(100_000);
    let unlimited = args.next().is_some_and(|a| a == "unlimited");
    let mut body =
        String::from("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Big</title>");
    for n in 0..entries {
        body.push_str(&format!(
            "<item><title>Entry {n}</title><link>https://example.org/{n}</link><guid>g{n}</guid></item>"
        ));
    }
    body.push_str("</channel></rss>");
    let limits = if unlimited {
        FeedLimits {
            max_entries: usize::MAX,
            max_elements: usize::MAX,
            ..FeedLimits::default()
        }
    } else {
        FeedLimits::default()
    };
    let base = Url::parse("https://example.org/feed.xml").expect("url");
    match parse_feed_with(body.as_bytes(), None, &base, &limits, Utc::now()) {
        Ok(feed) => println!(
            "body {} bytes, {} entries kept, notes: {}",
            body.len(),
            feed.entries.len(),
            feed.notes.summary().unwrap_or_default()
        ),
        Err(e) => println!("error: {e}"),
    }
}
