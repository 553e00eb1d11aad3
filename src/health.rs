//! `GET /health`: the service and its database, answered within a bound; and
//! `GET /metrics` in Prometheus text format.

use std::time::Duration;

use axum::{Json, extract::State, http::StatusCode, response::IntoResponse};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{db::statements, metrics, state::AppState};

statements! {
    PING = "select 1";
}

/// A load balancer must get an answer well within its own timeout.
const DATABASE_CHECK_TIMEOUT: Duration = Duration::from_secs(2);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(health))
        .routes(routes!(render_metrics))
}

/// Prometheus metrics of this instance.
#[utoipa::path(get, path = "/metrics", tag = "service",
    responses((status = 200, description = "Prometheus text format", content_type = "text/plain")))]
async fn render_metrics(State(state): State<AppState>) -> impl IntoResponse {
    let pool = &state.db;
    ::metrics::gauge!("qtable_db_pool_connections").set(f64::from(pool.size()));
    ::metrics::gauge!("qtable_db_pool_idle_connections").set(pool.num_idle() as f64);
    ::metrics::gauge!("qtable_db_pool_max_connections").set(f64::from(state.config.db_pool_size));
    (
        [("content-type", "text/plain; version=0.0.4")],
        metrics::handle().render(),
    )
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// Always `qtable-api` (the key today's app reads from the Python service).
    pub service: &'static str,
    /// `ok`, or `unavailable` when the database does not answer.
    pub status: &'static str,
    /// `ok` or `unreachable`.
    pub database: &'static str,
    pub version: &'static str,
}

/// Liveness and database reachability.
#[utoipa::path(get, path = "/health", tag = "service", responses(
    (status = 200, description = "Service and database are up", body = Health),
    (status = 503, description = "The database did not answer in time", body = Health),
))]
async fn health(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let (status, database, code) = if database_answers(&state).await {
        ("ok", "ok", StatusCode::OK)
    } else {
        (
            "unavailable",
            "unreachable",
            StatusCode::SERVICE_UNAVAILABLE,
        )
    };
    let version = env!("CARGO_PKG_VERSION");
    (
        code,
        Json(Health {
            service: "qtable-api",
            status,
            database,
            version,
        }),
    )
}

/// One retry: after a database restart, the first pooled connection tried may
/// be one that died with the old server (it is discarded on that error).
async fn database_answers(state: &AppState) -> bool {
    let check = async {
        for _ in 0..2 {
            // One message of the simple protocol: nothing prepared, so it
            // needs no transaction behind a transaction pooler.
            if sqlx::raw_sql(PING).execute(&state.db).await.is_ok() {
                return true;
            }
        }
        false
    };
    tokio::time::timeout(DATABASE_CHECK_TIMEOUT, check)
        .await
        .unwrap_or(false)
}
