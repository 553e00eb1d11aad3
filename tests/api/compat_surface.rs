//! The rest of the app-as-it-grew surface: guest statuses in any spelling,
//! the seating rules through `PUT …/guests`, delete, clear by `POST`, bulk
//! table updates, `/updates`, the `/realtime` handshake and replay, and the
//! time-format setting.

use reqwest::Method;
use serde_json::json;

use qtable::config::CompatTimeFormat;

use crate::{
    compat_flows::{assert_guest, assert_python_time, assert_table, realtime, seat_batch, walk_in},
    helpers::{TestApp, assert_keys, assert_wire_timestamp, id, test_config, ws::connect_realtime},
};

#[tokio::test]
async fn statuses_are_read_in_any_spelling_and_answered_in_title_case() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let late = json!({"firstName": "Bo", "partySize": 2, "status": "runningLate"});
    let arrived = json!({"first_name": "Cy", "party_size": 2, "status": "Arrived"});

    let late = app.post_guest(&owner, &late).await;
    let arrived = app.post_guest(&owner, &arrived).await;
    let filtered = app
        .get_guests(&owner, "status=Running%20Late")
        .await
        .expect_200();
    let no_show = app
        .put_guest(&owner, id(&arrived.body), &json!({"status": "No Show"}))
        .await;

    assert_eq!(late.status_and("status"), (201, &json!("Running Late")));
    assert_eq!(arrived.status_and("status"), (201, &json!("Arrived")));
    assert_eq!(filtered.as_array().unwrap().len(), 1);
    assert_eq!(filtered[0]["id"], late.body["id"]);
    assert_eq!(no_show.status_and("status"), (200, &json!("No Show")));
    assert_guest(&no_show.body);
}

#[tokio::test]
async fn a_waitlist_guest_with_a_table_or_time_is_400() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let table = app.create_table(&owner, "T1", 4).await;

    let placed = json!({"first_name": "Bo", "party_size": 2, "table_id": id(&table)});
    let timed = json!({"first_name": "Bo", "party_size": 2, "status": "Waitlist",
        "reservation_time": "2026-12-24T19:00:00"});

    assert_eq!(app.post_guest(&owner, &placed).await.status, 400);
    assert_eq!(app.post_guest(&owner, &timed).await.status, 400);
    assert_eq!(app.get_guests(&owner, "").await.expect_200(), json!([]));
}

#[tokio::test]
async fn seating_through_put_takes_the_table_and_another_party_there_is_409() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let table = app.create_table(&owner, "T1", 4).await;
    let first = app.post_guest(&owner, &walk_in()).await.body;
    let second = app
        .post_guest(&owner, &json!({"first_name": "Bo", "party_size": 2}))
        .await
        .body;
    let seat = json!({"status": "Seated", "table_id": id(&table)});

    let seated = app.put_guest(&owner, id(&first), &seat).await;
    let refused = app.put_guest(&owner, id(&second), &seat).await;

    assert_eq!(seated.status_and("tableId"), (200, &table["id"]));
    assert_python_time(&seated.body["seatedTime"]);
    assert_eq!(refused.status_and("code"), (409, &json!("table_occupied")));
    let still = app.get_guest(&owner, id(&second)).await.body;
    assert_eq!(
        still["status"], "Waitlist",
        "the other party is not sent anywhere"
    );
}

#[tokio::test]
async fn delete_cancels_the_visit_frees_its_table_and_it_is_no_longer_listed() {
    let app = TestApp::spawn().await;
    let (_, manager, _) = app.team().await;
    let table = app.create_table(&manager, "T1", 4).await;
    let guest = app.post_guest(&manager, &walk_in()).await.body;
    let seat = json!({"status": "seated", "tableId": id(&table)});
    assert_eq!(app.put_guest(&manager, id(&guest), &seat).await.status, 200);

    let deleted = app.delete_guest(&manager, id(&guest)).await;

    assert_eq!(deleted.status, 200);
    assert_eq!(
        deleted.body,
        json!({"success": true, "message": "Guest deleted successfully"})
    );
    assert_eq!(app.get_guests(&manager, "").await.expect_200(), json!([]));
    let cancelled = app
        .get_guests(&manager, "status=Cancelled")
        .await
        .expect_200();
    assert_eq!(cancelled[0]["id"], guest["id"]);
    let freed = app.get_table(&manager, id(&table)).await.body;
    assert_eq!(freed["currentGuestId"], json!(null));
}

