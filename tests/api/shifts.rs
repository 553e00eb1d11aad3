//! Shifts and closures (issue 18, point 1): online booking's settings,
//! defined by managers, read by everyone, validated, and never overlapping.

use serde_json::{Value, json};

use crate::helpers::{Account, TestApp, id, strings};

fn dinner() -> Value {
    json!({"name": "Dinner", "daysOfWeek": [5, 1, 2, 3, 4], "startTime": "17:00",
        "lastSeatingTime": "21:30", "endTime": "23:00", "coversPerSlot": 20})
}

/// The last `n` event types of the restaurant, newest first.
async fn last_events(app: &TestApp, owner: &Account, n: i64) -> Vec<(String, Value)> {
    sqlx::query_as(
        "select type, data from events where restaurant_id = $1::uuid order by seq desc limit $2",
    )
    .bind(&owner.restaurant_id)
    .bind(n)
    .fetch_all(&app.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_manager_defines_shifts_with_defaults_that_every_role_reads_by_start_time() {
    let app = TestApp::spawn().await;
    let (owner, manager, staff) = app.team().await;
    let lunch = json!({"name": "Lunch", "daysOfWeek": [6, 7], "startTime": "11:30",
        "lastSeatingTime": "14:00", "endTime": "15:30", "slotMinutes": 30, "coversPerSlot": 16,
        "onlineCoversPerSlot": 8, "minNoticeMinutes": 0, "maxAdvanceDays": 14});

    let created = app.post_shift(&owner, &dinner()).await;
    let second = app.post_shift(&manager, &lunch).await;

    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(second.status, 201, "{}", second.body);
    let shift = &created.body;
    assert_eq!(shift["daysOfWeek"], json!([1, 2, 3, 4, 5]));
    assert_eq!(
        [
            &shift["startTime"],
            &shift["lastSeatingTime"],
            &shift["endTime"]
        ],
        [&json!("17:00"), &json!("21:30"), &json!("23:00")]
    );
    let defaults = [
        "slotMinutes",
        "onlineCoversPerSlot",
        "minNoticeMinutes",
        "maxAdvanceDays",
    ]
    .map(|key| shift[key].clone());
    assert_eq!(defaults, [json!(15), json!(20), json!(60), json!(60)]);
    let listed = app.get_shifts(&staff).await.expect_200();
    assert_eq!(
        strings(listed.as_array().unwrap(), "name"),
        ["Lunch", "Dinner"]
    );
    assert_eq!(listed[0], second.body);
    let one = app.get_shift(&staff, id(shift)).await;
    assert_eq!((one.status, &one.body), (200, shift));
    assert_eq!(one.headers["etag"], created.headers["etag"]);
    let events = last_events(&app, &owner, 1).await;
    assert_eq!(events[0].0, "shift_update");
}

#[tokio::test]
async fn put_replaces_a_shift_whole_and_delete_removes_it() {
    let app = TestApp::spawn().await;
    let (owner, manager, _) = app.team().await;
    let mut tuned = dinner();
    tuned["slotMinutes"] = json!(30);
    tuned["onlineCoversPerSlot"] = json!(5);
    let shift = app.post_shift(&owner, &tuned).await.body;

    let mut late = dinner();
    late["name"] = json!("Late dinner");
    late["endTime"] = json!("01:00");
    let replaced = app.put_shift(&manager, id(&shift), &late).await;
    let deleted = app.delete_shift(&manager, id(&shift)).await;

    assert_eq!(replaced.status, 200, "{}", replaced.body);
    let body = &replaced.body;
    assert_eq!(
        (&body["name"], &body["endTime"]),
        (&json!("Late dinner"), &json!("01:00"))
    );
    assert_eq!(
        (&body["slotMinutes"], &body["onlineCoversPerSlot"]),
        (&json!(15), &json!(20)),
        "omitted fields take their defaults again"
    );
    assert_eq!(replaced.headers["etag"], "\"2\"");
    assert_eq!(deleted.status, 204);
    assert_eq!(app.get_shift(&owner, id(&shift)).await.status, 404);
    assert_eq!(app.delete_shift(&owner, id(&shift)).await.status, 404);
    let events = last_events(&app, &owner, 2).await;
    assert_eq!(
        events[0],
        ("shift_delete".into(), json!({"id": shift["id"]}))
    );
    assert_eq!(events[1].0, "shift_update");
}

#[tokio::test]
async fn staff_read_shifts_and_closures_but_may_not_write_them() {
    let app = TestApp::spawn().await;
    let (owner, _, staff) = app.team().await;
    let shift = app.post_shift(&owner, &dinner()).await.body;
    let closed = json!({"date": "2026-12-25"});
    assert_eq!(app.post_closure(&owner, &closed).await.status, 201);

    let replies = [
        app.post_shift(
            &staff,
            &json!({"name": "Brunch", "daysOfWeek": [7], "startTime": "10:00",
            "lastSeatingTime": "12:00", "endTime": "13:00", "coversPerSlot": 10}),
        )
        .await,
        app.put_shift(&staff, id(&shift), &dinner()).await,
        app.delete_shift(&staff, id(&shift)).await,
        app.post_closure(&staff, &json!({"date": "2026-12-26"}))
            .await,
        app.delete_closure(&staff, "2026-12-25").await,
    ];

    for reply in replies {
        assert_eq!(
            reply.status_and("code"),
            (403, &json!("forbidden")),
            "{}",
            reply.request
        );
    }
    assert_eq!(
        app.get_shifts(&staff)
            .await
            .expect_200()
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        app.get_closures(&staff, "").await.expect_200(),
        json!([closed_day("2026-12-25", "")])
    );
}

fn closed_day(date: &str, reason: &str) -> Value {
    json!({"date": date, "reason": reason})
}

#[tokio::test]
async fn invalid_shifts_are_422_naming_the_field_and_store_nothing() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let with = |key: &str, value: Value| {
        let mut body = dinner();
        body[key] = value;
        body
    };
    let mut nameless = dinner();
    nameless.as_object_mut().unwrap().remove("name");
    let cases = [
        (with("startTime", json!("5pm")), "startTime"),
        (with("startTime", json!("17:00:00")), "startTime"),
        (with("endTime", json!("24:00")), "endTime"),
        (with("daysOfWeek", json!([])), "daysOfWeek"),
        (with("daysOfWeek", json!([1, 1])), "daysOfWeek"),
        (with("daysOfWeek", json!([0, 8])), "daysOfWeek"),
        (with("lastSeatingTime", json!("16:45")), "lastSeatingTime"),
        (with("endTime", json!("21:00")), "endTime"),
        (with("slotMinutes", json!(25)), "slotMinutes"),
        (with("coversPerSlot", json!(-1)), "coversPerSlot"),
        (
            with("onlineCoversPerSlot", json!(21)),
            "onlineCoversPerSlot",
        ),
        (with("minNoticeMinutes", json!(-5)), "minNoticeMinutes"),
        (with("maxAdvanceDays", json!(731)), "maxAdvanceDays"),
        (with("name", json!(" ")), "name"),
        (nameless, "name"),
    ];

    for (body, field) in cases {
        let reply = app.post_shift(&owner, &body).await;
        assert_eq!(reply.status, 422, "{body}: {}", reply.body);
        assert_eq!(
            reply.body["detail"][0]["loc"],
            json!(["body", field]),
            "{body}"
        );
    }
    assert_eq!(app.get_shifts(&owner).await.expect_200(), json!([]));
}

#[tokio::test]
async fn seatings_that_meet_on_a_shared_day_are_409_and_names_are_unique() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let lunch = json!({"name": "Lunch", "daysOfWeek": [1, 2, 3, 4, 5], "startTime": "11:30",
        "lastSeatingTime": "14:30", "endTime": "16:00", "coversPerSlot": 20});
    let lunch = app.post_shift(&owner, &lunch).await.body;
    let shift = |name: &str, days: Value, start: &str, last: &str, end: &str| {
        json!({"name": name, "daysOfWeek": days, "startTime": start,
            "lastSeatingTime": last, "endTime": end, "coversPerSlot": 10})
    };

    let touching = app
        .post_shift(&owner, &shift("Tea", json!([5]), "14:30", "17:00", "18:00"))
        .await;
    let weekend = app
        .post_shift(
            &owner,
            &shift("Tea", json!([6, 7]), "14:00", "17:00", "18:00"),
        )
        .await;
    let late = app
        .post_shift(
            &owner,
            &shift("Late", json!([5]), "22:00", "23:45", "02:00"),
        )
        .await;
    let renamed = app
        .post_shift(
            &owner,
            &shift("Lunch", json!([6]), "09:00", "10:00", "11:00"),
        )
        .await;
    let longer = shift("Lunch", json!([1, 2, 3, 4, 5]), "11:00", "15:00", "16:30");
    let moved = app.put_shift(&owner, id(&lunch), &longer).await;
    let onto = app
        .put_shift(
            &owner,
            id(&late.body),
            &shift("Late", json!([6]), "15:00", "23:00", "01:00"),
        )
        .await;

    assert_eq!(touching.status_and("code"), (409, &json!("shift_overlap")));
    assert!(
        touching.body["detail"].as_str().unwrap().contains("Lunch"),
        "{}",
        touching.body
    );
    assert_eq!(weekend.status, 201, "no shared day: {}", weekend.body);
    assert_eq!(late.status, 201, "ending after midnight: {}", late.body);
    assert_eq!(
        renamed.status_and("code"),
        (409, &json!("duplicate_shift_name"))
    );
    assert_eq!(
        moved.status, 200,
        "a shift never overlaps itself: {}",
        moved.body
    );
    assert_eq!(onto.status_and("code"), (409, &json!("shift_overlap")));
    let listed = app.get_shifts(&owner).await.expect_200();
    let names = strings(listed.as_array().unwrap(), "name");
    assert_eq!(names, ["Lunch", "Tea", "Late"]);
}

