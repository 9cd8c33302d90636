//! HTTP requests by route, method and status, with their durations: a middleware in front
//! of every route. The route is the pattern axum matched (`/article/:id`), so the label's
//! values are bounded by the router; a request no route matched counts as `unmatched`.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::{Registry, Unit};

use crate::AppState;

/// The route label of requests no route matched.
const UNMATCHED: &str = "unmatched";

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    method: &'static str,
    status: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
    method: &'static str,
}

type DurationFamily = Family<RouteLabels, Histogram, fn() -> Histogram>;

#[derive(Debug, Clone)]
pub(super) struct HttpMetrics {
    requests: Family<RequestLabels, Counter>,
    durations: DurationFamily,
}

fn duration_histogram() -> Histogram {
    // 1 ms to about 16 s (requests time out at 15 s).
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

impl Default for HttpMetrics {
    fn default() -> Self {
        HttpMetrics {
            requests: Family::default(),
            durations: Family::new_with_constructor(duration_histogram),
        }
    }
}

impl HttpMetrics {
    pub(super) fn register(&self, registry: &mut Registry) {
        registry.register(
            "http_requests",
            "HTTP requests answered, by route, method and status",
            self.requests.clone(),
        );
        registry.register_with_unit(
            "http_request_duration",
            "Time from a request's arrival to its response's headers, by route and method",
            Unit::Seconds,
            self.durations.clone(),
        );
    }

    fn observe(&self, route: String, method: &'static str, status: u16, seconds: f64) {
        self.durations
            .get_or_create(&RouteLabels {
                route: route.clone(),
                method,
            })
            .observe(seconds);
        self.requests
            .get_or_create(&RequestLabels {
                route,
                method,
                status,
            })
            .inc();
    }
}

/// The method as a label: the standard ones by name, any other as `other` (clients may send
/// any token as a method).
fn method_label(method: &Method) -> &'static str {
    const KNOWN: [(Method, &str); 9] = [
        (Method::GET, "GET"),
        (Method::HEAD, "HEAD"),
        (Method::POST, "POST"),
        (Method::PUT, "PUT"),
        (Method::DELETE, "DELETE"),
        (Method::PATCH, "PATCH"),
        (Method::OPTIONS, "OPTIONS"),
        (Method::CONNECT, "CONNECT"),
        (Method::TRACE, "TRACE"),
    ];
    KNOWN
        .iter()
        .find(|(known, _)| known == method)
        .map_or("other", |(_, name)| name)
}

/// The matched route as a label, its parameters written `:name` (`/article/:id`): braces
/// are repetition syntax in PromQL's regular expressions. The catch-all behind a nested
/// router's fallback is no route of ours.
fn route_label(matched: Option<&MatchedPath>) -> String {
    match matched.map(MatchedPath::as_str) {
        Some(route) if !route.contains("__private__") => {
            route.replace("{*", "*").replace('{', ":").replace('}', "")
        }
        _ => UNMATCHED.to_owned(),
    }
}

/// The middleware: counts every response and the time it took.
pub async fn count_requests(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let route = route_label(request.extensions().get::<MatchedPath>());
    let method = method_label(request.method());
    let started = Instant::now();
    let response = next.run(request).await;
    state.metrics.http().observe(
        route,
        method,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unusual_methods_share_one_label() {
        assert_eq!(method_label(&Method::GET), "GET");
        let odd = Method::from_bytes(b"BREW").expect("method");
        assert_eq!(method_label(&odd), "other");
        assert_eq!(route_label(None), UNMATCHED);
    }
}
