//! `/health` tells the truth about the database, quickly, and recovers by itself.

use std::time::{Duration, Instant};

use qtable::embedded_pg::{ClusterOptions, EmbeddedPostgres};

use crate::helpers::{TestApp, json_of, test_config};

#[tokio::test]
async fn health_is_ok_with_a_working_database() {
    let app = TestApp::spawn().await;

    let (status, body) = json_of(app.get("/health").await).await;

    assert_eq!(status, 200);
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], "ok");
}

fn start_cluster(options: &ClusterOptions) -> EmbeddedPostgres {
    EmbeddedPostgres::start(options).expect("starting a cluster")
}

#[tokio::test]
async fn health_answers_503_within_3_seconds_while_the_database_is_down_and_recovers() {
    // A cluster of this test's own, so stopping it disturbs no other test.
    let root = tempfile::Builder::new()
        .prefix("qtable-health-")
        .tempdir()
        .unwrap()
        .keep();
    let options = ClusterOptions {
        root,
        ephemeral: false,
        max_connections: 20,
    };
    let opts = options.clone();
    let cluster = tokio::task::spawn_blocking(move || start_cluster(&opts))
        .await
        .unwrap();
    let app = TestApp::spawn_on(test_config(), cluster.connect_options("postgres")).await;
    assert_eq!(app.get("/health").await.status(), 200);

    tokio::task::spawn_blocking(move || cluster.stop().unwrap())
        .await
        .unwrap();
    let started = Instant::now();
    let (status, body) = json_of(app.get("/health").await).await;
    assert_eq!(status, 503);
    assert_eq!(body["database"], "unreachable");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "took {:?}",
        started.elapsed()
    );

    // The restart reuses the data; this time the cluster deletes itself when stopped.
    let opts = ClusterOptions {
        ephemeral: true,
        ..options
    };
    let cluster = tokio::task::spawn_blocking(move || start_cluster(&opts))
        .await
        .unwrap();
    assert_eq!(
        app.get("/health").await.status(),
        200,
        "recovers without a restart"
    );
    drop(cluster);
}
