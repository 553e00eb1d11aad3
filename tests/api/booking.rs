//! Online booking over HTTP against the real database: availability from
//! shifts, closures and the book; holds, their race and their expiry;
//! confirmation into a reservation the host stand sees live; a guest's own
//! booking; staff bookings through the same engine; bad input.

use chrono::{Datelike, Duration, NaiveDate, Utc, Weekday};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Account, TestApp, id, ws};

/// A restaurant that takes online bookings, with its slug.
struct Bookable {
    owner: Account,
    slug: String,
}

/// A day a week from now (the restaurant's zone is UTC unless changed).
pub(crate) fn next_week() -> NaiveDate {
    Utc::now().date_naive() + Duration::days(7)
}

/// `date` at `hh:mm` UTC, as the wire writes it.
pub(crate) fn at(date: NaiveDate, clock: &str) -> String {
    format!("{date}T{clock}:00Z")
}

/// Dinner every day, 17:00 to last seating 21:00, 30-minute slots.
pub(crate) const DINNER: Shift = Shift {
    start: "17:00",
    last_seating: "21:00",
    slot_minutes: 30,
    covers: 40,
    online_covers: 30,
    max_advance_days: 60,
};

pub(crate) struct Shift {
    start: &'static str,
    last_seating: &'static str,
    slot_minutes: i32,
    covers: i32,
    online_covers: i32,
    max_advance_days: i32,
}

impl TestApp {
    /// A new restaurant in `timezone` with `tables` (number, capacity) and `shift`.
    async fn bookable(&self, timezone: &str, tables: &[(&str, i32)], shift: &Shift) -> Bookable {
        let owner = self.register().await;
        let zone = self
            .put_restaurant(&owner, &json!({"timezone": timezone}))
            .await;
        assert_eq!(zone.status, 200, "{}", zone.body);
        for (number, capacity) in tables {
            self.create_table(&owner, number, *capacity).await;
        }
        self.turn_times_of(&owner, 90).await;
        self.add_shift(&owner, shift).await;
        let slug = zone.body["slug"].as_str().expect("slug").to_owned();
        Bookable { owner, slug }
    }

    pub(crate) async fn add_shift(&self, owner: &Account, shift: &Shift) {
        let body = json!({"name": "Dinner", "daysOfWeek": [1, 2, 3, 4, 5, 6, 7],
            "startTime": shift.start, "lastSeatingTime": shift.last_seating, "endTime": "23:30",
            "slotMinutes": shift.slot_minutes, "coversPerSlot": shift.covers,
            "onlineCoversPerSlot": shift.online_covers, "maxAdvanceDays": shift.max_advance_days});
        let added = self.post_shift(owner, &body).await;
        assert_eq!(added.status, 201, "{}", added.body);
    }

    /// Closes the restaurant on `day`.
    pub(crate) async fn add_closure(&self, owner: &Account, day: NaiveDate) {
        let body = json!({"date": day.to_string(), "reason": "Private event"});
        let closed = self.post_closure(owner, &body).await;
        assert_eq!(closed.status, 201, "{}", closed.body);
    }

    /// Holds `time` for `party`; asserts the 201 and returns the hold.
    pub(crate) async fn held(&self, slug: &str, time: &str, party: i32) -> Value {
        let hold = self
            .post_hold(slug, &json!({"time": time, "partySize": party}))
            .await;
        assert_eq!(hold.status, 201, "{}", hold.body);
        hold.body
    }

    /// Holds and confirms; returns the confirmation.
    pub(crate) async fn booked_online(&self, slug: &str, time: &str, party: i32) -> Value {
        let hold = self.held(slug, time, party).await;
        let confirmed = self
            .confirm_hold(slug, hold["holdId"].as_str().unwrap(), &guest("Ana Silva"))
            .await;
        assert_eq!(confirmed.status, 201, "{}", confirmed.body);
        confirmed.body
    }

    async fn holds_of(&self, owner: &Account) -> i64 {
        sqlx::query_scalar("select count(*) from holds where restaurant_id = $1::uuid")
            .bind(&owner.restaurant_id)
            .fetch_one(&self.db)
            .await
            .unwrap()
    }
}

