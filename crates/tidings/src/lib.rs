//! Tidings as a library: configuration, the ingestion pipeline and scheduler, the commands,
//! and the demo publishers. The `tidings` binary is a thin CLI over this.

pub mod app;
pub mod commands;
pub mod config;
pub mod demo;
pub mod enrich;
pub mod pipeline;
pub mod scheduler;
pub mod synthetic;
