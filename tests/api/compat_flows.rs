//! The iOS app's own flows on the app-as-it-grew surface (COMPAT.md): a
//! walk-in added, listed and announced on `/realtime`, seated with one
//! batch, its table cleared; the dashboard; a bad batch that changes
//! nothing; and the same visits seen from the native API.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{
    Account, TABLE_KEYS, TestApp, assert_keys, id,
    ws::{LiveClient, connect, connect_realtime},
};

pub const GUEST_KEYS: [&str; 19] = [
    "checkInTime",
    "createdAt",
    "dietaryRestrictions",
    "email",
    "finishedTime",
    "firstName",
    "id",
    "lastName",
    "lastUpdated",
    "name",
    "notes",
    "partySize",
    "phone",
    "reservationTime",
    "seatedTime",
    "specialRequests",
    "status",
    "tableId",
    "totalVisits",
];

/// A batch-update's answer, applied or not.
const BATCH_KEYS: [&str; 5] = [
    "errors",
    "success",
    "timestamp",
    "updated_guests",
    "updated_tables",
];

const GUEST_DATA_KEYS: [&str; 10] = [
    "email",
    "firstName",
    "guestName",
    "id",
    "lastName",
    "notes",
    "partySize",
    "phone",
    "status",
    "tableId",
];

/// Python's `isoformat()` of a naive UTC time: `YYYY-MM-DDTHH:MM:SS[.ffffff]`.
pub fn assert_python_time(value: &Value) {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("not a string: {value}"));
    let parsed = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f");
    assert!(parsed.is_ok(), "{text}");
    assert!(text.len() == 19 || text.len() == 26, "{text}");
}

/// The same followed by `Z`, as `/realtime` sends it.
fn assert_socket_time(value: &Value) {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("not a string: {value}"));
    let naive = text
        .strip_suffix('Z')
        .unwrap_or_else(|| panic!("no Z: {text}"));
    assert_python_time(&json!(naive));
}

/// Asserts every key and type of a GuestResponse.
pub fn assert_guest(guest: &Value) {
    assert_keys(guest, &GUEST_KEYS);
    for key in [
        "id",
        "name",
        "firstName",
        "lastName",
        "status",
        "createdAt",
        "lastUpdated",
    ] {
        assert!(guest[key].is_string(), "{key}: {guest}");
    }
    assert!(
        guest["partySize"].is_i64() && guest["totalVisits"].is_i64(),
        "{guest}"
    );
    assert!(guest["dietaryRestrictions"].is_array(), "{guest}");
    for key in ["email", "phone", "notes", "specialRequests", "tableId"] {
        assert!(
            guest[key].is_string() || guest[key].is_null(),
            "{key}: {guest}"
        );
    }
    for key in ["createdAt", "lastUpdated"] {
        assert_python_time(&guest[key]);
    }
    for key in [
        "reservationTime",
        "checkInTime",
        "seatedTime",
        "finishedTime",
    ] {
        if !guest[key].is_null() {
            assert_python_time(&guest[key]);
        }
    }
}

/// Asserts every key and type of a Table on this surface.
pub fn assert_table(table: &Value) {
    assert_keys(table, &TABLE_KEYS);
    assert!(
        table["capacity"].is_i64() && table["position"]["x"].is_f64(),
        "{table}"
    );
    assert_python_time(&table["lastUpdated"]);
    assert_python_time(&table["createdAt"]);
}

/// The next `/realtime` message, asserting its envelope: `type`, the
/// restaurant, a Python-form timestamp and a `seq` above `after`.
async fn next_message(socket: &mut LiveClient, after: &mut i64) -> Value {
    let message = socket.next_json().await;
    let seq = message["seq"]
        .as_i64()
        .unwrap_or_else(|| panic!("no seq: {message}"));
    assert!(seq > *after, "{message}");
    *after = seq;
    assert_socket_time(&message["timestamp"]);
    message
}

