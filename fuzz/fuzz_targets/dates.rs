//! Feeds arbitrary text to the lenient feed date reader.

#![no_main]

use libfuzzer_sys::fuzz_target;
use tidings_ingest::feed::parse_date;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = parse_date(text);
    }
});