fn guest(name: &str) -> Value {
    json!({"guestName": name, "phone": "202-555-0143", "email": "ana@example.com", "notes": "window seat"})
}

/// The local times of the available slots.
fn local_times(availability: &Value) -> Vec<&str> {
    availability["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["localTime"].as_str().unwrap())
        .collect()
}

/// The staff view of the slot at `clock`.
fn slot<'a>(availability: &'a Value, clock: &str) -> &'a Value {
    availability["slots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["localTime"] == clock)
        .unwrap_or_else(|| panic!("no slot at {clock}: {availability}"))
}

#[tokio::test]
async fn a_guest_books_from_availability_through_a_hold_and_the_host_stand_sees_it_live() {
    let app = TestApp::spawn().await;
    let place = app.bookable("UTC", &[("1", 2), ("2", 4)], &DINNER).await;
    let day = next_week();
    let mut live = ws::connect(app.port, &place.owner.restaurant_id, &place.owner.token, "")
        .await
        .unwrap();
    assert_eq!(live.next_json().await["type"], "hello");

    let open = app
        .public_availability(&place.slug, &day.to_string(), 2)
        .await
        .expect_200();
    assert_eq!(local_times(&open).len(), 9, "{open}");
    assert_eq!(
        open["slots"][4],
        json!({"time": at(day, "19:00"), "localTime": "19:00"})
    );
    let hold = app.held(&place.slug, &at(day, "19:00"), 2).await;
    assert_eq!(
        (hold["time"].as_str(), hold["partySize"].as_i64()),
        (Some(at(day, "19:00").as_str()), Some(2))
    );
    let confirmed = app
        .confirm_hold(
            &place.slug,
            hold["holdId"].as_str().unwrap(),
            &guest("Ana Silva"),
        )
        .await;

    assert_eq!(confirmed.status, 201, "{}", confirmed.body);
    assert_eq!(confirmed.body["status"], "confirmed");
    let token = confirmed.body["manageToken"].as_str().unwrap();
    let reservation_id = confirmed.body["reservationId"].as_str().unwrap();
    let event = live.next_json().await;
    let seen = event["data"]["id"].as_str();
    assert!(
        seen == Some(reservation_id) || event["type"] == "guest_profile_update",
        "{event}"
    );
    let mut events = vec![event];
    while events.last().unwrap()["data"]["id"].as_str() != Some(reservation_id) {
        events.push(live.next_json().await);
    }
    let announced = events.last().unwrap();
    assert_eq!(announced["type"], "reservation_update");
    assert_eq!(announced["data"]["reservationTime"], at(day, "19:00"));
    let booked = app
        .get_reservation(&place.owner, reservation_id)
        .await
        .expect_200();
    assert_eq!(booked["contactInfo"], "+12025550143");
    assert_eq!(
        booked["assignedTableId"],
        id(&app.get_tables(&place.owner).await.expect_200()[0])
    );
    assert!(booked["guestProfileId"].is_string(), "{booked}");
    let own = app
        .own_booking(Method::GET, reservation_id, token)
        .await
        .expect_200();
    assert_eq!(own["status"], "confirmed");
    assert!(
        own.get("manageToken").is_none() && own.get("guestName").is_none(),
        "{own}"
    );
}

#[tokio::test]
async fn twenty_concurrent_holds_for_the_last_table_of_a_slot_have_exactly_one_winner() {
    let app = TestApp::spawn().await;
    let place = app.bookable("UTC", &[("1", 4)], &DINNER).await;
    let time = at(next_week(), "19:00");

    let body = json!({"time": time, "partySize": 2});
    let attempts = (0..20).map(|_| app.post_hold(&place.slug, &body));
    let replies = futures_util::future::join_all(attempts).await;

    let mut statuses: Vec<u16> = replies.iter().map(|r| r.status).collect();
    statuses.sort_unstable();
    assert_eq!(statuses, [vec![201], vec![409; 19]].concat(), "{replies:?}");
    assert!(
        replies
            .iter()
            .filter(|r| r.status == 409)
            .all(|r| r.body["code"] == "slot_unavailable")
    );
    assert_eq!(app.holds_of(&place.owner).await, 1);
}

