//! Feeds arbitrary bytes to the robots.txt reader and asks it about a few URLs.

#![no_main]

use libfuzzer_sys::fuzz_target;
use tidings_ingest::robots::read_robots;

fuzz_target!(|data: &[u8]| {
    if let Ok(robot) = read_robots("Tidings", data) {
        for url in ["https://example.org/", "https://example.org/private/x?y=1", "/a%2Fb"] {
            let _ = robot.allowed(url);
        }
    }
});
