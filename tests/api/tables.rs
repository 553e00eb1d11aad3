//! The floor plan over HTTP: shapes, ordering, validation, roles, ETags,
//! idempotent creation, and seating from the table side.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_keys, assert_wire_timestamp, json_of};

#[tokio::test]
async fn a_table_has_exactly_the_contract_shape() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;

    let table = app.create_table(&owner, "A1", 4).await;

    assert_keys(
        &table,
        &[
            "capacity",
            "createdAt",
            "currentGuestId",
            "id",
            "lastUpdated",
            "position",
            "section",
            "shape",
            "status",
            "tableNumber",
        ],
    );
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

    let tables = app.fetch(&owner, "/tables").await;

    let numbers: Vec<&str> = tables
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["tableNumber"].as_str().unwrap())
        .collect();
    assert_eq!(numbers, ["A1", "A2", "A10", "B1"]);
}

#[tokio::test]
async fn invalid_tables_are_422_and_a_duplicate_number_is_409() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    app.create_table(&owner, "A1", 4).await;
    let path = owner.path("/tables");
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
        let (status, error) = json_of(
            app.call(Method::POST, &path, &owner.token, Some(body.clone()))
                .await,
        )
        .await;
        assert_eq!(status, 422, "{body}: {error}");
        assert_eq!(error["code"], "validation_error");
        assert_eq!(error["detail"][0]["loc"][1], field, "{body}");
    }

    let duplicate = json!({"tableNumber": "A1", "capacity": 2});
    let (status, error) = json_of(
        app.call(Method::POST, &path, &owner.token, Some(duplicate))
            .await,
    )
    .await;
    assert_eq!(status, 409);
    assert_eq!(error["code"], "duplicate_table_number");
    assert_eq!(
        app.fetch(&owner, "/tables").await.as_array().unwrap().len(),
        1
    );
}

