//! Owns [`FetchError`]: every way an outbound request can fail, each with a
//! one-line message that names the problem.

use std::net::IpAddr;
use std::time::Duration;

/// Why a fetch failed.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("refused: unsupported URL scheme {scheme:?} in {url} (only http and https)")]
    UnsupportedScheme { scheme: String, url: String },
    #[error("refused: URL has no host: {url}")]
    MissingHost { url: String },
    #[error("refused: {host} is a {class} address")]
    NonPublicHost { host: String, class: &'static str },
    #[error("refused: {host} resolves to {class} address {addr}")]
    NonPublicResolution {
        host: String,
        addr: IpAddr,
        class: &'static str,
    },
    #[error("response body exceeds {}", human_bytes(*limit))]
    BodyTooLarge { limit: u64 },
    #[error("too many redirects (more than {max})")]
    TooManyRedirects { max: u32 },
    #[error("redirect {status} from {from} has no usable Location header")]
    BadRedirect { status: u16, from: String },
    #[error("timed out after {}", human_duration(*after))]
    Timeout { after: Duration },
    #[error("could not connect to {host}: {detail}")]
    Connect { host: String, detail: String },
    #[error("HTTP {status} {}", reason_phrase(*status))]
    Status {
        status: u16,
        retry_after: Option<Duration>,
    },
    #[error("request to {url} failed: {detail}")]
    Transport { url: String, detail: String },
    #[error("could not get a request slot for {host}: {detail}")]
    HostGate { host: String, detail: String },
    #[error("could not build the HTTP client: {0}")]
    ClientSetup(String),
}

impl FetchError {
    /// Whether trying again later may succeed: timeouts, connection
    /// failures, transport errors, 5xx and 429.
    pub fn is_transient(&self) -> bool {
        match self {
            FetchError::Timeout { .. }
            | FetchError::Connect { .. }
            | FetchError::Transport { .. }
            | FetchError::HostGate { .. } => true,
            FetchError::Status { status, .. } => *status >= 500 || *status == 429,
            _ => false,
        }
    }

    /// A short, stable name for the kind of failure, for counting failures by kind (metrics
    /// labels): `refused`, `too_large`, `redirect`, `timeout`, `connect`, `http_status`,
    /// `transport`, `host_slot` or `client_setup`.
    pub fn kind(&self) -> &'static str {
        match self {
            FetchError::UnsupportedScheme { .. }
            | FetchError::MissingHost { .. }
            | FetchError::NonPublicHost { .. }
            | FetchError::NonPublicResolution { .. } => "refused",
            FetchError::BodyTooLarge { .. } => "too_large",
            FetchError::TooManyRedirects { .. } | FetchError::BadRedirect { .. } => "redirect",
            FetchError::Timeout { .. } => "timeout",
            FetchError::Connect { .. } => "connect",
            FetchError::Status { .. } => "http_status",
            FetchError::Transport { .. } => "transport",
            FetchError::HostGate { .. } => "host_slot",
            FetchError::ClientSetup(_) => "client_setup",
        }
    }

    /// The server's Retry-After, when the error is an HTTP status that had one.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            FetchError::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

fn reason_phrase(status: u16) -> &'static str {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("(unknown status)")
}

pub(crate) fn human_bytes(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= KIB && bytes.is_multiple_of(KIB) {
        format!("{} KiB", bytes / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

pub(crate) fn human_duration(d: Duration) -> String {
    if d.subsec_millis() == 0 && d.as_secs() > 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{}ms", d.as_millis())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_one_clear_line() {
        let cases = [
            (
                FetchError::BodyTooLarge {
                    limit: 10 * 1024 * 1024,
                },
                "response body exceeds 10 MiB",
            ),
            (
                FetchError::TooManyRedirects { max: 5 },
                "too many redirects (more than 5)",
            ),
            (
                FetchError::Timeout {
                    after: Duration::from_secs(20),
                },
                "timed out after 20s",
            ),
            (
                FetchError::Status {
                    status: 404,
                    retry_after: None,
                },
                "HTTP 404 Not Found",
            ),
            (
                FetchError::NonPublicResolution {
                    host: "example.test".into(),
                    addr: "10.0.0.1".parse().expect("ip"),
                    class: "private",
                },
                "refused: example.test resolves to private address 10.0.0.1",
            ),
        ];
        for (err, want) in cases {
            assert_eq!(err.to_string(), want);
        }
    }

    #[test]
    fn transient_classification() {
        let status = |s| FetchError::Status {
            status: s,
            retry_after: None,
        };
        assert!(status(503).is_transient());
        assert!(status(429).is_transient());
        assert!(!status(404).is_transient());
        assert!(!FetchError::TooManyRedirects { max: 5 }.is_transient());
        assert!(
            FetchError::Timeout {
                after: Duration::from_secs(1)
            }
            .is_transient()
        );
    }
}