#[tokio::test]
async fn an_expired_hold_cannot_be_confirmed_and_stops_counting_at_its_expiry() {
    let app = TestApp::spawn().await;
    let place = app.bookable("UTC", &[("1", 4)], &DINNER).await;
    let time = at(next_week(), "19:00");
    let hold = app.held(&place.slug, &time, 2).await;
    let taken = app
        .post_hold(&place.slug, &json!({"time": time, "partySize": 2}))
        .await;
    assert_eq!(taken.status, 409, "{}", taken.body);

    // Six minutes pass: the hold and its blocks as they then are.
    for statement in [
        "update holds set created_at = now() - interval '6 minutes', expires_at = now() - interval '1 minute' where id = $1::uuid",
        "update table_blocks set live = tstzrange(now() - interval '6 minutes', now() - interval '1 minute') where hold_id = $1::uuid",
    ] {
        sqlx::query(statement)
            .bind(hold["holdId"].as_str())
            .execute(&app.db)
            .await
            .unwrap();
    }
    let late = app
        .confirm_hold(
            &place.slug,
            hold["holdId"].as_str().unwrap(),
            &guest("Ana Silva"),
        )
        .await;

    assert_eq!(
        (late.status, late.body["code"].as_str()),
        (410, Some("hold_expired")),
        "{}",
        late.body
    );
    let open = app
        .public_availability(&place.slug, &next_week().to_string(), 2)
        .await
        .expect_200();
    assert!(local_times(&open).contains(&"19:00"), "{open}");
    app.held(&place.slug, &time, 2).await;
}

#[tokio::test]
async fn pacing_caps_the_covers_starting_in_a_slot_online_and_for_staff_unless_a_manager_overrides()
{
    let app = TestApp::spawn().await;
    let tables: Vec<(String, i32)> = (1..=6).map(|n| (n.to_string(), 4)).collect();
    let tables: Vec<(&str, i32)> = tables.iter().map(|(n, c)| (n.as_str(), *c)).collect();
    let shift = Shift {
        covers: 8,
        online_covers: 4,
        ..DINNER
    };
    let place = app.bookable("UTC", &tables, &shift).await;
    let (owner, day) = (&place.owner, next_week());
    let time = at(day, "19:00");
    app.booked_online(&place.slug, &time, 4).await;

    let online = app
        .public_availability(&place.slug, &day.to_string(), 2)
        .await
        .expect_200();
    assert!(
        !local_times(&online).contains(&"19:00"),
        "online covers are capped at 4: {online}"
    );
    let staff_view = app
        .get_availability(owner, &day.to_string(), 2)
        .await
        .expect_200();
    assert_eq!(slot(&staff_view, "19:00")["available"], true);
    let phone = |party: i32, extra: Value| {
        let mut body =
            json!({"guestName": "By phone", "partySize": party, "reservationTime": time});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        body
    };
    assert_eq!(
        app.post_reservation(owner, &phone(4, json!({})))
            .await
            .status,
        201
    );
    let full = app.post_reservation(owner, &phone(2, json!({}))).await;
    assert_eq!(
        (full.status, full.body["code"].as_str()),
        (409, Some("pacing_exceeded")),
        "{}",
        full.body
    );
    assert_eq!(
        slot(
            &app.get_availability(owner, &day.to_string(), 2)
                .await
                .expect_200(),
            "19:00"
        )["reason"],
        "pacing"
    );
    let host = app.add_staff(owner, "staff").await;
    let by_host = app
        .post_reservation(&host, &phone(2, json!({"overridePacing": true})))
        .await;
    assert_eq!(by_host.status, 403, "{}", by_host.body);
    let overridden = app
        .post_reservation(owner, &phone(2, json!({"overridePacing": true})))
        .await;
    assert_eq!(overridden.status, 201, "{}", overridden.body);
    let half_past = app
        .public_availability(&place.slug, &day.to_string(), 2)
        .await
        .expect_200();
    assert!(
        local_times(&half_past).contains(&"19:30"),
        "the next slot is its own: {half_past}"
    );
}

