//! Reservations and walk-ins over HTTP: shapes, filters, the lifecycle and its
//! side effects, the seating race, the activity log, and bad input.

use reqwest::Method;
use serde_json::{Value, json};

use qtable::{
    db::TenantTx,
    reservations::{
        model::{DEFAULT_LIMIT, ReservationQuery},
        queries::push_list_query,
    },
};

use crate::helpers::{TestApp, assert_keys, assert_wire_timestamp, id, json_of};

#[tokio::test]
async fn a_reservation_has_exactly_the_contract_shape_and_starts_confirmed() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;

    let booked = app
        .create_reservation(&owner, "John Smith", 4, Some("2025-08-13T21:00:00+02:00"))
        .await;
    let walk_in = app.create_reservation(&owner, "Walk In", 2, None).await;

    assert_keys(
        &booked,
        &[
            "assignedTableId",
            "checkInTime",
            "contactInfo",
            "createdAt",
            "finishedTime",
            "guestName",
            "id",
            "lastUpdated",
            "notes",
            "partySize",
            "reservationTime",
            "seatedTime",
            "status",
        ],
    );
    assert_eq!(booked["status"], "confirmed");
    assert_eq!(
        booked["reservationTime"], "2025-08-13T19:00:00Z",
        "normalised to UTC, whole seconds"
    );
    assert_eq!(booked["partySize"], 4);
    assert_eq!(booked["contactInfo"], "+1234567890");
    assert_eq!(booked["notes"], "Birthday celebration");
    for key in [
        "checkInTime",
        "seatedTime",
        "finishedTime",
        "assignedTableId",
    ] {
        assert!(booked[key].is_null(), "{key}");
    }
    assert_wire_timestamp(&booked["createdAt"]);
    assert_wire_timestamp(&booked["lastUpdated"]);
    assert_eq!(walk_in["status"], "waitlist");
    assert!(walk_in["reservationTime"].is_null());
}

#[tokio::test]
async fn the_list_filters_by_status_local_date_time_range_and_name() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    assert_eq!(
        app.put(&owner, "", json!({"timezone": "America/New_York"}))
            .await
            .0,
        200
    );
    // 23:30 in New York on the 13th is 03:30Z on the 14th.
    let late = app
        .create_reservation(&owner, "Late Larry", 2, Some("2025-08-14T03:30:00Z"))
        .await;
    let early = app
        .create_reservation(&owner, "Early Ella", 2, Some("2025-08-13T16:00:00Z"))
        .await;
    let next_day = app
        .create_reservation(&owner, "Next Ned", 2, Some("2025-08-14T16:00:00Z"))
        .await;
    let cancelled = app
        .create_reservation(&owner, "Gone Gina", 2, Some("2025-08-13T17:00:00Z"))
        .await;
    let cancel_path = owner.path(&format!("/reservations/{}", id(&cancelled)));
    assert_eq!(
        app.call(Method::DELETE, &cancel_path, &owner.token, None)
            .await
            .status(),
        204
    );
    let ids = |list: Value| {
        list.as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };

    let day = ids(app.fetch(&owner, "/reservations?date=2025-08-13").await);
    assert_eq!(
        day,
        [id(&early), id(&cancelled), id(&late)],
        "in time order, by New York date"
    );
    let open = ids(app
        .fetch(
            &owner,
            "/reservations?date=2025-08-13&status=confirmed&status=seated",
        )
        .await);
    assert_eq!(open, [id(&early), id(&late)]);
    let named = ids(app.fetch(&owner, "/reservations?q=larry").await);
    assert_eq!(named, [id(&late)]);
    let ranged = ids(app
        .fetch(
            &owner,
            "/reservations?from=2025-08-14T00:00:00Z&to=2025-08-15T00:00:00Z",
        )
        .await);
    assert_eq!(ranged, [id(&late), id(&next_day)]);
    assert_eq!(
        ids(app.fetch(&owner, "/reservations?limit=1").await).len(),
        1
    );
    for bad in [
        "limit=0",
        "limit=1001",
        "status=sleeping",
        "date=13-08-2025",
    ] {
        let path = owner.path(&format!("/reservations?{bad}"));
        assert_eq!(
            app.call(Method::GET, &path, &owner.token, None)
                .await
                .status(),
            422,
            "{bad}"
        );
    }
}

