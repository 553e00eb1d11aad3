//! The host stand in the browser: a single page at `/app` and its assets
//! under `/app/...`, compiled into the binary (plain ES modules and CSS, no
//! build step), so `cargo run` alone gives a restaurant something to use. The
//! page talks only to this service's own JSON API and live socket; these
//! routes are not part of that API, so they stay out of the OpenAPI document.

use axum::{
    Router,
    http::{HeaderMap, HeaderValue, header},
    response::{IntoResponse, Response},
    routing::get,
};

use crate::{error::ApiError, http::AppPath, state::AppState};

/// One file of the page: its name under `/app/`, media type and bytes.
struct Asset {
    name: &'static str,
    media_type: &'static str,
    body: &'static [u8],
}

macro_rules! asset {
    ($name:literal, $media_type:expr) => {
        Asset {
            name: $name,
            media_type: $media_type,
            body: include_bytes!(concat!("assets/", $name)),
        }
    };
}

const JS: &str = "text/javascript; charset=utf-8";

/// The page first: `/app` itself serves it.
const ASSETS: &[Asset] = &[
    asset!("index.html", "text/html; charset=utf-8"),
    asset!("app.css", "text/css; charset=utf-8"),
    asset!("icon.svg", "image/svg+xml"),
    asset!("main.js", JS),
    asset!("api.js", JS),
    asset!("live.js", JS),
    asset!("store.js", JS),
    asset!("dom.js", JS),
    asset!("signin.js", JS),
    asset!("floor.js", JS),
    asset!("seat.js", JS),
    asset!("waitlist.js", JS),
    asset!("book.js", JS),
    asset!("manage.js", JS),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/app", get(page))
        .route("/app/", get(page))
        .route("/app/{file}", get(file))
}

async fn page(headers: HeaderMap) -> Response {
    serve(&ASSETS[0], &headers)
}

async fn file(AppPath(name): AppPath<String>, headers: HeaderMap) -> Response {
    match ASSETS.iter().find(|asset| asset.name == name) {
        Some(asset) => serve(asset, &headers),
        None => ApiError::NotFound("file").into_response(),
    }
}

/// The asset with the headers that keep the page to its own origin. Assets
/// are fetched afresh on every load (they are small), so a new binary's page
/// is never mixed with an old one's modules.
fn serve(asset: &Asset, headers: &HeaderMap) -> Response {
    let policy = content_security_policy(headers.get(header::HOST));
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(asset.media_type),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            (header::CONTENT_SECURITY_POLICY, policy),
            (
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            ),
            (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
            (
                header::HeaderName::from_static("cross-origin-opener-policy"),
                HeaderValue::from_static("same-origin"),
            ),
        ],
        asset.body,
    )
        .into_response()
}

/// Nothing but this origin: no inline script or style, no frames, no other
/// hosts. `connect-src` names the socket's `ws:`/`wss:` origin explicitly,
/// since older browsers do not count it as `'self'`; a Host header that is not
/// a plain host name (and port) is left out rather than echoed into the policy.
fn content_security_policy(host: Option<&HeaderValue>) -> HeaderValue {
    let sockets = host
        .and_then(|host| host.to_str().ok())
        .filter(|host| is_plain_host(host))
        .map(|host| format!(" ws://{host} wss://{host}"))
        .unwrap_or_default();
    let policy = format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; \
         connect-src 'self'{sockets}; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    );
    HeaderValue::from_str(&policy)
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'"))
}

fn is_plain_host(host: &str) -> bool {
    !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_names_the_sockets_of_a_plain_host_only() {
        let plain = content_security_policy(Some(&HeaderValue::from_static("localhost:8000")));
        assert!(
            plain
                .to_str()
                .unwrap()
                .contains("connect-src 'self' ws://localhost:8000 wss://localhost:8000;")
        );

        let odd = content_security_policy(Some(&HeaderValue::from_static("x; script-src *")));
        assert!(odd.to_str().unwrap().contains("connect-src 'self';"));
        assert!(!odd.to_str().unwrap().contains('*'));
    }

    #[test]
    fn every_asset_has_a_distinct_name() {
        let mut names: Vec<_> = ASSETS.iter().map(|asset| asset.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ASSETS.len());
    }
}
