//! Reservations and walk-ins over HTTP: shapes, filters, the lifecycle and its
//! side effects, the seating race, the activity log, and bad input.

use serde_json::{Value, json};

use qtable::{
    db::TenantTx,
    reservations::{
        model::{DEFAULT_LIMIT, ReservationQuery},
        push_list_query,
    },
};

use crate::helpers::{Account, TestApp, assert_keys, assert_wire_timestamp, id, strings};

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
            "guest",
            "guestName",
            "guestProfileId",
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
        "guestProfileId",
        "guest",
    ] {
        assert!(booked[key].is_null(), "{key}");
    }
    assert_wire_timestamp(&booked["createdAt"]);
    assert_wire_timestamp(&booked["lastUpdated"]);
    assert_eq!(walk_in["status"], "waitlist");
    assert!(walk_in["reservationTime"].is_null());
}

/// Four bookings of a New York restaurant around the 13th; one is cancelled.
struct Bookings {
    late: Value,
    early: Value,
    next_day: Value,
    cancelled: Value,
}

async fn four_bookings_in_new_york(app: &TestApp, owner: &Account) -> Bookings {
    let new_york = json!({"timezone": "America/New_York"});
    assert_eq!(app.put_restaurant(owner, &new_york).await.status, 200);
    // 23:30 in New York on the 13th is 03:30Z on the 14th.
    let late = app
        .create_reservation(owner, "Late Larry", 2, Some("2025-08-14T03:30:00Z"))
        .await;
    let early = app
        .create_reservation(owner, "Early Ella", 2, Some("2025-08-13T16:00:00Z"))
        .await;
    let next_day = app
        .create_reservation(owner, "Next Ned", 2, Some("2025-08-14T16:00:00Z"))
        .await;
    let cancelled = app
        .create_reservation(owner, "Gone Gina", 2, Some("2025-08-13T17:00:00Z"))
        .await;
    let cancel = app.delete_reservation(owner, id(&cancelled)).await;
    assert_eq!(cancel.status, 204);
    Bookings {
        late,
        early,
        next_day,
        cancelled,
    }
}

/// The ids the list returns for `query`, in its order.
async fn listed(app: &TestApp, owner: &Account, query: &str) -> Vec<String> {
    let list = app.get_reservations(owner, query).await.expect_200();
    let ids = strings(list.as_array().unwrap(), "id");
    ids.into_iter().map(str::to_owned).collect()
}

#[tokio::test]
async fn a_days_list_holds_the_restaurants_local_date_in_time_order() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let booked = four_bookings_in_new_york(&app, &owner).await;

    let day = listed(&app, &owner, "date=2025-08-13").await;

    assert_eq!(
        day,
        [id(&booked.early), id(&booked.cancelled), id(&booked.late)],
        "in time order, by New York date"
    );
}

#[tokio::test]
async fn the_list_filters_by_status_local_date_time_range_and_name() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let booked = four_bookings_in_new_york(&app, &owner).await;

    let open = listed(
        &app,
        &owner,
        "date=2025-08-13&status=confirmed&status=seated",
    )
    .await;
    let named = listed(&app, &owner, "q=larry").await;
    let ranged = listed(
        &app,
        &owner,
        "from=2025-08-14T00:00:00Z&to=2025-08-15T00:00:00Z",
    )
    .await;

    assert_eq!(open, [id(&booked.early), id(&booked.late)]);
    assert_eq!(named, [id(&booked.late)]);
    assert_eq!(ranged, [id(&booked.late), id(&booked.next_day)]);
}

#[tokio::test]
async fn the_list_honours_its_limit_and_refuses_bad_filters_with_422() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    four_bookings_in_new_york(&app, &owner).await;

    assert_eq!(listed(&app, &owner, "limit=1").await.len(), 1);
    for bad in [
        "limit=0",
        "limit=1001",
        "status=sleeping",
        "date=13-08-2025",
    ] {
        let refused = app.get_reservations(&owner, bad).await;
        assert_eq!(refused.status, 422, "{bad}");
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

    let seated = app.seat(&staff, &guest, &table).await;

    assert_eq!(seated.status, 200, "{}", seated.body);
    assert_eq!(seated.body["status"], "seated");
    assert_wire_timestamp(&seated.body["checkInTime"]);
    assert_wire_timestamp(&seated.body["seatedTime"]);
    let occupied = app.get_table(&owner, id(&table)).await.expect_200();
    assert_eq!(
        (
            occupied["status"].as_str(),
            occupied["currentGuestId"].as_str()
        ),
        (Some("occupied"), Some(id(&guest)))
    );

    let finish = json!({"status": "finished"});
    let finished = app.put_reservation(&staff, id(&guest), &finish).await;

    assert_eq!(finished.status, 200);
    assert_wire_timestamp(&finished.body["finishedTime"]);
    let freed = app.get_table(&owner, id(&table)).await.expect_200();
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
    let to = |status: &str| json!({"status": status});

    let error = app
        .put_reservation(&staff, id(&guest), &to("finished"))
        .await;
    assert_eq!(error.status, 409);
    assert_eq!(error.body["code"], "illegal_transition");
    let detail = error.body["detail"].as_str().unwrap();
    assert!(
        detail.contains("confirmed") && detail.contains("finished"),
        "{detail}"
    );

    let no_show = app.put_reservation(&staff, id(&guest), &to("noShow")).await;
    assert_eq!(no_show.status, 200);
    let reopen = app
        .put_reservation(&staff, id(&guest), &to("confirmed"))
        .await;
    assert_eq!(reopen.status, 409, "staff cannot reopen");
    let reopened = app
        .put_reservation(&owner, id(&guest), &to("confirmed"))
        .await;
    assert_eq!(reopened.status_and("status"), (200, &json!("confirmed")));
    let now = app.get_reservation(&owner, id(&guest)).await.expect_200();
    assert_eq!(now["status"], "confirmed");
}

