//! Feeds arbitrary text to the configuration reader (TOML over the defaults, validated).

#![no_main]

use libfuzzer_sys::fuzz_target;
use tidings::config::Config;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Config::from_toml_str(text);
    }
});