pub async fn realtime(app: &TestApp, by: &Account, query: &str) -> LiveClient {
    let query = format!(
        "?restaurant_id={}&token={}{query}",
        by.restaurant_id, by.token
    );
    connect_realtime(app.port, &query, "")
        .await
        .expect("connected")
}

pub fn walk_in() -> Value {
    json!({"first_name": "Ana", "last_name": "Silva", "party_size": 2, "phone": "+15551234567",
        "email": "ana@example.com", "dietary_restrictions": ["gluten"], "special_requests": "window"})
}

pub fn seat_batch(guest: &str, table: &str) -> Value {
    json!({"guests": [{"id": guest, "status": "Seated", "assignedTableId": table}],
        "tables": [{"id": table, "status": "occupied", "currentGuestId": guest}]})
}

#[tokio::test]
async fn a_walk_in_is_listed_announced_seated_by_one_batch_and_its_table_cleared() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let table = app.create_table(&owner, "T1", 4).await;
    let mut socket = realtime(&app, &owner, "").await;
    let hello = socket.next_json().await;
    assert_keys(
        &hello,
        &["platform", "restaurant_id", "seq", "timestamp", "type"],
    );
    assert_eq!(
        (&hello["type"], &hello["platform"]),
        (&json!("restaurant_connect"), &json!("iOS"))
    );
    let mut seq = hello["seq"].as_i64().unwrap();

    let added = app.post_guest(&owner, &walk_in()).await;
    assert_eq!(added.status, 201, "{}", added.body);
    let guest = &added.body;
    assert_guest(guest);
    assert_eq!(
        (&guest["name"], &guest["status"]),
        (&json!("Ana Silva"), &json!("Waitlist"))
    );
    assert_eq!(
        (&guest["email"], &guest["phone"]),
        (&json!("ana@example.com"), &json!("+15551234567"))
    );
    assert_eq!(guest["dietaryRestrictions"], json!(["gluten"]));
    assert_eq!(guest["specialRequests"], "window");
    assert!(guest["checkInTime"].is_string() && guest["tableId"].is_null());
    let listed = app.get_guests(&owner, "").await.expect_200();
    assert_eq!(listed[0], *guest);
    let created = next_message(&mut socket, &mut seq).await;
    assert_keys(
        &created,
        &[
            "action",
            "data",
            "guest_id",
            "restaurant_id",
            "seq",
            "timestamp",
            "type",
        ],
    );
    assert_eq!(
        (&created["type"], &created["action"]),
        (&json!("guest_created"), &json!("created"))
    );
    assert_keys(&created["data"], &GUEST_DATA_KEYS);
    assert_eq!(created["data"]["firstName"], "Ana");

    let seated = app
        .batch_update(&owner, &seat_batch(id(guest), id(&table)))
        .await
        .expect_200();
    assert_keys(&seated, &BATCH_KEYS);
    assert_eq!(
        (&seated["success"], &seated["errors"]),
        (&json!(true), &json!(null))
    );
    assert_python_time(&seated["timestamp"]);
    assert_guest(&seated["updated_guests"][0]);
    assert_eq!(seated["updated_guests"][0]["status"], "Seated");
    assert_table(&seated["updated_tables"][0]);
    assert_eq!(seated["updated_tables"][0]["currentGuestId"], id(guest));
    let kinds = [
        next_message(&mut socket, &mut seq).await,
        next_message(&mut socket, &mut seq).await,
        next_message(&mut socket, &mut seq).await,
    ];
    assert_eq!(
        kinds
            .iter()
            .map(|m| m["type"].as_str().unwrap())
            .collect::<Vec<_>>(),
        [
            "table_updated",
            "guest_updated",
            "atomic_transaction_complete"
        ]
    );
    assert_keys(
        &kinds[0],
        &[
            "action",
            "data",
            "restaurant_id",
            "seq",
            "table_id",
            "timestamp",
            "type",
        ],
    );
    let mut table_data_keys = TABLE_KEYS.to_vec();
    table_data_keys.extend(["updatedAt", "x", "y"]);
    table_data_keys.sort_unstable();
    assert_keys(&kinds[0]["data"], &table_data_keys);
    assert_eq!(
        (&kinds[0]["action"], &kinds[1]["action"]),
        (&json!("assigned"), &json!("table_assigned"))
    );
    assert_eq!(kinds[1]["data"]["status"], "Seated");
    let affected = json!([
        format!("guest-{}", id(guest)),
        format!("table-{}", id(&table))
    ]);
    assert_eq!(kinds[2]["affected_entities"], affected);

    let cleared = app
        .clear_table(&owner, Method::PUT, id(&table))
        .await
        .expect_200();
    assert_eq!(
        (&cleared["success"], &cleared["message"]),
        (&json!(true), &json!("Table cleared successfully"))
    );
    assert_table(&cleared["table"]);
    assert_eq!(
        (
            &cleared["table"]["status"],
            &cleared["table"]["currentGuestId"]
        ),
        (&json!("available"), &json!(null))
    );
    assert_eq!(
        (
            &cleared["guest"]["status"],
            &cleared["guest"]["assignedTableId"]
        ),
        (&json!("finished"), &json!(id(&table)))
    );
    assert_python_time(&cleared["guest"]["finishedTime"]);
    let finished = app.get_guest(&owner, id(guest)).await.expect_200();
    assert_eq!(finished["status"], "Finished");
    let freed = next_message(&mut socket, &mut seq).await;
    let done = next_message(&mut socket, &mut seq).await;
    assert_eq!(
        (&freed["type"], &freed["action"]),
        (&json!("table_updated"), &json!("cleared"))
    );
    assert_eq!(
        (&done["type"], &done["action"]),
        (&json!("guest_updated"), &json!("table_cleared"))
    );
}

