//! `/health` tells the truth about the database, quickly, and recovers by itself.

use std::time::{Duration, Instant};

use crate::helpers::{
    TestApp, json_of,
    postgres::{
        private_cluster_options, restart_private_cluster, start_private_cluster,
        stop_private_cluster,
    },
    test_config,
};

#[tokio::test]
async fn health_is_ok_with_a_working_database() {
    let app = TestApp::spawn().await;

    let (status, body) = json_of(app.get("/health").await).await;

    assert_eq!(status, 200);
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], "ok");
}

#[tokio::test]
async fn health_answers_503_within_3_seconds_while_the_database_is_down_and_recovers() {
    let options = private_cluster_options("qtable-health-");
    let cluster = start_private_cluster(&options).await;
    let app = TestApp::spawn_on(test_config(), cluster.connect_options("postgres")).await;
    assert_eq!(app.get("/health").await.status(), 200);

    stop_private_cluster(cluster).await;
    let started = Instant::now();
    let (status, body) = json_of(app.get("/health").await).await;
    assert_eq!(status, 503);
    assert_eq!(body["database"], "unreachable");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "took {:?}",
        started.elapsed()
    );

    let cluster = restart_private_cluster(options).await;
    assert_eq!(
        app.get("/health").await.status(),
        200,
        "recovers without a restart"
    );
    drop(cluster);
}
