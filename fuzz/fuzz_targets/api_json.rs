//! Feeds arbitrary bytes to the serde types the web API reads from JSON bodies.

#![no_main]

use libfuzzer_sys::fuzz_target;
use tidings_web::ai::AskBody;
use tidings_web::readers::{EditCommentJson, NewCommentJson};

fuzz_target!(|data: &[u8]| {
    let _ = serde_json::from_slice::<NewCommentJson>(data);
    let _ = serde_json::from_slice::<EditCommentJson>(data);
    let _ = serde_json::from_slice::<AskBody>(data);
});
