//! Turn times (issue 17, point 1): set by managers, validated, and
//! suggested from the restaurant's own finished parties.

use serde_json::{Value, json};

use crate::helpers::{Account, TestApp, id};

#[tokio::test]
async fn turn_times_default_to_90_minutes_and_only_managers_set_them() {
    let app = TestApp::spawn().await;
    let (owner, manager, staff) = app.team().await;
    let times = json!({"defaultMinutes": 120, "byPartySize": [
        {"maxPartySize": 2, "minutes": 75}, {"maxPartySize": 4, "minutes": 90}]});

    let before = app.get_turn_times(&staff).await.expect_200();
    let unsampled = app.get_suggested_turn_times(&staff).await.expect_200();
    let refused = app.put_turn_times(&staff, &times).await;
    let set = app.put_turn_times(&manager, &times).await;
    let after = app.get_turn_times(&owner).await;

    assert_eq!(before, json!({"defaultMinutes": 90, "byPartySize": []}));
    assert_eq!(
        unsampled,
        json!({"defaultMinutes": 90, "byPartySize": [], "sampleSize": 0})
    );
    assert_eq!(refused.status, 403);
    assert_eq!((set.status, &set.body), (200, &times));
    assert_eq!(after.body, times);
    assert_eq!(after.headers["etag"], set.headers["etag"]);
    let kinds: Vec<String> = sqlx::query_scalar(
        "select type from events where restaurant_id = $1::uuid order by seq desc limit 1",
    )
    .bind(&owner.restaurant_id)
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(kinds, ["turn_times_update"]);
}

#[tokio::test]
async fn bands_out_of_order_or_minutes_out_of_range_are_422_naming_the_field() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let band = |size: i32, minutes: i32| json!({"maxPartySize": size, "minutes": minutes});
    let cases = [
        (
            json!({"defaultMinutes": 14}),
            json!(["body", "defaultMinutes"]),
        ),
        (
            json!({"defaultMinutes": 601}),
            json!(["body", "defaultMinutes"]),
        ),
        (
            json!({"defaultMinutes": 90, "byPartySize": [band(4, 90), band(2, 75)]}),
            json!(["body", "byPartySize", "1", "maxPartySize"]),
        ),
        (
            json!({"defaultMinutes": 90, "byPartySize": [band(2, 700)]}),
            json!(["body", "byPartySize", "0", "minutes"]),
        ),
    ];

    for (body, loc) in cases {
        let reply = app.put_turn_times(&owner, &body).await;
        assert_eq!(reply.status, 422, "{body}");
        assert_eq!(reply.body["detail"][0]["loc"], loc, "{body}");
    }
    assert_eq!(app.get_turn_times(&owner).await.body["defaultMinutes"], 90);
}

/// A party of `size` seated and finished, then moved `days_ago` into the
/// past with a turn of `minutes`.
async fn finished_party(
    app: &TestApp,
    owner: &Account,
    table: &Value,
    size: i32,
    (days_ago, minutes): (i32, i32),
) {
    let party = app.create_reservation(owner, "Done", size, None).await;
    assert_eq!(app.seat(owner, &party, table).await.status, 200);
    let finish = app
        .put_reservation(owner, id(&party), &json!({"status": "finished"}))
        .await;
    assert_eq!(finish.status, 200);
    sqlx::query(
        "update reservations set seated_time = now() - make_interval(days => $2),
             finished_time = now() - make_interval(days => $2) + make_interval(mins => $3)
         where id = $1::uuid",
    )
    .bind(id(&party))
    .bind(days_ago)
    .bind(minutes)
    .execute(&app.db)
    .await
    .unwrap();
}

#[tokio::test]
async fn suggested_turn_times_are_the_medians_of_the_last_60_days_finished_parties() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let table = app.create_table(&owner, "A1", 6).await;
    for (size, turn) in [
        (2, (1, 60)),
        (2, (2, 70)),
        (2, (3, 90)),
        (4, (1, 100)),
        (2, (70, 300)),
    ] {
        finished_party(&app, &owner, &table, size, turn).await;
    }

    let suggested = app.get_suggested_turn_times(&owner).await.expect_200();

    assert_eq!(
        suggested,
        json!({"defaultMinutes": 80, "sampleSize": 4, "byPartySize": [
            {"maxPartySize": 2, "minutes": 70, "sampleSize": 3},
            {"maxPartySize": 4, "minutes": 100, "sampleSize": 1}]})
    );
}

#[tokio::test]
async fn a_stale_if_match_on_turn_times_or_server_assignments_is_412_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let times = app.get_turn_times(&owner).await;
    let assignments = app.get_server_assignments(&owner).await;
    let (times_tag, assignments_tag) = (&times.headers["etag"], &assignments.headers["etag"]);
    let ninety = json!({"defaultMinutes": 100});
    app.put_turn_times(&owner, &ninety).await.expect_200();
    let section = json!([{"section": "Main", "userId": owner.user_id}]);
    app.put_server_assignments(&owner, &section)
        .await
        .expect_200();

    let stale_times = json!({"defaultMinutes": 30});
    let late_times = app
        .put_turn_times_if_match(&owner, times_tag, &stale_times)
        .await;
    let late_sections = app
        .put_server_assignments_if_match(&owner, assignments_tag, &json!([]))
        .await;

    assert_eq!(late_times.status, 412, "{}", late_times.body);
    assert_eq!(late_sections.status, 412, "{}", late_sections.body);
    let kept = app.get_turn_times(&owner).await.expect_200();
    assert_eq!(kept["defaultMinutes"], 100);
    let sections = app.get_server_assignments(&owner).await.expect_200();
    assert_eq!(sections["assignments"].as_array().unwrap().len(), 1);
}
