//! The OpenAPI document and its viewers.

use crate::helpers::{TestApp, json_of};

#[tokio::test]
async fn openapi_document_swagger_ui_and_redoc_are_served() {
    let app = TestApp::spawn().await;

    let (status, document) = json_of(app.get("/openapi.json").await).await;
    assert_eq!(status, 200);
    assert!(document["openapi"].as_str().unwrap().starts_with("3."));
    assert!(document["paths"]["/health"]["get"].is_object());

    for page in ["/docs/", "/redoc"] {
        let response = app.get(page).await;
        assert_eq!(response.status(), 200, "{page}");
        assert!(
            response.text().await.unwrap().contains("<html"),
            "{page} is a page"
        );
    }
}

#[tokio::test]
async fn root_names_the_service_and_version() {
    let app = TestApp::spawn().await;

    let (status, body) = json_of(app.get("/").await).await;

    assert_eq!(status, 200);
    assert_eq!(body["service"], "QTable API");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
}

/// The whole document, so that it changes only on purpose: review the diff,
/// then accept it with `cargo insta review` (or `INSTA_UPDATE=always cargo test`).
#[tokio::test]
async fn the_openapi_document_matches_its_snapshot() {
    let app = TestApp::spawn().await;

    let (status, document) = json_of(app.get("/openapi.json").await).await;

    assert_eq!(status, 200);
    insta::assert_json_snapshot!("openapi", document);
}
