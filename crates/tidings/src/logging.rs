//! Where the binary's log lines go and how they look: stderr, as text for people or as JSON
//! lines for a log collector, filtered by `TIDINGS_LOG`. Libraries' chatter about ordinary
//! pages (html5ever's notes on malformed markup) stays out unless asked for by name.

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LogFormat {
    /// One readable line per event.
    #[default]
    Text,
    /// One JSON object per event (timestamp, level, target, fields).
    Json,
}

/// What is logged when `TIDINGS_LOG` is not set.
const DEFAULT_FILTER: &str = "warn,tidings=info";

/// Parsers of outside HTML whose warnings describe the page, not a problem of the site.
const QUIET_TARGETS: [&str; 2] = ["html5ever", "markup5ever"];

/// The filter for `TIDINGS_LOG` (or the default): the quiet targets are limited to errors
/// unless the variable names them.
pub fn filter_directives(from_env: Option<&str>) -> String {
    let mut directives = from_env
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or(DEFAULT_FILTER)
        .to_owned();
    for target in QUIET_TARGETS {
        if !directives.contains(target) {
            directives.push_str(&format!(",{target}=error"));
        }
    }
    directives
}

/// Installs the process's log subscriber. An invalid `TIDINGS_LOG` falls back to the default
/// filter and says so on stderr.
pub fn init(format: LogFormat) {
    let from_env = std::env::var("TIDINGS_LOG").ok();
    let directives = filter_directives(from_env.as_deref());
    let filter = match tracing_subscriber::EnvFilter::try_new(&directives) {
        Ok(filter) => filter,
        Err(e) => {
            eprintln!("warning: TIDINGS_LOG is not a valid filter ({e}); using {DEFAULT_FILTER}");
            tracing_subscriber::EnvFilter::new(filter_directives(None))
        }
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().flatten_event(true).init(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_keeps_html_parsers_to_errors() {
        let f = filter_directives(None);
        assert!(f.starts_with(DEFAULT_FILTER), "{f}");
        assert!(f.contains("html5ever=error"), "{f}");
    }

    #[test]
    fn a_filter_that_names_html5ever_is_kept_as_given() {
        let f = filter_directives(Some("debug,html5ever=trace"));
        assert_eq!(f, "debug,html5ever=trace,markup5ever=error");
    }

    #[test]
    fn every_result_is_a_valid_filter() {
        for given in [None, Some(""), Some("info"), Some("tidings=debug")] {
            let f = filter_directives(given);
            assert!(tracing_subscriber::EnvFilter::try_new(&f).is_ok(), "{f}");
        }
    }
}