#[tokio::test]
async fn a_closed_day_offers_nothing_online_and_says_why_to_staff() {
    let app = TestApp::spawn().await;
    let place = app.bookable("UTC", &[("1", 4)], &DINNER).await;
    let day = next_week();
    app.add_closure(&place.owner, day).await;

    let online = app
        .public_availability(&place.slug, &day.to_string(), 2)
        .await
        .expect_200();
    let staff_view = app
        .get_availability(&place.owner, &day.to_string(), 2)
        .await
        .expect_200();
    let hold = app
        .post_hold(
            &place.slug,
            &json!({"time": at(day, "19:00"), "partySize": 2}),
        )
        .await;

    assert_eq!(online, json!({"slots": []}));
    assert_eq!(slot(&staff_view, "19:00")["reason"], "closed");
    assert_eq!(hold.status, 422, "{}", hold.body);
    let next_day = app
        .public_availability(&place.slug, &(day + Duration::days(1)).to_string(), 2)
        .await;
    assert_eq!(local_times(&next_day.expect_200()).len(), 9);
}

/// The next day clocks move forward in New York (the second Sunday of March).
fn next_spring_forward() -> NaiveDate {
    let today = Utc::now().date_naive();
    (today.year()..)
        .map(|year| NaiveDate::from_weekday_of_month_opt(year, 3, Weekday::Sun, 2).unwrap())
        .find(|day| *day > today + Duration::days(1))
        .unwrap()
}

#[tokio::test]
async fn on_a_dst_day_local_slot_times_become_the_right_instants_and_skipped_times_have_no_slot() {
    let app = TestApp::spawn().await;
    let night = Shift {
        start: "01:00",
        last_seating: "04:00",
        max_advance_days: 730,
        ..DINNER
    };
    let place = app.bookable("America/New_York", &[("1", 4)], &night).await;
    let day = next_spring_forward();

    let slots = app
        .get_availability(&place.owner, &day.to_string(), 2)
        .await
        .expect_200();
    let before = app
        .get_availability(&place.owner, &(day - Duration::days(1)).to_string(), 2)
        .await
        .expect_200();

    let listed: Vec<(&str, &str)> = slots["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["localTime"].as_str().unwrap(),
                s["time"].as_str().unwrap(),
            )
        })
        .collect();
    let expected: Vec<(&str, String)> = vec![
        ("01:00", at(day, "06:00")),
        ("01:30", at(day, "06:30")),
        ("03:00", at(day, "07:00")),
        ("03:30", at(day, "07:30")),
        ("04:00", at(day, "08:00")),
    ];
    let expected: Vec<(&str, &str)> = expected.iter().map(|(l, t)| (*l, t.as_str())).collect();
    assert_eq!(listed, expected);
    assert_eq!(
        slot(&before, "01:00")["time"],
        at(day - Duration::days(1), "06:00")
    );
    assert_eq!(
        slot(&before, "04:00")["time"],
        at(day - Duration::days(1), "09:00")
    );
    app.held(&place.slug, &at(day, "07:00"), 2).await;
}

#[tokio::test]
async fn overlapping_combinations_share_a_table_so_holding_one_blocks_the_other() {
    let app = TestApp::spawn().await;
    let place = app
        .bookable("UTC", &[("1", 2), ("2", 2), ("3", 2)], &DINNER)
        .await;
    let owner = &place.owner;
    let tables = app.get_tables(owner).await.expect_200();
    for (name, pair) in [("1+2", [0, 1]), ("2+3", [1, 2])] {
        let body = json!({"name": name, "tableIds": [id(&tables[pair[0]]), id(&tables[pair[1]])]});
        assert_eq!(app.post_combination(owner, &body).await.status, 201);
    }
    let day = next_week();
    let before = app
        .get_availability(owner, &day.to_string(), 4)
        .await
        .expect_200();
    assert!(
        slot(&before, "19:00")["combinationId"].is_string(),
        "{before}"
    );

    let first = app.held(&place.slug, &at(day, "19:00"), 4).await;

    let after = app
        .get_availability(owner, &day.to_string(), 4)
        .await
        .expect_200();
    assert_eq!(
        slot(&after, "19:00")["reason"],
        "no_table",
        "{first} {after}"
    );
    let pair = app
        .get_availability(owner, &day.to_string(), 2)
        .await
        .expect_200();
    assert_eq!(slot(&pair, "19:00")["tableIds"], json!([id(&tables[2])]));
    let again = app
        .post_hold(
            &place.slug,
            &json!({"time": at(day, "19:00"), "partySize": 4}),
        )
        .await;
    assert_eq!(again.status, 409, "{}", again.body);
}

