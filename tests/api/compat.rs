//! What today's iOS app (built against the Python service) sends and reads on
//! every route, native ones included (COMPAT.md, "Cross-cutting").

use serde_json::json;

use crate::helpers::{TestApp, id, unique_email};

#[tokio::test]
async fn zone_less_timestamps_are_read_as_utc() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;

    let body = json!({"guestName": "Ana", "partySize": 2, "reservationTime": "2026-12-24T19:30:00.250000"});
    let booked = app.post_reservation(&owner, &body).await;

    assert_eq!(
        booked.status_and("reservationTime"),
        (201, &json!("2026-12-24T19:30:00Z"))
    );
}

#[tokio::test]
async fn empty_string_ids_mean_null() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let table = app.create_table(&owner, "A1", 4).await;

    let walk_in =
        json!({"guestName": "Ana", "partySize": 2, "assignedTableId": "", "guestProfileId": ""});
    let created = app.post_reservation(&owner, &walk_in).await;
    let freed = json!({"status": "available", "currentGuestId": ""});
    let updated = app.put_table(&owner, id(&table), &freed).await;
    let nonsense = json!({"currentGuestId": "table-1"});
    let refused = app.put_table(&owner, id(&table), &nonsense).await;

    assert_eq!(created.status_and("assignedTableId"), (201, &json!(null)));
    assert_eq!(updated.status_and("currentGuestId"), (200, &json!(null)));
    assert_eq!(refused.status, 422);
    assert_eq!(
        refused.body["detail"][0]["loc"],
        json!(["body", "currentGuestId"])
    );
}

#[tokio::test]
async fn health_root_and_register_carry_the_python_services_extra_keys() {
    let app = TestApp::spawn().await;

    let health: serde_json::Value = app.get("/health").await.json().await.unwrap();
    let root: serde_json::Value = app.get("/").await.json().await.unwrap();
    let body = json!({"restaurant_name": "Casa", "email": unique_email("owner"), "password": "password123"});
    let registered = app.post_register(&body).await;

    assert_eq!(health["service"], "qtable-api");
    assert_eq!(health["status"], "ok");
    assert!(root["message"].is_string());
    assert_eq!(
        registered.status, 201,
        "names are optional: {}",
        registered.body
    );
    assert_eq!(
        registered.body["message"],
        "Restaurant created successfully"
    );
    assert!(registered.body["access_token"].is_string());
}

#[tokio::test]
async fn the_reservation_list_reads_status_filter_as_status() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    app.create_reservation(&owner, "Booked", 2, Some("2026-12-24T19:00:00Z"))
        .await;
    let walk_in = app.create_reservation(&owner, "Walk In", 2, None).await;

    let listed = app
        .get_reservations(&owner, "status_filter=waitlist")
        .await
        .expect_200();

    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["id"], walk_in["id"]);
}
