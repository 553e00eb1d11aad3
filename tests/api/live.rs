//! Live updates over real WebSockets: the handshake's authentication, each
//! event's content, exact replay, liveness, revocation, several instances
//! through a real Redis (also while it is down), and slow clients.

use serde_json::{Value, json};

use crate::helpers::{
    Account, TEST_SECRET, TestApp, assert_keys, id,
    redis::RedisServer,
    strings, test_config,
    ws::{Ended, LiveClient, connect, connect_with_receive_buffer},
};

async fn live(app: &TestApp, who: &Account, query: &str) -> LiveClient {
    let mut client = connect(app.port, &who.restaurant_id, &who.token, query)
        .await
        .expect("connected");
    let hello = client.next_json().await;
    assert_eq!(hello["type"], "hello", "{hello}");
    client
}

/// Eight events' worth of changes: two tables created, a walk-in created and
/// seated, the table freed, the second table deleted. Returns the first
/// table, the seated reservation and the deleted table.
async fn one_change_of_each_kind(app: &TestApp, owner: &Account) -> (Value, Value, Value) {
    let table = app.create_table(owner, "A1", 4).await;
    let guest = app.create_reservation(owner, "Ann", 2, None).await;
    let seated = app.seat(owner, &guest, &table).await.body;
    let available = json!({"status": "available"});
    app.put_table(owner, id(&table), &available).await;
    let spare = app.create_table(owner, "B1", 2).await;
    assert_eq!(app.delete_table(owner, id(&spare)).await.status, 204);
    (table, seated, spare)
}

#[tokio::test]
async fn every_change_arrives_as_an_event_with_the_contract_envelope_and_rising_seq() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let mut client = live(&app, &owner, "").await;

    let (table, seated, spare) = one_change_of_each_kind(&app, &owner).await;

    let events = client.events(8).await;
    assert_eq!(
        strings(&events, "type"),
        [
            "table_update",
            "reservation_update",
            "table_update",
            "reservation_update",
            "table_update",
            "reservation_update",
            "table_update",
            "table_delete"
        ]
    );
    let seqs: Vec<i64> = events.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert_eq!(
        seqs,
        (1..=8).collect::<Vec<_>>(),
        "gap-free, in order, from 1"
    );
    for event in &events {
        assert_keys(
            event,
            &["data", "restaurant_id", "seq", "timestamp", "type"],
        );
        assert_eq!(event["restaurant_id"], owner.restaurant_id.as_str());
        assert!(event["timestamp"].as_str().unwrap().ends_with('Z'));
    }
    assert_eq!(events[0]["data"], table, "table_update carries the table");
    assert_eq!(
        events[3]["data"], seated,
        "reservation_update carries the reservation"
    );
    assert_eq!(events[7]["data"], json!({"id": id(&spare)}));
}

#[tokio::test]
async fn since_replays_exactly_the_missed_events_then_continues_live() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    for number in ["A1", "A2", "A3"] {
        app.create_table(&owner, number, 2).await;
    }

    let mut client = connect(app.port, &owner.restaurant_id, &owner.token, "?since=1")
        .await
        .unwrap();
    let hello = client.next_json().await;
    assert_eq!(
        (hello["type"].as_str(), hello["seq"].as_i64()),
        (Some("hello"), Some(3))
    );
    let replayed = client.events(2).await;
    app.create_table(&owner, "A4", 2).await;
    let live_event = client.events(1).await;

    let numbers: Vec<&str> = replayed
        .iter()
        .chain(&live_event)
        .map(|e| e["data"]["tableNumber"].as_str().unwrap())
        .collect();
    assert_eq!(numbers, ["A2", "A3", "A4"]);
    let over_http = app.get_events(&owner, "since=1&limit=1").await;
    assert_eq!(over_http.status, 200);
    assert_eq!(over_http.body.as_array().unwrap().len(), 1);
    assert_eq!(over_http.body[0], replayed[0]);
}

