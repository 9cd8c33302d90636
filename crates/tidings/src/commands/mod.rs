//! The CLI's commands, as library functions the binary calls and tests drive.

pub mod backup;
pub mod demo;
pub mod extract;
pub mod feeds;
pub mod import;
pub mod jobs;
pub mod migrate_data;
pub mod opml;
pub mod reextract;
pub mod summarize;
pub mod users;