#[tokio::test]
async fn the_dashboard_has_exact_key_sets_and_snake_case_stats_on_all_three_paths() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let table = app.create_table(&owner, "T1", 4).await;
    app.create_table(&owner, "T2", 2).await;
    let waiting = app
        .post_guest(&owner, &json!({"first_name": "Bo", "party_size": 3}))
        .await;
    let seated = app.post_guest(&owner, &walk_in()).await;
    let seat = seat_batch(id(&seated.body), id(&table));
    assert_eq!(app.batch_update(&owner, &seat).await.body["success"], true);
    let rid = &owner.restaurant_id;

    let paths = [
        "/api/v1/dashboard/data?minimal=true".to_owned(),
        format!("/restaurants/{rid}/dashboard-data"),
        format!("/api/v1/dashboard/{rid}/dashboard-data"),
    ];
    for path in &paths {
        let board = app.get_dashboard(&owner, path).await.expect_200();
        assert_keys(
            &board,
            &["guests", "isFullSync", "lastUpdated", "stats", "tables"],
        );
        assert_eq!(board["isFullSync"], true);
        assert_python_time(&board["lastUpdated"]);
        assert_eq!(board["guests"].as_array().unwrap().len(), 2);
        assert_keys(
            &board["guests"][0],
            &[
                "id",
                "lastUpdated",
                "name",
                "partySize",
                "status",
                "tableId",
            ],
        );
        assert_keys(
            &board["tables"][0],
            &[
                "capacity",
                "currentGuestId",
                "id",
                "lastUpdated",
                "position",
                "status",
                "tableNumber",
            ],
        );
        let expected = json!({"total_guests": 2, "total_tables": 2, "occupancy_rate": 0.5,
            "guests_by_status": {"Waitlist": 1, "Seated": 1},
            "tables_by_status": {"occupied": 1, "available": 1}});
        assert_eq!(board["stats"], expected, "{path}");
    }
    let since = waiting.body["lastUpdated"].as_str().unwrap();
    let changed = app
        .get_dashboard(&owner, &format!("{}?since={since}", paths[1]))
        .await
        .expect_200();
    assert_eq!(changed["isFullSync"], false);
    let names: Vec<&str> = changed["guests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    assert!(
        !names.contains(&"Bo"),
        "Bo did not change after his own creation: {names:?}"
    );
}