#[tokio::test]
async fn a_since_that_is_no_longer_kept_gets_resync_required() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    app.create_table(&owner, "A1", 2).await;
    app.create_table(&owner, "A2", 2).await;
    sqlx::query("select auth_private.purge_events('0 seconds')")
        .execute(&app.db)
        .await
        .unwrap();

    let mut client = connect(app.port, &owner.restaurant_id, &owner.token, "?since=0")
        .await
        .unwrap();
    assert_eq!(client.next_json().await["type"], "hello");
    let resync = client.next_json().await;

    assert_eq!(resync["type"], "resync_required");
    let over_http = app.get_events(&owner, "since=1").await;
    assert_eq!(
        over_http.status_and("code"),
        (410, &json!("resync_required"))
    );
}

#[tokio::test]
async fn unauthenticated_expired_and_cross_tenant_connections_are_refused_before_any_data() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let other = app.register().await;
    let expired = {
        let claims = json!({"sub": owner.user_id, "rid": owner.restaurant_id, "sid": uuid::Uuid::new_v4(),
            "role": "owner", "iat": 0, "exp": 1, "iss": "qtable", "aud": "qtable-api"});
        let key = jsonwebtoken::EncodingKey::from_secret(TEST_SECRET.as_bytes());
        jsonwebtoken::encode(&jsonwebtoken::Header::default(), &claims, &key).unwrap()
    };

    assert_eq!(
        connect(app.port, &owner.restaurant_id, "", "").await.err(),
        Some(401)
    );
    assert_eq!(
        connect(app.port, &owner.restaurant_id, "not-a-jwt", "")
            .await
            .err(),
        Some(401)
    );
    assert_eq!(
        connect(app.port, &owner.restaurant_id, &expired, "")
            .await
            .err(),
        Some(401)
    );
    assert_eq!(
        connect(app.port, &owner.restaurant_id, &other.token, "")
            .await
            .err(),
        Some(403)
    );
    let query = format!("?token={}", owner.token);
    let mut by_query = connect(app.port, &owner.restaurant_id, "", &query)
        .await
        .expect("?token= works");
    assert_eq!(by_query.next_json().await["type"], "hello");
}

#[tokio::test]
async fn a_ping_is_answered_with_a_pong() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let mut client = live(&app, &owner, "").await;

    client.send_json(&json!({"type": "ping"})).await;

    let pong = client.next_json().await;
    assert_eq!(pong["type"], "pong");
    assert!(pong["timestamp"].as_str().unwrap().ends_with('Z'));
}

#[tokio::test]
async fn signing_out_everywhere_or_being_deactivated_closes_the_socket_with_4001() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let host = app.add_staff(&owner, "staff").await;
    let manager = app.add_staff(&owner, "manager").await;
    let mut host_socket = live(&app, &host, "").await;
    let mut manager_socket = live(&app, &manager, "").await;

    let signed_out = app.logout_everywhere(&host.refresh_token).await;
    assert_eq!(signed_out.status, 204);
    let off = json!({"active": false});
    let deactivated = app.put_staff(&owner, &manager.user_id, &off).await;
    assert_eq!(deactivated.status, 200);

    assert_eq!(host_socket.until_closed().await, Ended::Closed(4001));
    assert_eq!(manager_socket.until_closed().await, Ended::Closed(4001));
}

/// Two app instances on one database, notifying each other through `redis`.
pub async fn two_instances_through(redis: &RedisServer) -> (TestApp, TestApp) {
    let mut config = test_config();
    config.redis_url = Some(qtable::config::Secret::new(redis.url.clone()));
    config.redis_channel_prefix = format!("test-{}", uuid::Uuid::new_v4().simple());
    let a = TestApp::spawn_with(config.clone()).await;
    let b = TestApp::spawn_on(config, a.db_options.clone()).await;
    (a, b)
}

