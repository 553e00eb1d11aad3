//! Fan-out across instances through Redis pub/sub. Redis only carries
//! notifications; PostgreSQL's event log stays the truth. Publishing never
//! blocks a write (a bounded queue, dropped when full), and while the
//! subscription is down the hub polls the log instead, so nothing is lost.

use std::time::Duration;

use futures_util::StreamExt;
use tokio::sync::mpsc;

use super::hub::{Hub, Outbound};

/// Notifications waiting to be published; beyond this they are dropped.
const OUTBOUND_CAPACITY: usize = 10_000;
const PUBLISH_TIMEOUT: Duration = Duration::from_secs(1);
const RECONNECT_MIN: Duration = Duration::from_millis(100);
const RECONNECT_MAX: Duration = Duration::from_secs(2);

/// Starts the publisher and the subscriber; returns the hub's outbound queue.
pub fn start(
    client: redis::Client,
    channel: String,
    hub_for: impl FnOnce(mpsc::Sender<Outbound>) -> Hub,
) -> Hub {
    let (outbound, queue) = mpsc::channel(OUTBOUND_CAPACITY);
    let hub = hub_for(outbound);
    tokio::spawn(publish_loop(client.clone(), channel.clone(), queue));
    tokio::spawn(subscribe_loop(client, channel, hub.clone()));
    hub
}

async fn publish_loop(client: redis::Client, channel: String, mut queue: mpsc::Receiver<Outbound>) {
    let mut connection: Option<redis::aio::MultiplexedConnection> = None;
    while let Some(message) = queue.recv().await {
        if connection.is_none() {
            connection =
                tokio::time::timeout(PUBLISH_TIMEOUT, client.get_multiplexed_async_connection())
                    .await
                    .ok()
                    .and_then(Result::ok);
        }
        let Some(conn) = connection.as_mut() else {
            continue; // Redis is away: the log and polling cover this event.
        };
        let payload = serde_json::to_string(&message).expect("notifications serialise");
        let published = tokio::time::timeout(
            PUBLISH_TIMEOUT,
            redis::cmd("PUBLISH")
                .arg(&channel)
                .arg(payload)
                .query_async::<i64>(conn),
        )
        .await;
        if !matches!(published, Ok(Ok(_))) {
            connection = None;
        }
    }
}

async fn subscribe_loop(client: redis::Client, channel: String, hub: Hub) {
    let mut backoff = RECONNECT_MIN;
    let mut stopping = hub.stopping();
    loop {
        if let Some(mut pubsub) = subscribe(&client, &channel).await {
            {
                backoff = RECONNECT_MIN;
                hub.set_notifications_healthy(true);
                tracing::info!("live: subscribed to Redis notifications");
                let mut messages = pubsub.on_message();
                loop {
                    tokio::select! {
                        message = messages.next() => match message {
                            Some(message) => deliver(&hub, message.get_payload_bytes()),
                            None => break,
                        },
                        _ = stopping.changed() => return,
                    }
                }
                tracing::warn!(
                    "live: lost the Redis subscription; polling the event log until it is back"
                );
            }
        }
        hub.set_notifications_healthy(false);
        tokio::select! {
            () = tokio::time::sleep(backoff) => {}
            _ = stopping.changed() => return,
        }
        backoff = (backoff * 2).min(RECONNECT_MAX);
    }
}

async fn subscribe(client: &redis::Client, channel: &str) -> Option<redis::aio::PubSub> {
    let mut pubsub = client.get_async_pubsub().await.ok()?;
    pubsub.subscribe(channel).await.ok()?;
    Some(pubsub)
}

fn deliver(hub: &Hub, payload: &[u8]) {
    match serde_json::from_slice(payload) {
        Ok(Outbound::Event {
            mut event,
            action,
            changed,
        }) => {
            event.action = action;
            event.changed = changed;
            hub.receive(event);
        }
        Ok(Outbound::Revoked {
            restaurant_id,
            user,
        }) => hub.revoked(restaurant_id, user),
        Err(error) => tracing::warn!(%error, "live: ignoring an unreadable notification"),
    }
}
