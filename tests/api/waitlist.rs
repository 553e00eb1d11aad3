//! Quoted waits and the waitlist (issue 17, point 2), on floors built with
//! explicit seat times; and the `waitlist_update` live event (point 6).

use chrono::{Duration, Utc};
use serde_json::{Value, json};

use crate::helpers::{Account, TestApp, id, ws::connect};

/// A restaurant with a 60-minute turn and two four-tops, each with a party
/// of four seated just now. Returns the owner and the two seated parties.
async fn two_busy_four_tops(app: &TestApp) -> (Account, Value, Value) {
    let owner = app.register().await;
    app.turn_times_of(&owner, 60).await;
    let mut seated = Vec::new();
    for number in ["A1", "A2"] {
        let table = app.create_table(&owner, number, 4).await;
        let party = app.create_reservation(&owner, "Seated", 4, None).await;
        assert_eq!(app.seat(&owner, &party, &table).await.status, 200);
        seated.push(party);
    }
    let second = seated.pop().unwrap();
    (owner, seated.pop().unwrap(), second)
}

#[tokio::test]
async fn two_four_tops_seated_just_now_quote_the_next_two_parties_60_and_the_third_120() {
    let app = TestApp::spawn().await;
    let (owner, _, _) = two_busy_four_tops(&app).await;

    let first = app.get_quote(&owner, 4).await.expect_200();
    let joined = app.create_reservation(&owner, "First", 4, None).await;
    let second = app.get_quote(&owner, 4).await.expect_200();
    app.create_reservation(&owner, "Second", 4, None).await;
    let third = app.get_quote(&owner, 4).await.expect_200();

    assert_eq!(
        (&first["quotedWaitMinutes"], &first["partiesAhead"]),
        (&json!(60), &json!(0))
    );
    assert_eq!(
        joined["quotedWaitMinutes"], 60,
        "the walk-in keeps its quote"
    );
    assert!(joined["quotedAt"].is_string());
    assert_eq!(
        (&second["quotedWaitMinutes"], &second["partiesAhead"]),
        (&json!(60), &json!(1))
    );
    assert_eq!(
        (&third["quotedWaitMinutes"], &third["partiesAhead"]),
        (&json!(120), &json!(2))
    );
    assert_eq!(third["partySize"], 4);
    assert_eq!(third["expectedTableIds"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_free_two_top_quotes_a_party_of_two_zero_and_a_party_nothing_fits_null() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let table = app.create_table(&owner, "B1", 2).await;

    let two = app.get_quote(&owner, 2).await.expect_200();
    let five = app.get_quote(&owner, 5).await.expect_200();

    assert_eq!(two["quotedWaitMinutes"], 0);
    assert_eq!(two["expectedTableIds"], json!([id(&table)]));
    assert_eq!(two["expectedCombinationId"], Value::Null);
    assert_eq!(five["quotedWaitMinutes"], Value::Null);
    assert_eq!(five["expectedSeatAt"], Value::Null);
    assert_eq!(five["expectedTableIds"], json!([]));
    for bad in ["partySize=0", "partySize=100", ""] {
        let reply = app
            .get_by_path(&owner, &format!("/waitlist/quote?{bad}"))
            .await;
        assert_eq!(reply.status, 422, "{bad}: {}", reply.body);
    }
}

#[tokio::test]
async fn parties_half_way_through_or_past_their_turn_are_quoted_from_their_seat_times() {
    let app = TestApp::spawn().await;
    let (owner, first, second) = two_busy_four_tops(&app).await;
    app.seated_minutes_ago(&first, 30).await;
    app.seated_minutes_ago(&second, 80).await;

    let quote = app.get_quote(&owner, 4).await.expect_200();
    let after_it = app.create_reservation(&owner, "Next", 4, None).await;
    let then = app.get_quote(&owner, 4).await.expect_200();

    assert_eq!(
        quote["quotedWaitMinutes"], 5,
        "the overdue party frees soon, not in the past"
    );
    assert_eq!(after_it["quotedWaitMinutes"], 5);
    assert_eq!(
        then["quotedWaitMinutes"], 30,
        "the next table frees half-way through its turn"
    );
}

#[tokio::test]
async fn a_reservation_arriving_holds_its_table_around_its_time() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    app.turn_times_of(&owner, 60).await;
    let table = app.create_table(&owner, "A1", 4).await;
    let soon = (Utc::now() + Duration::minutes(30)).to_rfc3339();
    let body = json!({"guestName": "Booked", "partySize": 4, "reservationTime": soon, "assignedTableId": id(&table)});
    assert_eq!(app.post_reservation(&owner, &body).await.status, 201);

    let quote = app.get_quote(&owner, 2).await.expect_200();

    // Seated now, the walk-in would still be there at the reservation's time.
    assert_eq!(quote["quotedWaitMinutes"], 90);
}

#[tokio::test]
async fn the_waitlist_lists_walk_ins_in_queue_order_with_waits_quotes_and_expected_times() {
    let app = TestApp::spawn().await;
    let (owner, _, _) = two_busy_four_tops(&app).await;
    let own_quote = json!({"guestName": "Told 45", "partySize": 2, "quotedWaitMinutes": 45});
    let told = app.post_reservation(&owner, &own_quote).await.body;
    let big = app.create_reservation(&owner, "Too big", 9, None).await;
    sqlx::query(
        "update reservations set created_at = now() - interval '12 minutes' where id = $1::uuid",
    )
    .bind(id(&told))
    .execute(&app.db)
    .await
    .unwrap();

    let waitlist = app.get_waitlist(&owner).await.expect_200();

    let entries = waitlist.as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(
        (&entries[0]["id"], &entries[0]["position"]),
        (&told["id"], &json!(1))
    );
    assert_eq!(entries[0]["waitedMinutes"], 12);
    assert_eq!(
        entries[0]["quotedWaitMinutes"], 45,
        "the host's own quote is kept"
    );
    assert!(entries[0]["expectedSeatAt"].is_string());
    assert_eq!(
        (&entries[1]["id"], &entries[1]["position"]),
        (&big["id"], &json!(2))
    );
    assert_eq!(
        entries[1]["expectedSeatAt"],
        Value::Null,
        "nothing seats nine"
    );
    assert_eq!(big.get("quotedWaitMinutes"), None, "nothing to quote");
}

#[tokio::test]
async fn a_finish_that_moves_the_queue_sends_a_waitlist_update_on_live() {
    let app = TestApp::spawn().await;
    let (owner, first, _) = two_busy_four_tops(&app).await;
    let waiting = app.create_reservation(&owner, "Waiting", 4, None).await;
    let mut live = connect(app.port, &owner.restaurant_id, &owner.token, "")
        .await
        .unwrap();
    // `hello` comes once the socket is subscribed: what follows reaches it.
    assert_eq!(live.next_json().await["type"], "hello");

    let finish = json!({"status": "finished"});
    assert_eq!(
        app.put_reservation(&owner, id(&first), &finish)
            .await
            .status,
        200
    );

    let events = live.events(3).await;
    let kinds: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        ["table_update", "reservation_update", "waitlist_update"]
    );
    let entry = &events[2]["data"]["waitlist"][0];
    assert_eq!(entry["id"], waiting["id"]);
    assert_eq!(entry["quotedWaitMinutes"], 60);
    let expected = chrono::DateTime::parse_from_rfc3339(entry["expectedSeatAt"].as_str().unwrap());
    let early = Utc::now() - expected.unwrap().to_utc();
    assert!(
        early < Duration::minutes(1),
        "the freed table is its now: {entry}"
    );
}

