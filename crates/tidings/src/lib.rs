//! Tidings as a library: configuration, the ingestion pipeline, the scheduler, job worker and
//! leadership that let many processes share one database, the commands, and the demo
//! publishers. The `tidings` binary is a thin CLI over this.

pub mod ai_config;
pub mod app;
pub mod article_extraction;
pub mod bench_population;
pub mod bench_workers;
pub mod commands;
pub mod config;
pub mod demo;
pub mod host_slots;
pub mod jobs;
pub mod leadership;
pub mod pipeline;
pub mod raw_page_retention;
pub mod reader_config;
pub mod scheduler;
pub mod site_boilerplate;
pub mod site_rules;
pub mod story_eval;
pub mod story_stage;
pub mod synthetic;
pub mod worker;