#[tokio::test]
async fn a_change_through_instance_a_reaches_a_client_on_instance_b_through_redis() {
    let redis = RedisServer::start();
    let (a, b) = two_instances_through(&redis).await;
    let owner = a.register().await;
    let mut on_b = live(&b, &owner, "").await;

    let table = a.create_table(&owner, "A1", 4).await;

    let event = on_b.events(1).await.remove(0);
    assert_eq!(
        (event["type"].as_str(), &event["data"]),
        (Some("table_update"), &table)
    );
}

#[tokio::test]
async fn with_redis_stopped_writes_succeed_and_clients_on_both_instances_get_every_event_in_order()
{
    let mut redis = RedisServer::start();
    let (a, b) = two_instances_through(&redis).await;
    let owner = a.register().await;
    let mut on_a = live(&a, &owner, "").await;
    let mut on_b = live(&b, &owner, "").await;
    a.create_table(&owner, "T0", 2).await;
    assert_eq!(
        on_b.events(1).await[0]["seq"],
        1,
        "Redis works before the outage"
    );
    on_a.events(1).await;

    redis.stop();
    for n in 1..=5 {
        // Alternate instances: each client needs the other instance's writes.
        let via = if n % 2 == 0 { &a } else { &b };
        via.create_table(&owner, &format!("T{n}"), 2).await;
    }
    redis.restart();
    a.create_table(&owner, "T6", 2).await;

    for client in [&mut on_a, &mut on_b] {
        let numbers: Vec<String> = client
            .events(6)
            .await
            .iter()
            .map(|e| e["data"]["tableNumber"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(numbers, ["T1", "T2", "T3", "T4", "T5", "T6"]);
    }
}

#[tokio::test]
async fn a_client_too_slow_to_keep_up_is_closed_with_4008_while_others_keep_receiving() {
    let mut config = test_config();
    config.live_queue_capacity = 8;
    let app = TestApp::spawn_with(config).await;
    let owner = app.register().await;
    let guest = app.create_reservation(&owner, "Slow", 2, None).await;
    let mut slow =
        connect_with_receive_buffer(app.port, &owner.restaurant_id, &owner.token, "", Some(4096))
            .await
            .unwrap();
    let mut fast = live(&app, &owner, "").await;
    let writes = 400;

    // The slow client reads nothing while big events pile up past every buffer.
    let reader = tokio::spawn(async move {
        let events = fast.events(writes).await;
        events
            .iter()
            .map(|e| e["seq"].as_i64().unwrap())
            .collect::<Vec<_>>()
    });
    for n in 0..writes {
        let notes = format!("{n}{}", "x".repeat(1900));
        let noted = app
            .put_reservation(&owner, id(&guest), &json!({"notes": notes}))
            .await;
        assert_eq!(noted.status, 200);
    }

    let seqs = reader.await.unwrap();
    assert_eq!(
        seqs,
        (2..2 + writes as i64).collect::<Vec<_>>(),
        "the fast client got every event in order"
    );
    assert_eq!(slow.until_closed().await, Ended::Closed(4008));
}

#[tokio::test]
async fn a_socket_is_closed_with_4001_when_its_token_expires() {
    let mut config = test_config();
    config.access_token_ttl = std::time::Duration::from_secs(2);
    let app = TestApp::spawn_with(config).await;
    let owner = app.register().await;
    let mut client = live(&app, &owner, "").await;

    assert_eq!(client.until_closed().await, Ended::Closed(4001));
}

#[tokio::test]
async fn a_session_over_its_socket_cap_has_its_oldest_socket_closed_4009() {
    let mut config = test_config();
    config.live_sockets_per_session = 2;
    let app = TestApp::spawn_with(config).await;
    let owner = app.register().await;
    let mut oldest = live(&app, &owner, "").await;
    let mut middle = live(&app, &owner, "").await;

    let mut newest = live(&app, &owner, "").await;

    assert_eq!(oldest.until_closed().await, Ended::Closed(4009));
    app.create_table(&owner, "T1", 4).await;
    for socket in [&mut middle, &mut newest] {
        assert_eq!(socket.events(1).await[0]["type"], "table_update");
    }
}
