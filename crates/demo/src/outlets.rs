//! The fictional outlets of the demo: names, feed formats and which page layout each one uses.

/// The syndication format an outlet publishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FeedFormatKind {
    /// RSS 2.0.
    Rss2,
    /// RSS 1.0 (RDF).
    Rss1,
    /// Atom 1.0.
    Atom,
    /// JSON Feed 1.1.
    JsonFeed,
}

impl FeedFormatKind {
    /// File name of the feed under the outlet's path prefix.
    pub fn file_name(self) -> &'static str {
        match self {
            Self::Rss2 => "feed.xml",
            Self::Rss1 => "index.rdf",
            Self::Atom => "atom.xml",
            Self::JsonFeed => "feed.json",
        }
    }

    /// The `Content-Type` the feed is served with.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Rss2 => "application/rss+xml; charset=utf-8",
            Self::Rss1 => "application/rdf+xml; charset=utf-8",
            Self::Atom => "application/atom+xml; charset=utf-8",
            Self::JsonFeed => "application/feed+json; charset=utf-8",
        }
    }

    /// The `type` of the `<link rel="alternate">` that advertises the feed on the home page.
    pub fn discovery_type(self) -> &'static str {
        match self {
            Self::Rss2 | Self::Rss1 => "application/rss+xml",
            Self::Atom => "application/atom+xml",
            Self::JsonFeed => "application/feed+json",
        }
    }
}

/// How an outlet's article pages are built; each layout uses a different element structure and
/// class vocabulary so extraction is tested against more than one kind of page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageLayout {
    /// `<article>` with `div.article-body`, JSON-LD `NewsArticle`.
    Classic,
    /// `<main>` with `div.entry-content` and schema.org microdata, `meta name=author`.
    Blog,
    /// Nested `<div>`s only (`#storytext`), ads between paragraphs, JSON-LD.
    DivSoup,
    /// `article.c-article` with BEM-style `section` blocks and `<address>` bylines.
    Sectioned,
}

/// Static description of one fictional outlet.
#[derive(Debug, Clone, Copy)]
pub struct OutletProfile {
    pub slug: &'static str,
    pub name: &'static str,
    pub tagline: &'static str,
    pub format: FeedFormatKind,
    pub layout: PageLayout,
    /// Whether feed items carry the whole article rather than its first paragraph.
    pub full_content_in_feed: bool,
}

/// The eight demo outlets, in the order they are listed.
pub const OUTLETS: [OutletProfile; 8] = [
    OutletProfile {
        slug: "harbor-ledger",
        name: "The Harbor Ledger",
        tagline: "News from the waterfront and beyond",
        format: FeedFormatKind::Rss2,
        layout: PageLayout::Classic,
        full_content_in_feed: true,
    },
    OutletProfile {
        slug: "northfield-courier",
        name: "Northfield Courier",
        tagline: "Serving Northfield since 1887",
        format: FeedFormatKind::Atom,
        layout: PageLayout::Blog,
        full_content_in_feed: false,
    },
    OutletProfile {
        slug: "metro-wire",
        name: "Metro Wire",
        tagline: "Fast news, all day",
        format: FeedFormatKind::JsonFeed,
        layout: PageLayout::DivSoup,
        full_content_in_feed: false,
    },
    OutletProfile {
        slug: "daily-meridian",
        name: "The Daily Meridian",
        tagline: "Independent reporting at noon and midnight",
        format: FeedFormatKind::Rss1,
        layout: PageLayout::Sectioned,
        full_content_in_feed: false,
    },
    OutletProfile {
        slug: "valley-sentinel",
        name: "Valley Sentinel",
        tagline: "Watching over the valley",
        format: FeedFormatKind::Rss2,
        layout: PageLayout::Blog,
        full_content_in_feed: false,
    },
    OutletProfile {
        slug: "coastline-gazette",
        name: "Coastline Gazette",
        tagline: "The coast's paper of record",
        format: FeedFormatKind::Atom,
        layout: PageLayout::Classic,
        full_content_in_feed: false,
    },
    OutletProfile {
        slug: "evening-lantern",
        name: "The Evening Lantern",
        tagline: "Tonight's news, lit up",
        format: FeedFormatKind::JsonFeed,
        layout: PageLayout::Sectioned,
        full_content_in_feed: false,
    },
    OutletProfile {
        slug: "pinecrest-observer",
        name: "Pinecrest Observer",
        tagline: "Observed, checked, reported",
        format: FeedFormatKind::Rss2,
        layout: PageLayout::DivSoup,
        full_content_in_feed: false,
    },
];

/// Looks an outlet up by slug.
pub fn outlet_by_slug(slug: &str) -> Option<&'static OutletProfile> {
    OUTLETS.iter().find(|o| o.slug == slug)
}
