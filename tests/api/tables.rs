//! The floor plan over HTTP: shapes, ordering, validation, roles, ETags,
//! idempotent creation, and seating from the table side.

use serde_json::json;

use crate::helpers::{TABLE_KEYS, TestApp, assert_keys, assert_wire_timestamp, id, strings};

#[tokio::test]
async fn a_table_has_exactly_the_contract_shape() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;

    let table = app.create_table(&owner, "A1", 4).await;

    assert_keys(&table, &TABLE_KEYS);
    assert_eq!(table["tableNumber"], "A1");
    assert_eq!(table["capacity"], 4);
    assert_eq!(table["status"], "available");
    assert_eq!(table["position"], json!({"x": 0.2, "y": 0.3}));
    assert_eq!(table["shape"], "round");
    assert_eq!(table["section"], "Main Dining");
    assert!(table["currentGuestId"].is_null());
    assert_wire_timestamp(&table["lastUpdated"]);
    assert_wire_timestamp(&table["createdAt"]);
}

#[tokio::test]
async fn tables_are_listed_in_natural_order() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    for number in ["A10", "B1", "A2", "A1"] {
        app.create_table(&owner, number, 2).await;
    }

    let tables = app.get_tables(&owner).await.expect_200();

    let numbers = strings(tables.as_array().unwrap(), "tableNumber");
    assert_eq!(numbers, ["A1", "A2", "A10", "B1"]);
}

#[tokio::test]
async fn invalid_tables_are_422_and_a_duplicate_number_is_409() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    app.create_table(&owner, "A1", 4).await;
    let cases = [
        (json!({"tableNumber": "", "capacity": 4}), "tableNumber"),
        (
            json!({"tableNumber": "X".repeat(21), "capacity": 4}),
            "tableNumber",
        ),
        (json!({"tableNumber": "A2", "capacity": 0}), "capacity"),
        (json!({"tableNumber": "A2", "capacity": 100}), "capacity"),
        (json!({"tableNumber": "A2", "capacity": "four"}), "capacity"),
        (
            json!({"tableNumber": "A2", "capacity": 4, "position": {"x": 1.5, "y": 0.5}}),
            "position",
        ),
        (
            json!({"tableNumber": "A2", "capacity": 4, "shape": "hexagon"}),
            "shape",
        ),
        (
            json!({"tableNumber": "A2", "capacity": 4, "status": "broken"}),
            "status",
        ),
        (json!({"capacity": 4}), "tableNumber"),
    ];
    for (body, field) in cases {
        let refused = app.post_table(&owner, &body).await;
        assert_eq!(refused.status, 422, "{body}: {}", refused.body);
        assert_eq!(refused.body["code"], "validation_error");
        assert_eq!(refused.body["detail"][0]["loc"][1], field, "{body}");
    }

    let duplicate = app
        .post_table(&owner, &json!({"tableNumber": "A1", "capacity": 2}))
        .await;

    assert_eq!(duplicate.status, 409);
    assert_eq!(duplicate.body["code"], "duplicate_table_number");
    assert_eq!(app.count_tables(&owner).await, 1);
}

#[tokio::test]
async fn staff_change_status_but_only_owners_and_managers_edit_the_floor_plan() {
    let app = TestApp::spawn().await;
    let (owner, manager, staff) = app.team().await;
    let table = app.create_table(&owner, "A1", 4).await;
    let table_id = id(&table);

    let create = json!({"tableNumber": "S1", "capacity": 2});
    assert_eq!(app.post_table(&staff, &create).await.status, 403);
    let position = json!({"position": {"x": 0.9, "y": 0.9}});
    assert_eq!(app.put_table(&staff, table_id, &position).await.status, 403);
    assert_eq!(app.delete_table(&staff, table_id).await.status, 403);
    let out = json!({"status": "outOfService"});
    let updated = app.put_table(&staff, table_id, &out).await;
    assert_eq!(updated.status_and("status"), (200, &json!("outOfService")));
    let edit = json!({"position": {"x": 0.9, "y": 0.1}, "tableNumber": "A9"});
    let moved = app.put_table(&manager, table_id, &edit).await;
    assert_eq!(moved.status, 200);
    assert_eq!(moved.body["position"], json!({"x": 0.9, "y": 0.1}));
    assert_eq!(moved.body["tableNumber"], "A9");
    assert_eq!(app.delete_table(&manager, table_id).await.status, 204);
    assert_eq!(app.get_table(&owner, table_id).await.status, 404);
}