#[tokio::test]
async fn a_batch_with_one_bad_item_changes_nothing_and_says_which() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let table = app.create_table(&owner, "T1", 4).await;
    let other = app.create_table(&owner, "T2", 4).await;
    let guest = app.post_guest(&owner, &walk_in()).await.body;
    let unknown = uuid::Uuid::new_v4().to_string();
    let mut batch = seat_batch(id(&guest), id(&table));
    batch["tables"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id": id(&other), "status": "occupied", "currentGuestId": unknown}));

    let failed = app.batch_update(&owner, &batch).await.expect_200();

    assert_keys(&failed, &BATCH_KEYS);
    assert_eq!(
        (
            &failed["success"],
            &failed["updated_guests"],
            &failed["updated_tables"]
        ),
        (&json!(false), &json!([]), &json!([]))
    );
    let errors = failed["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0]
            .as_str()
            .unwrap()
            .starts_with(&format!("table {}: ", id(&other))),
        "{errors:?}"
    );
    assert_eq!(
        app.get_guest(&owner, id(&guest)).await.body["status"],
        "Waitlist"
    );
    for untouched in [&table, &other] {
        let now = app.get_table(&owner, id(untouched)).await.body;
        assert_eq!(now["currentGuestId"], json!(null));
    }
}

#[tokio::test]
async fn a_repeated_batch_with_the_same_idempotency_key_is_answered_from_the_first() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let table = app.create_table(&owner, "T1", 4).await;
    let guest = app.post_guest(&owner, &walk_in()).await.body;
    let batch = seat_batch(id(&guest), id(&table));

    let first = app
        .batch_update_with_key(&owner, "seat-1", &batch)
        .await
        .expect_200();
    let again = app
        .batch_update_with_key(&owner, "seat-1", &batch)
        .await
        .expect_200();

    assert_eq!(first, again);
    assert_eq!(first["success"], true);
}

#[tokio::test]
async fn a_walk_in_made_natively_is_a_guest_and_guest_created_on_realtime() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let mut socket = realtime(&app, &owner, "").await;
    let mut seq = socket.next_json().await["seq"].as_i64().unwrap();

    let native = app.create_reservation(&owner, "Cleo Park", 4, None).await;

    let guests = app.get_guests(&owner, "").await.expect_200();
    assert_eq!(guests.as_array().unwrap().len(), 1);
    assert_guest(&guests[0]);
    assert_eq!(
        (
            &guests[0]["id"],
            &guests[0]["firstName"],
            &guests[0]["lastName"]
        ),
        (&native["id"], &json!("Cleo"), &json!("Park"))
    );
    let created = next_message(&mut socket, &mut seq).await;
    assert_eq!(
        (&created["type"], &created["guest_id"]),
        (&json!("guest_created"), &native["id"])
    );
}

#[tokio::test]
async fn a_guest_seated_by_batch_update_is_a_reservation_update_on_native_live() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let table = app.create_table(&owner, "T1", 4).await;
    let guest = app.post_guest(&owner, &walk_in()).await.body;
    let mut live = connect(app.port, &owner.restaurant_id, &owner.token, "")
        .await
        .unwrap();
    assert_eq!(live.next_json().await["type"], "hello");

    let batch = seat_batch(id(&guest), id(&table));
    assert_eq!(app.batch_update(&owner, &batch).await.body["success"], true);

    let mut seen = Vec::new();
    while !seen
        .iter()
        .any(|e: &Value| e["type"] == "reservation_update")
    {
        seen.push(live.next_json().await);
    }
    let update = seen.last().unwrap();
    assert_eq!(
        (&update["data"]["id"], &update["data"]["status"]),
        (&guest["id"], &json!("seated"))
    );
    assert_eq!(update["data"]["assignedTableId"], table["id"]);
}
