//! Tidings as a library: configuration loading, the app wiring (`App`: storage, the pipeline
//! and the process roles) and the commands. The runtime lives in `tidings-worker`, the demo
//! publishers in `tidings-demo`; the `tidings` binary is a thin CLI over this.

pub mod ai_config;
pub mod app;
pub mod cache_config;
pub mod commands;
pub mod config;
pub mod console_backend;
pub mod logging;
pub mod reader_config;