/// Under row-level security PostgreSQL bounds an index scan only with
/// leakproof conditions; the list's day filter must be one, or a day's list
/// reads the restaurant's whole history. This EXPLAINs the very query the
/// list endpoint runs.
#[tokio::test]
async fn a_days_list_is_an_index_range_scan_under_row_level_security() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let restaurant_id = uuid::Uuid::parse_str(&owner.restaurant_id).unwrap();
    let mut tx = TenantTx::begin(&app.db, restaurant_id).await.unwrap();
    // With so few rows the planner would rather scan: ask for its index plan.
    sqlx::query("set local enable_seqscan = off")
        .execute(tx.conn())
        .await
        .unwrap();
    let day = ReservationQuery {
        date: chrono::NaiveDate::from_ymd_opt(2025, 8, 13),
        ..ReservationQuery::default()
    };
    let mut explain = sqlx::QueryBuilder::new("explain ");
    push_list_query(&mut explain, &day, DEFAULT_LIMIT);
    let plan: Vec<String> = explain
        .build_query_scalar()
        .fetch_all(tx.conn())
        .await
        .unwrap();
    let plan = plan.join("\n");
    // The reservations scan is bounded by the day itself, not filtered after.
    let bounded = plan.lines().any(|line| {
        line.contains("Index Cond") && line.contains("booked_at >=") && line.contains("booked_at <")
    });
    assert!(bounded, "{plan}");
    assert!(!plan.contains("Filter: ((booked_at"), "{plan}");
}

#[tokio::test]
async fn seating_from_the_waitlist_sets_times_and_occupies_the_table_then_finishing_frees_it() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let staff = app.add_staff(&owner, "staff").await;
    let table = app.create_table(&owner, "A1", 4).await;
    let guest = app.create_reservation(&staff, "Walk In", 3, None).await;
    let path = format!("/reservations/{}", id(&guest));

    let (status, seated) = app
        .put(
            &staff,
            &path,
            json!({"status": "seated", "assignedTableId": id(&table)}),
        )
        .await;

    assert_eq!(status, 200, "{seated}");
    assert_eq!(seated["status"], "seated");
    assert_wire_timestamp(&seated["checkInTime"]);
    assert_wire_timestamp(&seated["seatedTime"]);
    let occupied = app.fetch(&owner, &format!("/tables/{}", id(&table))).await;
    assert_eq!(
        (
            occupied["status"].as_str(),
            occupied["currentGuestId"].as_str()
        ),
        (Some("occupied"), Some(id(&guest)))
    );

    let (status, finished) = app.put(&staff, &path, json!({"status": "finished"})).await;

    assert_eq!(status, 200);
    assert_wire_timestamp(&finished["finishedTime"]);
    let freed = app.fetch(&owner, &format!("/tables/{}", id(&table))).await;
    assert_eq!(freed["status"], "available");
    assert!(freed["currentGuestId"].is_null());
}

#[tokio::test]
async fn illegal_transitions_are_409_naming_both_statuses_and_only_managers_reopen() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let staff = app.add_staff(&owner, "staff").await;
    let guest = app
        .create_reservation(&owner, "Ann", 2, Some("2025-08-13T19:00:00Z"))
        .await;
    let path = format!("/reservations/{}", id(&guest));

    let (status, error) = app.put(&staff, &path, json!({"status": "finished"})).await;
    assert_eq!(status, 409);
    assert_eq!(error["code"], "illegal_transition");
    let detail = error["detail"].as_str().unwrap();
    assert!(
        detail.contains("confirmed") && detail.contains("finished"),
        "{detail}"
    );

    assert_eq!(
        app.put(&staff, &path, json!({"status": "noShow"})).await.0,
        200
    );
    assert_eq!(
        app.put(&staff, &path, json!({"status": "confirmed"}))
            .await
            .0,
        409,
        "staff cannot reopen"
    );
    let (status, reopened) = app.put(&owner, &path, json!({"status": "confirmed"})).await;
    assert_eq!((status, &reopened["status"]), (200, &json!("confirmed")));
    assert_eq!(app.fetch(&owner, &path).await["status"], "confirmed");
}

