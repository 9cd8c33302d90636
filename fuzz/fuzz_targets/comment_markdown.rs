//! Feeds arbitrary text to the comment Markdown renderer (pulldown-cmark, then ammonia).

#![no_main]

use libfuzzer_sys::fuzz_target;
use tidings_web::readers::render_comment_markdown;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = render_comment_markdown(text);
    }
});
