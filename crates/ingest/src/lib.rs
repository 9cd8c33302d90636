//! Tidings ingestion: the one guarded HTTP client ([`fetcher`]), robots.txt
//! ([`robots`]), feed parsing ([`feed`]), feed discovery in HTML
//! ([`discover`]) and OPML import/export ([`opml`]).

pub mod feed;
pub mod fetcher;
pub mod robots;

pub use feed::{
    FeedEntry, FeedError, FeedFormat, FeedLimits, ParsedFeed, parse_feed, parse_feed_with,
};
pub use fetcher::{
    FetchError, FetchRequest, FetchedResponse, Fetcher, FetcherConfig, HostGate, HostPass,
};
pub use robots::RobotsCache;
pub mod discover;
pub mod opml;

pub use discover::{DiscoveredFeed, discover_feeds, looks_like_feed};
pub use opml::{OpmlError, OpmlFeed, parse_opml, write_opml};
