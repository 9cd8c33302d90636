//! Tidings' runtime: the ingestion pipeline with its article extraction glue, raw-page
//! retention and lead images, the story stage, and what lets many processes share one database — the
//! scheduler, the job worker and its jobs, leadership and the cross-process host slots — with
//! the configuration they need. It works on the storage traits of `tidings-core`; the backend
//! is opened by the caller and passed in.

pub mod article_extraction;
pub mod article_merge;
pub mod config;
pub mod host_slots;
pub mod job_panics;
pub mod jobs;
pub mod lead_images;
pub mod leadership;
pub mod metrics;
pub mod opml_import_job;
pub mod pipeline;
pub mod raw_page_retention;
pub mod scheduler;
pub mod site_boilerplate;
pub mod site_rules;
pub mod story_revisions;
pub mod story_stage;
pub mod worker;