#[tokio::test]
async fn seating_needs_a_free_table_that_fits_unless_over_capacity_is_allowed() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let small = app.create_table(&owner, "S1", 2).await;
    let first = app.create_reservation(&owner, "First", 2, None).await;
    let big = app.create_reservation(&owner, "Big", 5, None).await;
    let path = |r: &Value| format!("/reservations/{}", id(r));

    let (status, error) = app
        .put(&owner, &path(&first), json!({"status": "seated"}))
        .await;
    assert_eq!((status, &error["code"]), (409, &json!("table_required")));
    let (status, error) = app
        .put(
            &owner,
            &path(&big),
            json!({"status": "seated", "assignedTableId": id(&small)}),
        )
        .await;
    assert_eq!((status, &error["code"]), (409, &json!("over_capacity")));
    assert_eq!(
        app.put(
            &owner,
            &path(&first),
            json!({"status": "seated", "assignedTableId": id(&small)})
        )
        .await
        .0,
        200
    );
    let (status, error) = app
        .put(
            &owner,
            &path(&big),
            json!({"status": "seated", "assignedTableId": id(&small),
        "allowOverCapacity": true}),
        )
        .await;
    assert_eq!((status, &error["code"]), (409, &json!("table_occupied")));
    assert_eq!(
        app.fetch(&owner, &path(&big)).await["status"],
        "waitlist",
        "a refused seating changes nothing"
    );
}

#[tokio::test]
async fn cancelling_a_seated_party_frees_its_table_and_keeps_the_reservation() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let table = app.create_table(&owner, "A1", 4).await;
    let guest = app.create_reservation(&owner, "Ann", 2, None).await;
    let path = format!("/reservations/{}", id(&guest));
    app.put(
        &owner,
        &path,
        json!({"status": "seated", "assignedTableId": id(&table)}),
    )
    .await;

    assert_eq!(
        app.call(Method::DELETE, &owner.path(&path), &owner.token, None)
            .await
            .status(),
        204
    );

    assert_eq!(app.fetch(&owner, &path).await["status"], "cancelled");
    assert_eq!(
        app.fetch(&owner, &format!("/tables/{}", id(&table))).await["status"],
        "available"
    );
}

#[tokio::test]
async fn twenty_hosts_seating_different_parties_at_one_table_at_once_have_exactly_one_winner() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let table = app.create_table(&owner, "A1", 4).await;
    let mut parties = Vec::new();
    for n in 0..20 {
        parties.push(
            app.create_reservation(&owner, &format!("Party {n}"), 2, None)
                .await,
        );
    }

    let paths: Vec<String> = parties
        .iter()
        .map(|party| owner.path(&format!("/reservations/{}", id(party))))
        .collect();
    let attempts = paths.iter().map(|path| {
        let body = json!({"status": "seated", "assignedTableId": id(&table)});
        app.call(Method::PUT, path, &owner.token, Some(body))
    });
    let statuses: Vec<u16> = futures_util::future::join_all(attempts)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();

    assert_eq!(
        statuses.iter().filter(|&&s| s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|&&s| s == 409).count(),
        19,
        "{statuses:?}"
    );
    let seated = app.fetch(&owner, "/reservations?status=seated").await;
    assert_eq!(seated.as_array().unwrap().len(), 1);
    let table_now = app.fetch(&owner, &format!("/tables/{}", id(&table))).await;
    assert_eq!(
        table_now["currentGuestId"], seated[0]["id"],
        "table and reservation agree"
    );
    assert_eq!(seated[0]["assignedTableId"], table["id"]);
}

