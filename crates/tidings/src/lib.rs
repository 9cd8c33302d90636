//! Tidings as a library: configuration, the ingestion pipeline and scheduler, the commands,
//! and the demo publishers. The `tidings` binary is a thin CLI over this.

pub mod ai_config;
pub mod app;
pub mod article_extraction;
pub mod commands;
pub mod config;
pub mod demo;
pub mod pipeline;
pub mod raw_page_retention;
pub mod reader_config;
pub mod scheduler;
pub mod site_rules;
pub mod story_eval;
pub mod story_stage;
pub mod synthetic;
