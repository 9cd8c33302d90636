//! Feeds arbitrary text to the `tidings import` line parser (JSON, URLs, HTML, enrichment).

#![no_main]

use libfuzzer_sys::fuzz_target;
use tidings::commands::import::article_from_line;

fuzz_target!(|data: &[u8]| {
    if let Ok(line) = std::str::from_utf8(data) {
        let _ = article_from_line(line);
    }
});