#[tokio::test]
async fn clear_by_post_frees_an_empty_table_and_leaves_out_the_guest() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let table = app.create_table(&owner, "T1", 4).await;
    let out = json!({"status": "outOfService"});
    assert_eq!(app.put_table(&owner, id(&table), &out).await.status, 200);

    let cleared = app
        .clear_table(&owner, Method::POST, id(&table))
        .await
        .expect_200();

    assert_keys(&cleared, &["message", "success", "table"]);
    assert_table(&cleared["table"]);
    assert_eq!(cleared["table"]["status"], "available");
}

#[tokio::test]
async fn bulk_table_updates_apply_all_or_none() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let (a, b) = (
        app.create_table(&owner, "T1", 4).await,
        app.create_table(&owner, "T2", 4).await,
    );
    let good = json!([{"id": id(&a), "status": "reserved"}, {"id": id(&b), "capacity": 6}]);
    let bad =
        json!([{"id": id(&a), "status": "available"}, {"id": uuid::Uuid::new_v4(), "capacity": 2}]);

    let applied = app.bulk_tables(&owner, &good).await.expect_200();
    let refused = app.bulk_tables(&owner, &bad).await;

    assert_table(&applied[0]);
    assert_eq!(
        (&applied[0]["status"], &applied[1]["capacity"]),
        (&json!("reserved"), &json!(6))
    );
    assert_eq!(refused.status, 404);
    assert_eq!(
        app.get_table(&owner, id(&a)).await.body["status"],
        "reserved"
    );
}

#[tokio::test]
async fn updates_list_what_changed_since_with_the_deleted_ones() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let gone = app.create_table(&owner, "T9", 2).await;
    let guest = app.post_guest(&owner, &walk_in()).await.body;
    assert_eq!(app.delete_table(&owner, id(&gone)).await.status, 204);
    let rid = &owner.restaurant_id;

    let updates = app
        .get_dashboard(
            &owner,
            &format!("/api/v1/dashboard/{rid}/updates?since=2026-01-01T00:00:00"),
        )
        .await
        .expect_200();

    assert_keys(
        &updates,
        &[
            "deletedGuests",
            "deletedTables",
            "guestUpdates",
            "tableUpdates",
            "timestamp",
        ],
    );
    assert_keys(
        &updates["guestUpdates"][0],
        &["action", "data", "id", "lastUpdated"],
    );
    assert_eq!(
        (
            &updates["guestUpdates"][0]["id"],
            &updates["guestUpdates"][0]["action"]
        ),
        (&guest["id"], &json!("updated"))
    );
    assert_eq!(updates["deletedTables"], json!([id(&gone)]));
    assert_eq!(updates["deletedGuests"], json!([]));
    assert_python_time(&updates["timestamp"]);
}

#[tokio::test]
async fn realtime_without_a_token_is_401_and_with_another_restaurants_is_403() {
    let app = TestApp::spawn().await;
    let a = app.register().await;
    let b = app.register().await;

    let anonymous =
        connect_realtime(app.port, &format!("?restaurant_id={}", a.restaurant_id), "").await;
    let foreign = connect_realtime(
        app.port,
        &format!("?restaurant_id={}", a.restaurant_id),
        &b.token,
    )
    .await;
    let own_by_header = connect_realtime(app.port, "", &b.token).await;

    assert_eq!(anonymous.err(), Some(401));
    assert_eq!(foreign.err(), Some(403));
    assert!(
        own_by_header.is_ok(),
        "the token's own restaurant by default"
    );
}

#[tokio::test]
async fn realtime_replays_after_since_and_passes_over_kinds_it_does_not_know() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let profile = json!({"firstName": "Dee", "phone": "+15550001111"});
    app.create_guest_profile(&owner, &profile).await;
    let guest = app.post_guest(&owner, &walk_in()).await.body;
    let mut socket = realtime(&app, &owner, "&since=0").await;
    let mut ping = realtime(&app, &owner, "").await;

    assert_eq!(socket.next_json().await["type"], "restaurant_connect");
    let first = socket.next_json().await;
    ping.next_json().await;
    ping.send_json(&json!({"type": "ping"})).await;
    let pong = ping.next_json().await;

    assert_eq!(
        (&first["type"], &first["guest_id"]),
        (&json!("guest_created"), &guest["id"])
    );
    assert!(
        first["seq"].as_i64().unwrap() > 1,
        "the profile's event was passed over"
    );
    assert_keys(&pong, &["timestamp", "type"]);
    assert_eq!(pong["type"], "pong");
}