#[tokio::test]
async fn every_write_is_in_the_activity_log_and_the_event_log_with_gap_free_seq() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let staff = app.add_staff(&owner, "staff").await;
    let table = app.create_table(&owner, "A1", 4).await;
    let guest = app.create_reservation(&owner, "Ann", 2, None).await;
    app.put(
        &owner,
        &format!("/reservations/{}", id(&guest)),
        json!({"status": "seated", "assignedTableId": id(&table)}),
    )
    .await;

    let activity = app.fetch(&owner, "/activity").await;
    let actions: Vec<&str> = activity
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "reservation.update",
            "table.update",
            "reservation.create",
            "table.create",
            "staff.create"
        ],
        "newest first"
    );
    let seat = &activity[0];
    assert_eq!(seat["userId"].as_str(), Some(owner.user_id.as_str()));
    assert_eq!(
        (
            seat["before"]["status"].as_str(),
            seat["after"]["status"].as_str()
        ),
        (Some("waitlist"), Some("seated"))
    );
    let tables_only = app.fetch(&owner, "/activity?entityType=table").await;
    assert_eq!(tables_only.as_array().unwrap().len(), 2);
    assert_eq!(
        app.call(Method::GET, &owner.path("/activity"), &staff.token, None)
            .await
            .status(),
        403
    );

    let events: Vec<(i64, String)> =
        sqlx::query_as("select seq, type from events where restaurant_id = $1::uuid order by seq")
            .bind(&owner.restaurant_id)
            .fetch_all(&app.db)
            .await
            .unwrap();
    let seqs: Vec<i64> = events.iter().map(|e| e.0).collect();
    assert_eq!(seqs, [1, 2, 3, 4, 5]);
    let kinds: Vec<&str> = events.iter().map(|e| e.1.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "staff_update",
            "table_update",
            "reservation_update",
            "table_update",
            "reservation_update"
        ]
    );
}

#[tokio::test]
async fn bad_input_is_4xx_with_the_contract_body_never_5xx() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let path = owner.path("/reservations");
    let post = |body: String| {
        app.http
            .post(app.url(&path))
            .bearer_auth(&owner.token)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };

    let cases: Vec<(String, u16)> = vec![
        ("{not json".into(), 422),
        (
            json!({"guestName": "A", "partySize": "two"}).to_string(),
            422,
        ),
        (json!({"guestName": "A", "partySize": 100}).to_string(), 422),
        (json!({"guestName": "", "partySize": 2}).to_string(), 422),
        (
            json!({"guestName": "A", "partySize": 2, "status": "dancing"}).to_string(),
            422,
        ),
        (
            json!({"guestName": "A", "partySize": 2, "reservationTime": "tomorrow"}).to_string(),
            422,
        ),
        (
            json!({"guestName": "A", "partySize": 2, "status": "finished"}).to_string(),
            422,
        ),
        (
            json!({"guestName": "A", "partySize": 2, "notes": "x".repeat(70 * 1024)}).to_string(),
            413,
        ),
        ("[".repeat(10_000), 422),
    ];
    for (body, expected) in cases {
        let (status, error) = json_of(post(body.clone()).await.unwrap()).await;
        assert_eq!(status, expected, "{}: {error}", &body[..body.len().min(80)]);
        assert!(
            error["code"].is_string() && !error["detail"].is_null(),
            "{error}"
        );
    }
    for bad_path in ["/reservations/not-a-uuid", "/tables/123"] {
        let (status, error) = json_of(
            app.call(Method::GET, &owner.path(bad_path), &owner.token, None)
                .await,
        )
        .await;
        assert_eq!(status, 422, "{bad_path}");
        assert_eq!(error["code"], "validation_error");
    }
    let (status, _) = json_of(
        app.call(Method::GET, "/restaurants/nope/tables", &owner.token, None)
            .await,
    )
    .await;
    assert_eq!(status, 422);
}
