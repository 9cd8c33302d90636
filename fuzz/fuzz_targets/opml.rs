//! Feeds arbitrary bytes to the OPML reader, and writes back what it read.

#![no_main]

use libfuzzer_sys::fuzz_target;
use tidings_ingest::{parse_opml, write_opml};

fuzz_target!(|data: &[u8]| {
    if let Ok(feeds) = parse_opml(data) {
        let _ = write_opml("fuzz", &feeds);
    }
});
