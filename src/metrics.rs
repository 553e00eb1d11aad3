//! The metrics every layer records (requests by route template and status,
//! their latency, live connections, events published and delivered, failed
//! sign-ins) and the process-wide recorder; `/metrics` (in `health`) renders them.

use std::{
    sync::OnceLock,
    time::{Duration, Instant},
};

use axum::{
    extract::{MatchedPath, Request},
    middleware::Next,
    response::Response,
};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

pub const LIVE_CONNECTIONS: &str = "qtable_live_connections";
pub const EVENTS_PUBLISHED: &str = "qtable_events_published_total";
pub const EVENTS_DELIVERED: &str = "qtable_events_delivered_total";
pub const LOGIN_FAILURES: &str = "qtable_login_failures_total";

/// Request latency buckets, in seconds: fixed buckets keep each series a
/// few counters, however many requests it counts.
const LATENCY_BUCKETS: [f64; 12] = [
    0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0,
];
/// Recorded values wait in a buffer until folded into their buckets: by a
/// scrape, or at the latest this often, so memory stays flat with no scraper.
const UPKEEP_INTERVAL: Duration = Duration::from_secs(5);

/// The process-wide recorder (metrics macros report to one global recorder).
pub fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let handle = PrometheusBuilder::new()
            .set_buckets(&LATENCY_BUCKETS)
            .expect("the latency buckets are not empty")
            .install_recorder()
            .expect("the metrics recorder is installed once");
        let upkeep = handle.clone();
        std::thread::Builder::new()
            .name("metrics-upkeep".into())
            .spawn(move || {
                loop {
                    std::thread::sleep(UPKEEP_INTERVAL);
                    upkeep.run_upkeep();
                }
            })
            .expect("spawning the metrics upkeep thread");
        handle
    })
}

/// Counts and times every request by method, route template and status.
pub async fn track(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let response = next.run(request).await;
    let labels = [
        ("method", method),
        ("route", route),
        ("status", response.status().as_u16().to_string()),
    ];
    metrics::counter!("qtable_http_requests_total", &labels).increment(1);
    metrics::histogram!("qtable_http_request_duration_seconds", &labels)
        .record(started.elapsed().as_secs_f64());
    response
}