#[tokio::test]
async fn a_stale_if_match_is_412_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let table = app.create_table(&owner, "A1", 4).await;
    let table_id = id(&table);
    let etag = app.get_table(&owner, table_id).await.headers["etag"].clone();

    let fresh = app
        .put_table_if_match(&owner, table_id, &etag, &json!({"capacity": 6}))
        .await;
    let stale = app
        .put_table_if_match(&owner, table_id, &etag, &json!({"capacity": 8}))
        .await;
    let stale_delete = app.delete_table_if_match(&owner, table_id, &etag).await;

    assert_eq!(fresh.status, 200);
    assert_ne!(fresh.headers["etag"], etag);
    assert_eq!(stale.status, 412);
    assert_eq!(stale.body["code"], "precondition_failed");
    assert_eq!(stale_delete.status, 412);
    let current = app.get_table(&owner, table_id).await.body;
    assert_eq!(current["capacity"], 6);
}

#[tokio::test]
async fn a_retried_post_with_the_same_idempotency_key_creates_one_table() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let body = json!({"tableNumber": "A1", "capacity": 4});
    let other_body = json!({"tableNumber": "A2", "capacity": 4});

    let first = app.post_table_with_key(&owner, "retry-1", &body).await;
    let second = app.post_table_with_key(&owner, "retry-1", &body).await;
    let other = app
        .post_table_with_key(&owner, "retry-1", &other_body)
        .await;

    assert_eq!((first.status, second.status), (201, 201));
    assert_eq!(first.body, second.body);
    assert_eq!(other.status, 422, "{}", other.body);
    assert_eq!(app.count_tables(&owner).await, 1);
}

#[tokio::test]
async fn the_readmes_table_put_seats_a_reservation_and_available_finishes_it() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let table = app.create_table(&owner, "A1", 4).await;
    let guest = app
        .create_reservation(&owner, "John Smith", 4, Some("2025-08-13T19:00:00Z"))
        .await;
    let (table_id, guest_id) = (id(&table), id(&guest));

    let occupy = json!({"status": "occupied", "currentGuestId": guest_id});
    let occupied = app.put_table(&owner, table_id, &occupy).await;

    assert_eq!(occupied.status, 200, "{}", occupied.body);
    assert_eq!(occupied.body["status"], "occupied");
    assert_eq!(occupied.body["currentGuestId"], guest_id);
    let seated = app.get_reservation(&owner, guest_id).await.expect_200();
    assert_eq!(seated["status"], "seated");
    assert_eq!(seated["assignedTableId"], table_id);
    assert_wire_timestamp(&seated["seatedTime"]);
    assert_wire_timestamp(&seated["checkInTime"]);

    let available = json!({"status": "available"});
    let freed = app.put_table(&owner, table_id, &available).await;

    assert_eq!(freed.status, 200);
    assert_eq!(freed.body["status"], "available");
    assert!(freed.body["currentGuestId"].is_null());
    let finished = app.get_reservation(&owner, guest_id).await.expect_200();
    assert_eq!(finished["status"], "finished");
    assert_wire_timestamp(&finished["finishedTime"]);
}

#[tokio::test]
async fn a_table_with_a_seated_party_cannot_be_deleted_or_taken_out_of_service() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let table = app.create_table(&owner, "A1", 4).await;
    let guest = app.create_reservation(&owner, "Ann", 2, None).await;
    assert_eq!(app.seat(&owner, &guest, &table).await.status, 200);

    let deleted = app.delete_table(&owner, id(&table)).await;
    assert_eq!(deleted.status_and("code"), (409, &json!("table_in_use")));
    let out = json!({"status": "outOfService"});
    assert_eq!(app.put_table(&owner, id(&table), &out).await.status, 409);
    let table_now = app.get_table(&owner, id(&table)).await.expect_200();
    assert_eq!(table_now["status"], "occupied");
}