#[tokio::test]
async fn staff_change_status_but_only_owners_and_managers_edit_the_floor_plan() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let manager = app.add_staff(&owner, "manager").await;
    let staff = app.add_staff(&owner, "staff").await;
    let table = app.create_table(&owner, "A1", 4).await;
    let path = format!("/tables/{}", table["id"].as_str().unwrap());

    let body = json!({"tableNumber": "S1", "capacity": 2});
    assert_eq!(
        app.call(
            Method::POST,
            &owner.path("/tables"),
            &staff.token,
            Some(body)
        )
        .await
        .status(),
        403
    );
    assert_eq!(
        app.put(&staff, &path, json!({"position": {"x": 0.9, "y": 0.9}}))
            .await
            .0,
        403
    );
    assert_eq!(
        app.call(Method::DELETE, &owner.path(&path), &staff.token, None)
            .await
            .status(),
        403
    );
    let (status, updated) = app
        .put(&staff, &path, json!({"status": "outOfService"}))
        .await;
    assert_eq!((status, &updated["status"]), (200, &json!("outOfService")));
    let (status, moved) = app
        .put(
            &manager,
            &path,
            json!({"position": {"x": 0.9, "y": 0.1}, "tableNumber": "A9"}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(moved["position"], json!({"x": 0.9, "y": 0.1}));
    assert_eq!(moved["tableNumber"], "A9");
    assert_eq!(
        app.call(Method::DELETE, &owner.path(&path), &manager.token, None)
            .await
            .status(),
        204
    );
    assert_eq!(
        app.call(Method::GET, &owner.path(&path), &owner.token, None)
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn a_stale_if_match_is_412_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let table = app.create_table(&owner, "A1", 4).await;
    let path = owner.path(&format!("/tables/{}", table["id"].as_str().unwrap()));
    let etag = app
        .call(Method::GET, &path, &owner.token, None)
        .await
        .headers()["etag"]
        .clone();
    let put = |body: Value| {
        app.http
            .put(app.url(&path))
            .bearer_auth(&owner.token)
            .header("if-match", etag.clone())
            .json(&body)
    };

    let fresh = put(json!({"capacity": 6})).send().await.unwrap();
    let fresh_etag = fresh.headers()["etag"].clone();
    let stale = put(json!({"capacity": 8})).send().await.unwrap();
    let stale_delete = app
        .http
        .delete(app.url(&path))
        .bearer_auth(&owner.token)
        .header("if-match", etag.clone())
        .send()
        .await
        .unwrap();

    assert_eq!(fresh.status(), 200);
    assert_ne!(fresh_etag, etag);
    assert_eq!(stale.status(), 412);
    assert_eq!(json_of(stale).await.1["code"], "precondition_failed");
    assert_eq!(stale_delete.status(), 412);
    let (_, current) = json_of(app.call(Method::GET, &path, &owner.token, None).await).await;
    assert_eq!(current["capacity"], 6);
}

#[tokio::test]
async fn a_retried_post_with_the_same_idempotency_key_creates_one_table() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let path = owner.path("/tables");
    let post = |body: Value, key: &str| {
        app.http
            .post(app.url(&path))
            .bearer_auth(&owner.token)
            .header("idempotency-key", key)
            .json(&body)
            .send()
    };
    let body = json!({"tableNumber": "A1", "capacity": 4});

    let (first_status, first) = json_of(post(body.clone(), "retry-1").await.unwrap()).await;
    let (second_status, second) = json_of(post(body, "retry-1").await.unwrap()).await;
    let (other_status, other) = json_of(
        post(json!({"tableNumber": "A2", "capacity": 4}), "retry-1")
            .await
            .unwrap(),
    )
    .await;

    assert_eq!((first_status, second_status), (201, 201));
    assert_eq!(first, second);
    assert_eq!(other_status, 422, "{other}");
    assert_eq!(
        app.fetch(&owner, "/tables").await.as_array().unwrap().len(),
        1
    );
}

#[tokio::test]
async fn the_readmes_table_put_seats_a_reservation_and_available_finishes_it() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let table = app.create_table(&owner, "A1", 4).await;
    let guest = app
        .create_reservation(&owner, "John Smith", 4, Some("2025-08-13T19:00:00Z"))
        .await;
    let (table_id, guest_id) = (table["id"].as_str().unwrap(), guest["id"].as_str().unwrap());
    let table_path = format!("/tables/{table_id}");
    let guest_path = format!("/reservations/{guest_id}");

    let (status, occupied) = app
        .put(
            &owner,
            &table_path,
            json!({"status": "occupied", "currentGuestId": guest_id}),
        )
        .await;

    assert_eq!(status, 200, "{occupied}");
    assert_eq!(occupied["status"], "occupied");
    assert_eq!(occupied["currentGuestId"], guest_id);
    let seated = app.fetch(&owner, &guest_path).await;
    assert_eq!(seated["status"], "seated");
    assert_eq!(seated["assignedTableId"], table_id);
    assert_wire_timestamp(&seated["seatedTime"]);
    assert_wire_timestamp(&seated["checkInTime"]);

    let (status, freed) = app
        .put(&owner, &table_path, json!({"status": "available"}))
        .await;

    assert_eq!(status, 200);
    assert_eq!(freed["status"], "available");
    assert!(freed["currentGuestId"].is_null());
    let finished = app.fetch(&owner, &guest_path).await;
    assert_eq!(finished["status"], "finished");
    assert_wire_timestamp(&finished["finishedTime"]);
}

#[tokio::test]
async fn a_table_with_a_seated_party_cannot_be_deleted_or_taken_out_of_service() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let table = app.create_table(&owner, "A1", 4).await;
    let guest = app.create_reservation(&owner, "Ann", 2, None).await;
    let table_path = format!("/tables/{}", table["id"].as_str().unwrap());
    let seat = json!({"status": "seated", "assignedTableId": table["id"]});
    assert_eq!(
        app.put(
            &owner,
            &format!("/reservations/{}", guest["id"].as_str().unwrap()),
            seat
        )
        .await
        .0,
        200
    );

    let (status, error) = json_of(
        app.call(Method::DELETE, &owner.path(&table_path), &owner.token, None)
            .await,
    )
    .await;
    assert_eq!((status, &error["code"]), (409, &json!("table_in_use")));
    let (status, _) = app
        .put(&owner, &table_path, json!({"status": "outOfService"}))
        .await;
    assert_eq!(status, 409);
    assert_eq!(app.fetch(&owner, &table_path).await["status"], "occupied");
}
