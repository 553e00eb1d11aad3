//! The day report (issue 17, point 5) against a day constructed with
//! explicit times: every figure is known in advance.

use serde_json::{Value, json};

use crate::helpers::{Account, TestApp, id};

const DAY: &str = "2026-11-20";

/// Seats `party` at `table` and finishes it through the API, then moves its
/// times to `DAY`: joined, seated and finished at these `HH:MM` (UTC, the
/// restaurant's zone), with `quote` as its quoted wait.
async fn served(
    app: &TestApp,
    owner: &Account,
    party: &Value,
    table: &Value,
    times: [&str; 3],
    quote: Option<i32>,
) {
    assert_eq!(app.seat(owner, party, table).await.status, 200);
    let finish = app
        .put_reservation(owner, id(party), &json!({"status": "finished"}))
        .await;
    assert_eq!(finish.status, 200);
    let [joined, seated, finished] = times.map(|t| format!("{DAY}T{t}:00Z"));
    for statement in [
        "update reservations set created_at = $2::timestamptz, seated_time = $3::timestamptz,
             finished_time = $4::timestamptz, quoted_wait_minutes = $5 where id = $1::uuid",
        "update seatings set seated_at = $3::timestamptz, released_at = $4::timestamptz where reservation_id = $1::uuid",
    ] {
        sqlx::query(statement)
            .bind(id(party))
            .bind(&joined)
            .bind(&seated)
            .bind(&finished)
            .bind(quote)
            .execute(&app.db)
            .await
            .unwrap();
    }
}

/// Three tables; walk-ins of two seated 18:00-19:00 (after 10 minutes,
/// quoted 10) and 18:30-20:00 (after 30, quoted 15); a booked four
/// 19:00-21:00; a no-show and a cancellation; the owner serving "Main Dining".
async fn constructed_day(app: &TestApp, owner: &Account) {
    let tables = [
        app.create_table(owner, "A1", 4).await,
        app.create_table(owner, "A2", 4).await,
        app.create_table(owner, "A3", 4).await,
    ];
    let first = app.create_reservation(owner, "First", 2, None).await;
    served(
        app,
        owner,
        &first,
        &tables[0],
        ["17:50", "18:00", "19:00"],
        Some(10),
    )
    .await;
    let second = app.create_reservation(owner, "Second", 2, None).await;
    served(
        app,
        owner,
        &second,
        &tables[1],
        ["18:00", "18:30", "20:00"],
        Some(15),
    )
    .await;
    let booked = app
        .create_reservation(owner, "Booked", 4, Some(&format!("{DAY}T19:00:00Z")))
        .await;
    served(
        app,
        owner,
        &booked,
        &tables[2],
        ["12:00", "19:00", "21:00"],
        None,
    )
    .await;
    let gone = app
        .create_reservation(owner, "Gone", 2, Some(&format!("{DAY}T20:00:00Z")))
        .await;
    let no_show = app
        .put_reservation(owner, id(&gone), &json!({"status": "noShow"}))
        .await;
    assert_eq!(no_show.status, 200);
    let cancelled = app
        .create_reservation(owner, "Off", 2, Some(&format!("{DAY}T20:30:00Z")))
        .await;
    assert_eq!(
        app.delete_reservation(owner, id(&cancelled)).await.status,
        204
    );
    sqlx::query("insert into server_assignments (restaurant_id, day, section, user_id) values ($1::uuid, $2::date, 'Main Dining', $3::uuid)")
        .bind(&owner.restaurant_id)
        .bind(DAY)
        .bind(&owner.user_id)
        .execute(&app.db)
        .await
        .unwrap();
}

#[tokio::test]
async fn the_day_report_matches_a_constructed_day() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    constructed_day(&app, &owner).await;

    let report = app.get_day_report(&owner, DAY).await.expect_200();

    assert_eq!(
        report["parties"],
        json!({"walkIns": 2, "reservations": 1, "total": 3})
    );
    assert_eq!(
        report["covers"],
        json!({"walkIns": 4, "reservations": 4, "total": 8})
    );
    assert_eq!(
        (&report["noShows"], &report["cancellations"]),
        (&json!(1), &json!(1))
    );
    assert_eq!(
        report["turnTimes"],
        json!([{"partySize": 2, "parties": 2, "medianMinutes": 75.0, "p90Minutes": 87.0},
               {"partySize": 4, "parties": 1, "medianMinutes": 120.0, "p90Minutes": 120.0}])
    );
    assert_eq!(
        report["walkInWaits"],
        json!({"walkIns": 2, "medianWaitMinutes": 20.0, "quoted": 2, "medianQuotedMinutes": 12.5,
               "withinFiveMinutes": 1, "withinFiveMinutesShare": 0.5})
    );
    assert_eq!(report["coversByServer"][0]["covers"], 8);
    assert_eq!(
        report["coversByServer"][0]["userId"],
        owner.user_id.as_str()
    );
    let hours = report["occupancyByHour"].as_array().unwrap();
    assert_eq!(hours.len(), 24);
    let evening: Vec<(u64, f64)> = hours[17..22]
        .iter()
        .map(|h| {
            (
                h["hour"].as_u64().unwrap(),
                h["occupiedTableMinutes"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        evening,
        [(17, 0.0), (18, 90.0), (19, 120.0), (20, 60.0), (21, 0.0)]
    );
    assert_eq!(hours[18]["occupancy"], 0.5, "90 of 3 tables x 60 minutes");
    assert_eq!(hours[18]["startsAt"], format!("{DAY}T18:00:00Z"));
}

#[tokio::test]
async fn the_day_report_comes_as_csv_on_request_for_managers_only() {
    let app = TestApp::spawn().await;
    let (owner, _, staff) = app.team().await;
    constructed_day(&app, &owner).await;

    let (status, kind, csv) = app.get_day_report_csv(&owner, DAY).await;
    let by_staff = app.get_day_report(&staff, DAY).await;
    let bad_date = app
        .get_by_path(&owner, "/reports/day?date=2026-13-01")
        .await;

    assert_eq!(status, 200);
    assert!(kind.starts_with("text/csv"), "{kind}");
    assert!(csv.starts_with("metric,key,value\n"), "{csv}");
    for row in [
        "parties,total,3",
        "covers,walkIns,4",
        "turnMedianMinutes,2,75",
        "walkInsWithinFiveMinutes,,1",
        "occupancy,18,0.5",
    ] {
        assert!(csv.lines().any(|line| line == row), "{row} in\n{csv}");
    }
    assert_eq!(by_staff.status, 403);
    assert_eq!(bad_date.status, 422);
}