#[tokio::test]
async fn seating_needs_a_free_table_that_fits_unless_over_capacity_is_allowed() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let small = app.create_table(&owner, "S1", 2).await;
    let first = app.create_reservation(&owner, "First", 2, None).await;
    let big = app.create_reservation(&owner, "Big", 5, None).await;

    let no_table = json!({"status": "seated"});
    let error = app.put_reservation(&owner, id(&first), &no_table).await;
    assert_eq!(error.status_and("code"), (409, &json!("table_required")));
    let error = app.seat(&owner, &big, &small).await;
    assert_eq!(error.status_and("code"), (409, &json!("over_capacity")));
    assert_eq!(app.seat(&owner, &first, &small).await.status, 200);
    let squeeze =
        json!({"status": "seated", "assignedTableId": id(&small), "allowOverCapacity": true});
    let error = app.put_reservation(&owner, id(&big), &squeeze).await;
    assert_eq!(error.status_and("code"), (409, &json!("table_occupied")));
    let big_now = app.get_reservation(&owner, id(&big)).await.expect_200();
    assert_eq!(
        big_now["status"], "waitlist",
        "a refused seating changes nothing"
    );
}

#[tokio::test]
async fn cancelling_a_seated_party_frees_its_table_and_keeps_the_reservation() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let table = app.create_table(&owner, "A1", 4).await;
    let guest = app.create_reservation(&owner, "Ann", 2, None).await;
    app.seat(&owner, &guest, &table).await;

    assert_eq!(app.delete_reservation(&owner, id(&guest)).await.status, 204);

    let cancelled = app.get_reservation(&owner, id(&guest)).await.expect_200();
    assert_eq!(cancelled["status"], "cancelled");
    let freed = app.get_table(&owner, id(&table)).await.expect_200();
    assert_eq!(freed["status"], "available");
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

    let attempts = parties.iter().map(|party| app.seat(&owner, party, &table));
    let statuses: Vec<u16> = futures_util::future::join_all(attempts)
        .await
        .iter()
        .map(|reply| reply.status)
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
    let seated = app
        .get_reservations(&owner, "status=seated")
        .await
        .expect_200();
    assert_eq!(seated.as_array().unwrap().len(), 1);
    let table_now = app.get_table(&owner, id(&table)).await.expect_200();
    assert_eq!(
        table_now["currentGuestId"], seated[0]["id"],
        "table and reservation agree"
    );
    assert_eq!(seated[0]["assignedTableId"], table["id"]);
}

/// A restaurant after five writes: a staff member, a table, a walk-in, and
/// the walk-in seated at the table (by the owner). Returns owner and staff.
async fn five_writes(app: &TestApp) -> (Account, Account) {
    let owner = app.register().await;
    let staff = app.add_staff(&owner, "staff").await;
    let table = app.create_table(&owner, "A1", 4).await;
    let guest = app.create_reservation(&owner, "Ann", 2, None).await;
    app.seat(&owner, &guest, &table).await;
    (owner, staff)
}

#[tokio::test]
async fn every_write_is_in_the_activity_log_newest_first_with_its_author_and_change() {
    let app = TestApp::spawn().await;
    let (owner, _) = five_writes(&app).await;

    let activity = app.get_activity(&owner, "").await.expect_200();

    let actions = strings(activity.as_array().unwrap(), "action");
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
}

#[tokio::test]
async fn the_activity_log_filters_by_entity_type_and_is_closed_to_staff() {
    let app = TestApp::spawn().await;
    let (owner, staff) = five_writes(&app).await;

    let tables_only = app.get_activity(&owner, "entityType=table").await;
    let as_staff = app.get_activity(&staff, "").await;

    assert_eq!(tables_only.expect_200().as_array().unwrap().len(), 2);
    assert_eq!(as_staff.status, 403);
}

#[tokio::test]
async fn every_write_is_in_the_event_log_with_gap_free_seq() {
    let app = TestApp::spawn().await;
    let (owner, _) = five_writes(&app).await;

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
async fn bad_bodies_are_4xx_with_the_contract_body_never_5xx() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
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
        let refused = app.post_reservation_text(&owner, body.clone()).await;
        let error = refused.body;
        assert_eq!(
            refused.status,
            expected,
            "{}: {error}",
            &body[..body.len().min(80)]
        );
        assert!(
            error["code"].is_string() && !error["detail"].is_null(),
            "{error}"
        );
    }
}

#[tokio::test]
async fn bad_ids_in_the_path_are_422_never_5xx() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let nowhere = Account {
        restaurant_id: "nope".into(),
        ..owner.clone()
    };

    let bad_reservation = app.get_reservation(&owner, "not-a-uuid").await;
    let bad_table = app.get_table(&owner, "123").await;
    let bad_restaurant = app.get_tables(&nowhere).await;

    for (bad_path, refused) in [
        ("/reservations/not-a-uuid", bad_reservation),
        ("/tables/123", bad_table),
    ] {
        assert_eq!(refused.status, 422, "{bad_path}");
        assert_eq!(refused.body["code"], "validation_error");
    }
    assert_eq!(bad_restaurant.status, 422);
}
