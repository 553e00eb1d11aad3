//! Security headers, CORS, metrics, and riding out a database outage.

use std::time::{Duration, Instant};

use qtable::{
    config::{CorsOrigins, Environment},
    embedded_pg::EmbeddedPostgres,
};
use reqwest::Method;
use serde_json::json;
use sqlx::postgres::PgConnectOptions;

use crate::helpers::{
    TestApp,
    postgres::{
        private_cluster_options, restart_private_cluster, start_private_cluster,
        stop_private_cluster,
    },
    test_config,
};

#[tokio::test]
async fn auth_responses_are_not_stored_and_every_response_is_nosniff() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;

    let login = app.login(&owner.email, crate::helpers::PASSWORD).await;
    let me = app.me(&owner.token).await;
    let tables = app.get_tables(&owner).await;

    for reply in [&login, &me] {
        assert_eq!(reply.headers["cache-control"], "no-store");
    }
    assert_eq!(tables.headers["x-content-type-options"], "nosniff");
    assert!(
        tables.headers.get("strict-transport-security").is_none(),
        "no HSTS in development"
    );
}

#[tokio::test]
async fn production_sends_hsts_and_allows_only_configured_origins() {
    let mut config = test_config();
    config.environment = Environment::Production;
    config.cors_origins = CorsOrigins::List(vec!["https://host.example.com".into()]);
    let app = TestApp::spawn_with(config).await;
    let preflight = |origin: &'static str| {
        app.http
            .request(Method::OPTIONS, app.url("/auth/login"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .send()
    };

    let health = app.get("/health").await;
    let allowed = preflight("https://host.example.com").await.unwrap();
    let refused = preflight("https://evil.example.com").await.unwrap();

    assert!(
        health.headers()["strict-transport-security"]
            .to_str()
            .unwrap()
            .contains("max-age=")
    );
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://host.example.com"
    );
    assert!(
        refused
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
}

#[tokio::test]
async fn development_allows_any_origin() {
    let app = TestApp::spawn().await;

    let response = app
        .http
        .get(app.url("/health"))
        .header("origin", "http://localhost:3000")
        .send()
        .await
        .unwrap();

    assert_eq!(response.headers()["access-control-allow-origin"], "*");
}

#[tokio::test]
async fn metrics_count_requests_by_route_template_and_status() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    // A write publishes an event, so this test needs no other to have run.
    app.create_table(&owner, "M1", 2).await;
    app.get_tables(&owner).await.expect_200();
    app.login(&owner.email, "wrong-password").await;

    let response = app.get("/metrics").await;
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();

    assert!(
        text.contains(r#"qtable_http_requests_total{method="GET",route="/restaurants/{restaurant_id}/tables",status="200"}"#),
        "{text}"
    );
    // Latency is a histogram of fixed buckets, so its memory does not grow with traffic.
    assert!(
        text.contains("qtable_http_request_duration_seconds_bucket{"),
        "{text}"
    );
    for name in [
        "qtable_http_request_duration_seconds",
        "qtable_login_failures_total",
        "qtable_db_pool_connections",
        "qtable_events_published_total",
    ] {
        assert!(text.contains(name), "{name} missing");
    }
    assert!(
        !text.contains(&owner.restaurant_id),
        "route templates, never ids"
    );
}

/// The connection options of `cluster`'s `postgres` database, migrated.
async fn migrated(cluster: &EmbeddedPostgres) -> PgConnectOptions {
    let db = cluster.connect_options("postgres");
    let migrator = sqlx::PgPool::connect_with(db.clone()).await.unwrap();
    qtable::db::migrate(&migrator).await.unwrap();
    migrator.close().await;
    db
}

#[tokio::test]
async fn while_the_database_is_down_requests_fail_fast_with_503_and_acknowledged_writes_survive() {
    let options = private_cluster_options("qtable-outage-");
    let cluster = start_private_cluster(&options).await;
    let app = TestApp::spawn_on(test_config(), migrated(&cluster).await).await;
    let owner = app.register().await;
    let acknowledged = app.create_table(&owner, "A1", 4).await;

    stop_private_cluster(cluster).await;
    let started = Instant::now();
    let read = app.get_tables(&owner).await;
    let write = json!({"tableNumber": "B1", "capacity": 2});
    let written = app.post_table(&owner, &write).await;
    let health = app.get("/health").await.status();

    assert_eq!(
        (read.status, written.status, health.as_u16()),
        (503, 503, 503)
    );
    assert_eq!(read.body["code"], "service_unavailable");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "bounded, took {:?}",
        started.elapsed()
    );

    let restarted = restart_private_cluster(options).await;
    let tables = app.get_tables(&owner).await.expect_200();
    assert_eq!(
        tables,
        json!([acknowledged]),
        "the acknowledged write survived; the refused one left nothing"
    );
    assert_eq!(app.get("/health").await.status(), 200);
    drop(restarted);
}