#[tokio::test]
async fn the_seed_time_format_setting_writes_seed_timestamps_on_this_surface() {
    let mut config = test_config();
    config.compat_time_format = CompatTimeFormat::Seed;
    let app = TestApp::spawn_with(config).await;
    let owner = app.register().await;

    let guest = app.post_guest(&owner, &walk_in()).await.body;
    let mut socket = realtime(&app, &owner, "").await;

    assert_wire_timestamp(&guest["createdAt"]);
    assert_wire_timestamp(&guest["checkInTime"]);
    assert_wire_timestamp(&socket.next_json().await["timestamp"]);
}

#[tokio::test]
async fn the_sync_reads_answer_the_python_sync_formats() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let table = app.create_table(&owner, "12", 4).await;
    let guest = app.post_guest(&owner, &walk_in()).await.body;
    let rid = &owner.restaurant_id;

    let full = app
        .get_dashboard(&owner, &format!("/api/sync/full?restaurant_id={rid}"))
        .await
        .expect_200();
    let since = "2026-01-01T00:00:00";
    let delta_path = format!("/api/sync/delta?restaurant_id={rid}&since={since}&limit=1");
    let delta = app.get_dashboard(&owner, &delta_path).await.expect_200();

    assert_keys(
        &full,
        &[
            "guests",
            "restaurant_id",
            "tables",
            "timestamp",
            "total_guests",
            "total_tables",
        ],
    );
    assert_eq!(
        (&full["total_guests"], &full["total_tables"]),
        (&json!(1), &json!(1))
    );
    assert_keys(
        &full["guests"][0],
        &[
            "arrivalTime",
            "email",
            "id",
            "isWalkIn",
            "name",
            "notes",
            "partySize",
            "phoneNumber",
            "status",
            "tableId",
            "waitTime",
        ],
    );
    assert_eq!(
        (&full["guests"][0]["id"], &full["guests"][0]["status"]),
        (&guest["id"], &json!("waiting"))
    );
    assert_eq!(full["guests"][0]["isWalkIn"], true);
    assert_keys(
        &full["tables"][0],
        &[
            "capacity",
            "currentGuestId",
            "id",
            "number",
            "position",
            "status",
        ],
    );
    assert_eq!(
        (&full["tables"][0]["id"], &full["tables"][0]["number"]),
        (&table["id"], &json!(12))
    );
    assert_keys(
        &delta,
        &[
            "changes",
            "current_timestamp",
            "has_more",
            "since_timestamp",
        ],
    );
    assert_eq!(
        (
            delta["changes"].as_array().unwrap().len(),
            &delta["has_more"]
        ),
        (1, &json!(true))
    );
    assert_keys(
        &delta["changes"][0],
        &["action", "data", "entity_id", "entity_type", "timestamp"],
    );
    assert_eq!(delta["since_timestamp"], since);
}

#[tokio::test]
async fn a_contact_another_profile_has_links_the_visit_to_it_instead_of_a_409() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let dee = json!({"firstName": "Dee", "lastName": "Ray", "phone": "+12025550143"});
    let dee = app.create_guest_profile(&owner, &dee).await;
    let mut ana = walk_in();
    ana["phone"] = json!("+12025550143");

    let added = app.post_guest(&owner, &ana).await;
    let bo = app
        .post_guest(&owner, &json!({"first_name": "Bo", "party_size": 2}))
        .await
        .body;
    let relinked = app
        .put_guest(&owner, id(&bo), &json!({"phone": "(202) 555-0143"}))
        .await;
    let renamed = app
        .put_guest(&owner, id(&added.body), &json!({"first_name": "Anna"}))
        .await;

    assert_eq!(added.status_and("email"), (201, &json!("ana@example.com")));
    assert_eq!(added.body["phone"], json!(null), "Dee keeps her number");
    assert_eq!(relinked.status_and("name"), (200, &json!("Dee Ray")));
    let visits = app.get_visits(&owner, id(&dee)).await.expect_200();
    assert_eq!(visits[0]["id"], bo["id"]);
    assert_eq!(renamed.status_and("name"), (200, &json!("Anna Silva")));
}

#[tokio::test]
async fn a_guest_added_through_instance_a_is_guest_created_on_instance_bs_realtime() {
    let redis = crate::helpers::redis::RedisServer::start();
    let (a, b) = crate::live::two_instances_through(&redis).await;
    let owner = a.register().await;
    let mut on_b = realtime(&b, &owner, "").await;
    assert_eq!(on_b.next_json().await["type"], "restaurant_connect");

    let guest = a.post_guest(&owner, &walk_in()).await.body;

    let created = on_b.next_json().await;
    assert_eq!(
        (&created["type"], &created["guest_id"]),
        (&json!("guest_created"), &guest["id"])
    );
}