#[tokio::test]
async fn ten_overlapping_shifts_created_at_once_leave_exactly_one() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let (app, owner) = (&app, &owner);

    let attempts = (0..10).map(|n| async move {
        let mut body = dinner();
        body["name"] = json!(format!("Dinner {n}"));
        app.post_shift(owner, &body).await
    });
    let replies = futures_util::future::join_all(attempts).await;

    let created = replies.iter().filter(|r| r.status == 201).count();
    assert_eq!(
        created,
        1,
        "{:?}",
        replies.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    for reply in replies.iter().filter(|r| r.status != 201) {
        assert_eq!(reply.status_and("code"), (409, &json!("shift_overlap")));
    }
    assert_eq!(
        app.get_shifts(owner)
            .await
            .expect_200()
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn a_stale_if_match_on_a_shift_is_412_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let created = app.post_shift(&owner, &dinner()).await;
    let first_tag = &created.headers["etag"];
    let mut brunch = dinner();
    brunch["name"] = json!("Brunch");
    let current = app
        .put_shift_if_match(&owner, id(&created.body), first_tag, &brunch)
        .await;
    assert_eq!(current.status, 200, "{}", current.body);

    let mut supper = dinner();
    supper["name"] = json!("Supper");
    let stale_put = app
        .put_shift_if_match(&owner, id(&created.body), first_tag, &supper)
        .await;
    let stale_delete = app
        .delete_shift_if_match(&owner, id(&created.body), first_tag)
        .await;

    assert_eq!(
        stale_put.status_and("code"),
        (412, &json!("precondition_failed"))
    );
    assert_eq!(stale_delete.status, 412, "{}", stale_delete.body);
    let kept = app.get_shift(&owner, id(&created.body)).await.expect_200();
    assert_eq!(kept["name"], "Brunch");
}

#[tokio::test]
async fn another_restaurants_shifts_and_closures_are_out_of_reach() {
    let app = TestApp::spawn().await;
    let a = app.register().await;
    let b = app.register().await;
    let shift = app.post_shift(&a, &dinner()).await.body;
    assert_eq!(
        app.post_closure(&a, &json!({"date": "2026-12-25"}))
            .await
            .status,
        201
    );
    let intruder = Account {
        token: b.token.clone(),
        ..a.clone()
    };

    let forbidden = [
        app.get_shifts(&intruder).await,
        app.post_shift(&intruder, &dinner()).await,
        app.get_shift(&intruder, id(&shift)).await,
        app.put_shift(&intruder, id(&shift), &dinner()).await,
        app.delete_shift(&intruder, id(&shift)).await,
        app.get_closures(&intruder, "").await,
        app.post_closure(&intruder, &json!({"date": "2026-12-26"}))
            .await,
        app.delete_closure(&intruder, "2026-12-25").await,
    ];
    let not_found = [
        app.get_shift(&b, id(&shift)).await,
        app.put_shift(&b, id(&shift), &dinner()).await,
        app.delete_shift(&b, id(&shift)).await,
        app.delete_closure(&b, "2026-12-25").await,
    ];

    for reply in forbidden {
        assert_eq!(reply.status, 403, "{}: {}", reply.request, reply.body);
    }
    for reply in not_found {
        assert_eq!(reply.status, 404, "{}: {}", reply.request, reply.body);
    }
    assert_eq!(app.get_shifts(&b).await.expect_200(), json!([]));
    assert_eq!(app.get_closures(&b, "").await.expect_200(), json!([]));
    assert_eq!(app.get_shift(&a, id(&shift)).await.expect_200(), shift);
}

#[tokio::test]
async fn managers_close_days_once_each_and_every_role_lists_them_by_date() {
    let app = TestApp::spawn().await;
    let (owner, manager, staff) = app.team().await;
    for (date, reason) in [
        ("2026-12-25", " Christmas "),
        ("2026-12-24", ""),
        ("2027-01-01", "New year"),
    ] {
        let created = app
            .post_closure(&manager, &json!({"date": date, "reason": reason}))
            .await;
        assert_eq!(created.status, 201, "{}", created.body);
        assert_eq!(created.body, closed_day(date, reason.trim()));
    }

    let again = app
        .post_closure(&owner, &json!({"date": "2026-12-25"}))
        .await;
    let december = app
        .get_closures(&staff, "from=2026-12-01&to=2026-12-25")
        .await;
    let everything = app.get_closures(&staff, "").await.expect_200();
    let reopened = app.delete_closure(&owner, "2026-12-24").await;
    let twice = app.delete_closure(&owner, "2026-12-24").await;

    assert_eq!(again.status_and("code"), (409, &json!("closure_exists")));
    assert_eq!(
        december.expect_200(),
        json!([
            closed_day("2026-12-24", ""),
            closed_day("2026-12-25", "Christmas")
        ])
    );
    assert_eq!(
        strings(everything.as_array().unwrap(), "date"),
        ["2026-12-24", "2026-12-25", "2027-01-01"]
    );
    assert_eq!(reopened.status, 204);
    assert_eq!(twice.status, 404);
    let events = last_events(&app, &owner, 2).await;
    assert_eq!(
        events[0],
        ("closure_delete".into(), json!({"date": "2026-12-24"}))
    );
    assert_eq!(
        events[1],
        (
            "closure_update".into(),
            closed_day("2027-01-01", "New year")
        )
    );
}

#[tokio::test]
async fn malformed_closure_dates_and_long_reasons_are_422_naming_where() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;

    let replies = [
        (
            app.post_closure(&owner, &json!({"date": "2026-12-5"}))
                .await,
            json!(["body", "date"]),
        ),
        (
            app.post_closure(&owner, &json!({"date": "2026-02-30"}))
                .await,
            json!(["body", "date"]),
        ),
        (
            app.post_closure(&owner, &json!({"reason": "x"})).await,
            json!(["body", "date"]),
        ),
        (
            app.post_closure(
                &owner,
                &json!({"date": "2026-12-25", "reason": "x".repeat(201)}),
            )
            .await,
            json!(["body", "reason"]),
        ),
        (
            app.get_closures(&owner, "from=12/01/2026").await,
            json!(["query", "from"]),
        ),
        (
            app.get_closures(&owner, "to=2026-13-01").await,
            json!(["query", "to"]),
        ),
        (
            app.delete_closure(&owner, "christmas").await,
            json!(["path", "date"]),
        ),
    ];

    for (reply, loc) in replies {
        assert_eq!(reply.status, 422, "{}: {}", reply.request, reply.body);
        assert_eq!(reply.body["detail"][0]["loc"], loc, "{}", reply.request);
    }
    assert_eq!(app.get_closures(&owner, "").await.expect_200(), json!([]));
}