#[tokio::test]
async fn a_staff_booking_beside_a_public_one_on_the_same_table_is_refused_only_where_turns_overlap()
{
    let app = TestApp::spawn().await;
    let place = app.bookable("UTC", &[("1", 4)], &DINNER).await;
    let owner = &place.owner;
    let day = next_week();
    let table = id(&app.get_tables(owner).await.expect_200()[0]).to_owned();
    app.booked_online(&place.slug, &at(day, "19:00"), 2).await;
    let by_phone = |time: &str, table: Option<&str>| json!({"guestName": "By phone", "partySize": 2, "reservationTime": time, "assignedTableId": table});

    let overlapping = app
        .post_reservation(owner, &by_phone(&at(day, "20:00"), Some(&table)))
        .await;
    let unassigned = app
        .post_reservation(owner, &by_phone(&at(day, "19:30"), None))
        .await;
    let after_turn = app
        .post_reservation(owner, &by_phone(&at(day, "20:30"), Some(&table)))
        .await;

    assert_eq!(
        (overlapping.status, overlapping.body["code"].as_str()),
        (409, Some("table_conflict"))
    );
    assert_eq!(
        (unassigned.status, unassigned.body["code"].as_str()),
        (409, Some("slot_unavailable"))
    );
    assert_eq!(after_turn.status, 201, "{}", after_turn.body);
    let online = app
        .public_availability(&place.slug, &day.to_string(), 2)
        .await
        .expect_200();
    assert_eq!(local_times(&online), ["17:00", "17:30"], "{online}");
}

#[tokio::test]
async fn staff_reservations_without_a_table_are_placed_so_the_last_table_is_never_sold_online() {
    let app = TestApp::spawn().await;
    let place = app.bookable("UTC", &[("1", 4)], &DINNER).await;
    let day = next_week();
    let body =
        json!({"guestName": "By phone", "partySize": 2, "reservationTime": at(day, "19:00")});
    assert_eq!(app.post_reservation(&place.owner, &body).await.status, 201);

    let hold = app
        .post_hold(
            &place.slug,
            &json!({"time": at(day, "19:30"), "partySize": 2}),
        )
        .await;

    assert_eq!(
        (hold.status, hold.body["code"].as_str()),
        (409, Some("slot_unavailable"))
    );
    let staff_view = app
        .get_availability(&place.owner, &day.to_string(), 2)
        .await
        .expect_200();
    assert_eq!(slot(&staff_view, "19:30")["reason"], "no_table");
    assert_eq!(slot(&staff_view, "17:00")["available"], true);
}

#[tokio::test]
async fn a_guest_sees_and_cancels_their_own_booking_with_its_token_only() {
    let app = TestApp::spawn().await;
    let place = app.bookable("UTC", &[("1", 4)], &DINNER).await;
    let time = at(next_week(), "19:00");
    let confirmed = app.booked_online(&place.slug, &time, 2).await;
    let (reservation, token) = (
        confirmed["reservationId"].as_str().unwrap(),
        confirmed["manageToken"].as_str().unwrap(),
    );

    let wrong = app
        .own_booking(Method::GET, reservation, "not-the-token")
        .await;
    let cancelled = app.own_booking(Method::DELETE, reservation, token).await;

    assert_eq!(wrong.status, 404);
    assert_eq!(cancelled.status, 204, "{}", cancelled.body);
    let own = app
        .own_booking(Method::GET, reservation, token)
        .await
        .expect_200();
    assert_eq!(own["status"], "cancelled");
    assert_eq!(
        app.own_booking(Method::DELETE, reservation, token)
            .await
            .status,
        204
    );
    app.held(&place.slug, &time, 2).await;
}

