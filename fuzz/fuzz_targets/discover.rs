//! Feeds arbitrary bytes to feed discovery: the feed sniffer and the HTML link reader.

#![no_main]

use libfuzzer_sys::fuzz_target;
use tidings_ingest::{discover_feeds, looks_like_feed};

fuzz_target!(|data: &[u8]| {
    let _ = looks_like_feed(data, None);
    let _ = looks_like_feed(data, Some("text/html"));
    let base = url::Url::parse("https://example.org/blog/").expect("url");
    let _ = discover_feeds(&String::from_utf8_lossy(data), &base);
});