#[tokio::test]
async fn a_new_combination_that_fits_a_waiting_party_moves_its_quote_live() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let (a1, a2) = (
        app.create_table(&owner, "A1", 4).await,
        app.create_table(&owner, "A2", 4).await,
    );
    let eight = app.create_reservation(&owner, "Eight", 8, None).await;
    let four = app.create_reservation(&owner, "Four", 4, None).await;
    let mut live = connect(app.port, &owner.restaurant_id, &owner.token, "")
        .await
        .unwrap();
    // `hello` comes once the socket is subscribed: what follows reaches it.
    assert_eq!(live.next_json().await["type"], "hello");

    let pair = json!({"name": "Pair", "tableIds": [id(&a1), id(&a2)], "maxCapacity": 8});
    assert_eq!(app.post_combination(&owner, &pair).await.status, 201);

    let events = live.events(2).await;
    assert_eq!(events[0]["type"], "table_combination_update");
    assert_eq!(events[1]["type"], "waitlist_update");
    let waitlist = &events[1]["data"]["waitlist"];
    assert_eq!(
        (
            &waitlist[0]["id"],
            waitlist[0]["expectedTableIds"].as_array().unwrap().len()
        ),
        (&eight["id"], 2)
    );
    assert_eq!(waitlist[1]["id"], four["id"]);
    assert_eq!(
        eight.get("quotedWaitMinutes"),
        None,
        "nothing fitted it when it joined"
    );
}
