//! `GET /metrics` in Prometheus text format: requests by route template and
//! status, their latency, database pool use, live connections, events
//! published and delivered, and failed sign-ins.

use std::{sync::OnceLock, time::Instant};

use axum::{
    extract::{MatchedPath, Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::state::AppState;

pub const LIVE_CONNECTIONS: &str = "qtable_live_connections";
pub const EVENTS_PUBLISHED: &str = "qtable_events_published_total";
pub const EVENTS_DELIVERED: &str = "qtable_events_delivered_total";
pub const LOGIN_FAILURES: &str = "qtable_login_failures_total";

/// The process-wide recorder (metrics macros report to one global recorder).
pub fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        PrometheusBuilder::new()
            .install_recorder()
            .expect("the metrics recorder is installed once")
    })
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(render))
}

/// Prometheus metrics of this instance.
#[utoipa::path(get, path = "/metrics", tag = "service",
    responses((status = 200, description = "Prometheus text format", content_type = "text/plain")))]
async fn render(State(state): State<AppState>) -> impl IntoResponse {
    let pool = &state.db;
    metrics::gauge!("qtable_db_pool_connections").set(f64::from(pool.size()));
    metrics::gauge!("qtable_db_pool_idle_connections").set(pool.num_idle() as f64);
    metrics::gauge!("qtable_db_pool_max_connections").set(f64::from(state.config.db_pool_size));
    (
        [("content-type", "text/plain; version=0.0.4")],
        handle().render(),
    )
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