#[tokio::test]
async fn bad_input_gets_contract_errors_and_holds_nothing() {
    let app = TestApp::spawn().await;
    let place = app.bookable("UTC", &[("1", 4)], &DINNER).await;
    let day = next_week();
    let far = Utc::now().date_naive() + Duration::days(90);
    let hold = async |body: Value| app.post_hold(&place.slug, &body).await;

    let unknown = app
        .public_availability("no-such-place", &day.to_string(), 2)
        .await;
    let too_far = app
        .public_availability(&place.slug, &far.to_string(), 2)
        .await;
    let too_big = app
        .public_availability(&place.slug, &day.to_string(), 12)
        .await;
    let zero = app
        .public_availability(&place.slug, &day.to_string(), 0)
        .await;
    let bad_date = app.public_availability(&place.slug, "next-friday", 2).await;
    let off_slot = hold(json!({"time": at(day, "19:10"), "partySize": 2})).await;
    let malformed = hold(json!({"time": "7pm", "partySize": 2})).await;
    let past = hold(
        json!({"time": at(Utc::now().date_naive() - Duration::days(1), "19:00"), "partySize": 2}),
    )
    .await;

    assert_eq!(unknown.status, 404);
    for (reply, loc) in [
        (&too_far, json!(["query", "date"])),
        (&too_big, json!(["query", "partySize"])),
        (&zero, json!(["query", "partySize"])),
        (&bad_date, json!(["query", "date"])),
        (&off_slot, json!(["body", "time"])),
        (&malformed, json!(["body", "time"])),
        (&past, json!(["body", "time"])),
    ] {
        assert_eq!(reply.status, 422, "{}: {}", reply.request, reply.body);
        assert_eq!(reply.body["detail"][0]["loc"], loc, "{}", reply.body);
    }
    let held = app.held(&place.slug, &at(day, "19:00"), 2).await;
    let bad_phone = app
        .confirm_hold(
            &place.slug,
            held["holdId"].as_str().unwrap(),
            &json!({"guestName": "Ana", "phone": "call me"}),
        )
        .await;
    assert_eq!(
        (bad_phone.status, &bad_phone.body["detail"][0]["loc"]),
        (422, &json!(["body", "phone"]))
    );
    assert_eq!(app.holds_of(&place.owner).await, 1);
}

#[tokio::test]
async fn the_public_surface_is_rate_limited_per_client_address_with_retry_after() {
    let mut config = crate::helpers::test_config();
    config.public_rate_limit = 3.try_into().unwrap();
    let app = TestApp::spawn_with(config).await;
    let place = app.bookable("UTC", &[("1", 4)], &DINNER).await;
    let day = next_week().to_string();

    for _ in 0..3 {
        app.public_availability(&place.slug, &day, 2)
            .await
            .expect_200();
    }
    let refused = app.public_availability(&place.slug, &day, 2).await;

    assert_eq!(
        (refused.status, refused.body["code"].as_str()),
        (429, Some("too_many_requests")),
        "{}",
        refused.body
    );
    let wait: u64 = refused.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=20).contains(&wait), "{wait}");
    assert_eq!(
        app.get_availability(&place.owner, &day, 2).await.status,
        200,
        "staff are not limited"
    );
}

#[tokio::test]
async fn browsers_may_call_the_public_surface_only_from_the_configured_sites() {
    let mut config = crate::helpers::test_config();
    config.public_cors_origins =
        qtable::config::CorsOrigins::List(vec!["https://pizza.example".into()]);
    let app = TestApp::spawn_with(config).await;
    let preflight = |origin: &'static str| {
        app.http
            .request(Method::OPTIONS, app.url("/public/restaurants/x/holds"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .send()
    };

    let own_site = preflight("https://pizza.example").await.unwrap();
    let elsewhere = preflight("https://elsewhere.example").await.unwrap();

    assert_eq!(
        own_site.headers()["access-control-allow-origin"],
        "https://pizza.example"
    );
    assert!(
        elsewhere
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
}
