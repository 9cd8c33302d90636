//! What the console asks of the binary: feed discovery and adding through the guarded
//! fetcher, OPML export, the effective configuration (secrets masked) and a test of the AI
//! endpoint. Without a backend (tests of other pages, previews) those parts say so.

use std::sync::Arc;

use async_trait::async_trait;
use tidings_core::{Feed, RepublishPolicy};

/// The job kind that imports an uploaded OPML document; its key is the operator task's id
/// and its payload the document.
pub const IMPORT_OPML_JOB: &str = "import_opml";

/// A feed found at a URL the operator gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundFeed {
    pub url: String,
    pub title: Option<String>,
    /// "the URL is a feed" or "linked from the page".
    pub how: String,
}

/// A feed to add, as the operator chose it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddFeedRequest {
    pub url: String,
    pub publisher: Option<String>,
    pub policy: Option<RepublishPolicy>,
    pub interval_minutes: Option<u32>,
    /// Whether the feed may be fetched from loopback or private addresses.
    pub allow_private: bool,
}

/// One line of the effective configuration: a dotted name and its value, masked when secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingLine {
    pub name: String,
    pub value: String,
}

/// The console's link to the rest of the application.
#[async_trait]
pub trait ConsoleBackend: Send + Sync {
    /// The feeds at `url`: the URL itself when it is a feed, else those its page links to.
    async fn discover(&self, url: &str, allow_private: bool) -> Result<Vec<FoundFeed>, String>;
    /// Fetches and reads the feed, then stores it.
    async fn add_feed(&self, request: AddFeedRequest) -> Result<Feed, String>;
    /// The OPML document listing every feed.
    async fn export_opml(&self) -> Result<String, String>;
    /// The configuration in effect, secrets masked.
    fn settings(&self) -> Vec<SettingLine>;
    /// Asks the configured AI endpoint for a short answer; says what came back or failed.
    async fn test_ai(&self) -> Result<String, String>;
}

/// The console's services in the app state.
#[derive(Clone, Default)]
pub struct AdminServices {
    backend: Option<Arc<dyn ConsoleBackend>>,
}

impl AdminServices {
    pub fn new(backend: Arc<dyn ConsoleBackend>) -> Self {
        AdminServices {
            backend: Some(backend),
        }
    }

    /// The backend, or a message saying this process has none.
    pub fn backend(&self) -> Result<&dyn ConsoleBackend, String> {
        self.backend
            .as_deref()
            .ok_or_else(|| "this server was started without the console's backend".to_owned())
    }
}