#[tokio::test]
async fn the_python_services_broken_routes_are_not_served() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let guest = app.post_guest(&owner, &walk_in()).await.body;
    let atomic = format!("{}/guests/{}/status/atomic", owner.path(""), id(&guest));

    for (method, path) in [
        (Method::PUT, atomic.as_str()),
        (Method::POST, "/api/v1/atomic/batch"),
        (Method::POST, "/api/sync/batch"),
        (Method::GET, "/ws/restaurant/sync"),
    ] {
        let reply = app
            .send(app.with_token(method, path, &owner.token).json(&json!({})))
            .await;
        assert_eq!(reply.status, 404, "{path}");
    }
}

#[tokio::test]
async fn roles_are_enforced_a_host_seats_and_clears_but_does_not_edit_the_floor_plan() {
    let app = TestApp::spawn().await;
    let (owner, _, host) = app.team().await;
    let table = app.create_table(&owner, "T1", 4).await;
    let guest = app.post_guest(&host, &walk_in()).await.body;
    let seat = json!({"status": "Seated", "table_id": id(&table)});

    let seated = app.put_guest(&host, id(&guest), &seat).await;
    let cleared = app.clear_table(&host, Method::PUT, id(&table)).await;
    let moved = app
        .bulk_tables(&host, &json!([{"id": id(&table), "capacity": 8}]))
        .await;

    assert_eq!(seated.status, 200, "{}", seated.body);
    assert_eq!(cleared.status, 200, "{}", cleared.body);
    assert_eq!(moved.status_and("code"), (403, &json!("forbidden")));
    assert_eq!(app.get_table(&owner, id(&table)).await.body["capacity"], 4);
}

#[tokio::test]
async fn the_date_filter_reads_the_local_day_and_refuses_impossible_years() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    app.post_guest(&owner, &walk_in()).await;

    let long_ago = app.get_guests(&owner, "date=2020-01-01").await;
    let impossible = app.get_guests(&owner, "date=-200000-01-01").await;

    assert_eq!(long_ago.expect_200(), json!([]));
    assert_eq!(impossible.status, 422);
}

#[tokio::test]
async fn erasing_a_guests_profile_also_erases_the_visits_special_requests_and_batch_answers() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let table = app.create_table(&owner, "T1", 4).await;
    let guest = app.post_guest(&owner, &walk_in()).await.body;
    let batch = seat_batch(id(&guest), id(&table));
    let seated = app.batch_update_with_key(&owner, "seat-1", &batch).await;
    assert!(seated.body.to_string().contains("Silva"), "{}", seated.body);
    let profiles = app.get_guest_profiles(&owner, "").await.expect_200();
    let profile = id(&profiles["items"][0]).to_owned();

    assert_eq!(app.delete_guest_profile(&owner, &profile).await.status, 204);

    let replayed = app
        .batch_update_with_key(&owner, "seat-1", &batch)
        .await
        .expect_200();
    assert!(!replayed.to_string().contains("Silva"), "{replayed}");
    assert_eq!(replayed["success"], true);

    let erased = app.get_guest(&owner, id(&guest)).await.expect_200();
    assert_eq!(erased["specialRequests"], json!(null));
    assert_eq!(
        (&erased["email"], &erased["dietaryRestrictions"]),
        (&json!(null), &json!([]))
    );
}

#[tokio::test]
async fn realtime_tells_a_change_of_details_from_a_change_of_status() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let table = app.create_table(&owner, "T1", 4).await;
    let guest = app.post_guest(&owner, &walk_in()).await.body;
    let mut socket = realtime(&app, &owner, "").await;
    assert_eq!(socket.next_json().await["type"], "restaurant_connect");

    let notes = json!({"notes": "Birthday"});
    assert_eq!(app.put_guest(&owner, id(&guest), &notes).await.status, 200);
    let arrived = json!({"status": "Arrived"});
    assert_eq!(
        app.put_guest(&owner, id(&guest), &arrived).await.status,
        200
    );
    let moved = json!({"position": {"x": 0.5, "y": 0.5}});
    assert_eq!(app.put_table(&owner, id(&table), &moved).await.status, 200);

    let mut actions = Vec::new();
    for _ in 0..3 {
        let message = socket.next_json().await;
        actions.push((message["type"].clone(), message["action"].clone()));
    }
    assert_eq!(
        actions,
        [
            (json!("guest_updated"), json!("info_updated")),
            (json!("guest_updated"), json!("status_changed")),
            (json!("table_updated"), json!("updated")),
        ]
    );
}
