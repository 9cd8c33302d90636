//! Feeds arbitrary bytes to the feed parser (RSS, Atom, JSON Feed, the XML repair pass)
//! under default and tiny limits, with and without a content-type charset. Any panic or
//! stack overflow is a bug.

#![no_main]

use libfuzzer_sys::fuzz_target;
use tidings_ingest::{FeedLimits, parse_feed, parse_feed_with};

fuzz_target!(|data: &[u8]| {
    let base = url::Url::parse("https://example.org/feed.xml").expect("url");
    let (content_type, body) = match data.split_first() {
        Some((0, rest)) => (Some("application/rss+xml; charset=windows-1252"), rest),
        Some((1, rest)) => (Some("text/xml; charset=utf-16"), rest),
        _ => (None, data),
    };
    let _ = parse_feed(body, content_type, &base);
    let tiny = FeedLimits {
        max_depth: 4,
        max_elements: 50,
        max_attributes: 2,
        max_entity_chars: 8,
        max_expansion_chars: 64,
        max_entries: 3,
        max_title_chars: 5,
        ..FeedLimits::default()
    };
    let _ = parse_feed_with(body, content_type, &base, &tiny, chrono::Utc::now());
});
