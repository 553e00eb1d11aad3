//! Unknown routes, wrong methods and panics answer with CONTRACT.md's JSON
//! bodies, and a panic never takes the service down.

use axum::{Router, routing::get};
use qtable::{startup, state::AppState};

use crate::helpers::{TestApp, json_of};

#[tokio::test]
async fn unknown_route_is_a_json_404() {
    let app = TestApp::spawn().await;

    let (status, body) = json_of(app.get("/no/such/route").await).await;

    assert_eq!(status, 404);
    assert_eq!(body["code"], "not_found");
    assert!(body["detail"].is_string());
}

#[tokio::test]
async fn wrong_method_is_a_json_405() {
    let app = TestApp::spawn().await;

    let (status, body) = json_of(app.http.delete(app.url("/health")).send().await.unwrap()).await;

    assert_eq!(status, 405);
    assert_eq!(body["code"], "method_not_allowed");
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_nosniff() {
    let app = TestApp::spawn().await;

    let generated = app.get("/health").await;
    let echoed = app
        .http
        .get(app.url("/health"))
        .header("x-request-id", "abc-123")
        .send()
        .await
        .unwrap();

    assert!(generated.headers()["x-request-id"].to_str().unwrap().len() >= 32);
    assert_eq!(echoed.headers()["x-request-id"], "abc-123");
    assert_eq!(generated.headers()["x-content-type-options"], "nosniff");
}

async fn boom() -> &'static str {
    panic!("kaboom with secret details")
}

#[tokio::test]
async fn a_panicking_handler_answers_500_json_and_the_server_keeps_serving() {
    let app = TestApp::spawn().await;
    let (state, _hub) = startup::start(app.config.clone(), app.db.clone()).unwrap();
    let routes: Router<AppState> = Router::new()
        .route("/boom", get(boom))
        .route("/fine", get(|| async { "fine" }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, startup::layered(routes, state)).await });

    let (status, body) = json_of(app.http.get(format!("{base}/boom")).send().await.unwrap()).await;
    let after = app.http.get(format!("{base}/fine")).send().await.unwrap();

    assert_eq!(status, 500);
    assert_eq!(
        body,
        serde_json::json!({"detail": "internal server error", "code": "internal_error"})
    );
    assert_eq!(after.status(), 200);
}
