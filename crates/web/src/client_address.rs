//! Who is on the other end of a request: the one place the client's address is read, for
//! every throttle (sign-in, registration, posting, AI questions). Behind a reverse proxy
//! (`[accounts] trust_forwarded_for`) it is the last `X-Forwarded-For` hop, the one the
//! proxy itself added; otherwise the connection's address.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;

use crate::AppState;

/// The client's address, or `None` when neither the connection nor a trusted proxy told.
pub fn client_address(parts: &Parts, trust_forwarded_for: bool) -> Option<IpAddr> {
    if trust_forwarded_for
        && let Some(last) = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .rfind(|hop| !hop.is_empty())
        && let Some(address) = parse_hop(last)
    {
        return Some(address);
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip())
}

/// A hop as proxies write it: an address, perhaps with a port or in brackets.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .or_else(|| {
            hop.strip_prefix('[')
                .and_then(|h| h.strip_suffix(']'))
                .and_then(|h| h.parse().ok())
        })
}

/// The client's address as an extractor (one shared "unspecified" bucket when unknown).
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(
            client_address(parts, state.accounts.trust_forwarded_for)
                .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request;

    fn parts(forwarded: &[&str]) -> Parts {
        let mut request = Request::get("/");
        for value in forwarded {
            request = request.header("x-forwarded-for", *value);
        }
        let (mut parts, ()) = request.body(()).expect("request").into_parts();
        parts
            .extensions
            .insert(ConnectInfo(SocketAddr::from(([10, 0, 0, 9], 4000))));
        parts
    }

    #[test]
    fn the_last_hop_counts_only_behind_a_trusted_proxy() {
        let request = parts(&["198.51.100.1, 203.0.113.5"]);
        assert_eq!(
            client_address(&request, true),
            Some([203, 0, 113, 5].into())
        );
        assert_eq!(client_address(&request, false), Some([10, 0, 0, 9].into()));
        let two_headers = parts(&["198.51.100.1", "[2001:db8::1]:443"]);
        assert_eq!(
            client_address(&two_headers, true),
            Some("2001:db8::1".parse().expect("v6"))
        );
        let garbage = parts(&["not an address"]);
        assert_eq!(client_address(&garbage, true), Some([10, 0, 0, 9].into()));
    }
}
