//! Tidings ingestion: the one guarded HTTP client ([`fetcher`]), robots.txt
//! ([`robots`]), feed parsing ([`feed`]), feed discovery in HTML
//! ([`discover`]) and OPML import/export ([`opml`]).

pub mod fetcher;

pub use fetcher::{FetchError, FetchRequest, FetchedResponse, Fetcher, FetcherConfig};
