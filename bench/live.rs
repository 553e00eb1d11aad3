//! Live delivery: sockets subscribed to restaurants, writes made over HTTP,
//! and the time from each write's response to each socket's receipt.

use std::{
    collections::HashMap,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use anyhow::{Context, bail};
use futures_util::{StreamExt, stream};
use tokio::{net::TcpStream, sync::Notify, task::JoinHandle};
use tokio_tungstenite::{
    MaybeTlsStream, WebSocketStream,
    tungstenite::{Message, handshake::client::Response},
};
use uuid::Uuid;

use crate::{http_load::Target, stats::percentile};

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// How long a write's event may take before it counts as lost.
const DELIVERY_DEADLINE: Duration = Duration::from_secs(5);
/// Handshakes in flight at once while opening many sockets.
const CONNECT_CONCURRENCY: usize = 64;

/// Opens a socket to `target`'s restaurant and reads its `hello`; returns the hello's `seq`.
pub async fn connect(port: u16, target: &Target) -> anyhow::Result<(Socket, u64)> {
    let (socket, seq, _) = open(port, target, None).await?;
    Ok((socket, seq))
}

/// Opens a socket to `target`'s restaurant, replaying after `since` if
/// given, and reads its `hello`; returns the hello's `seq` and the handshake's response.
pub async fn open(
    port: u16,
    target: &Target,
    since: Option<u64>,
) -> anyhow::Result<(Socket, u64, Response)> {
    let mut url = format!(
        "ws://127.0.0.1:{port}/restaurants/{}/live?token={}",
        target.restaurant_id, target.token
    );
    if let Some(since) = since {
        url.push_str(&format!("&since={since}"));
    }
    let (mut socket, response) = tokio_tungstenite::connect_async(url).await?;
    let hello = next_json(&mut socket).await?;
    if hello["type"] != "hello" {
        bail!("expected hello, got {hello}");
    }
    Ok((socket, hello["seq"].as_u64().unwrap_or(0), response))
}

/// Opens one socket per entry of `plan` (an index into `targets`), many at a time.
pub async fn connect_all(
    port: u16,
    targets: &[Target],
    plan: &[usize],
) -> anyhow::Result<Vec<(usize, Socket, u64)>> {
    stream::iter(plan.iter().copied())
        .map(|index| async move {
            let (socket, seq) = connect(port, &targets[index]).await?;
            anyhow::Ok((index, socket, seq))
        })
        .buffer_unordered(CONNECT_CONCURRENCY)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect()
}

async fn next_json(socket: &mut Socket) -> anyhow::Result<serde_json::Value> {
    loop {
        match socket.next().await.context("socket closed")?? {
            Message::Text(text) => return Ok(serde_json::from_str(&text)?),
            Message::Close(frame) => bail!("socket closed: {frame:?}"),
            _ => continue,
        }
    }
}

/// Receipts counted across all sockets, so the writer knows when a write has
/// reached everyone.
#[derive(Default)]
struct Tally {
    received: AtomicUsize,
    changed: Notify,
}

/// One socket's receipts: (index of the event since `hello`, when it arrived).
type Receipts = Vec<(u64, Instant)>;

fn listen(
    index: usize,
    mut socket: Socket,
    hello_seq: u64,
    tally: Arc<Tally>,
    expected: usize,
) -> JoinHandle<(usize, Receipts)> {
    tokio::spawn(async move {
        let mut receipts = Vec::with_capacity(expected);
        while receipts.len() < expected {
            let Ok(Some(Ok(message))) =
                tokio::time::timeout(DELIVERY_DEADLINE, socket.next()).await
            else {
                break;
            };
            let Message::Text(text) = message else {
                continue;
            };
            let arrived = Instant::now();
            let Ok(event) = serde_json::from_str::<serde_json::Value>(&text) else {
                continue;
            };
            // Only the next event in order counts: a gap, a duplicate or a
            // reordering leaves its write undelivered, so it shows as lost.
            let nth = receipts.len() as u64 + 1;
            if event["type"] == "table_update" && event["seq"].as_u64() == Some(hello_seq + nth) {
                receipts.push((nth, arrived));
                tally.received.fetch_add(1, Ordering::Relaxed);
                tally.changed.notify_waiters();
            }
        }
        let _ = socket.close(None).await;
        (index, receipts)
    })
}

/// The outcome of one round of writes.
pub struct LiveRound {
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub lost: usize,
}

/// Subscribes one socket per entry of `plan`, then makes `writes_per_round`
/// sequential table writes per round (to the planned restaurants in turn),
/// each awaited until every subscriber has it, and measures delivery.
pub async fn measure(
    port: u16,
    targets: &[Target],
    plan: &[usize],
    rounds: usize,
    writes_per_round: usize,
) -> anyhow::Result<Vec<LiveRound>> {
    let sockets = connect_all(port, targets, plan).await?;
    let mut subscribers: HashMap<usize, usize> = HashMap::new();
    for (index, _, _) in &sockets {
        *subscribers.entry(*index).or_default() += 1;
    }
    let mut written: Vec<usize> = subscribers.keys().copied().collect();
    written.sort_unstable();
    // Writes go to the subscribed restaurants in turn.
    let write_targets: Vec<usize> = (0..rounds * writes_per_round)
        .map(|write| written[write % written.len()])
        .collect();
    let mut writes_to: HashMap<usize, usize> = HashMap::new();
    for index in &write_targets {
        *writes_to.entry(*index).or_default() += 1;
    }
    let tally = Arc::new(Tally::default());
    let listeners: Vec<_> = sockets
        .into_iter()
        .map(|(index, socket, seq)| listen(index, socket, seq, tally.clone(), writes_to[&index]))
        .collect();

    let client = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    // When each write's response arrived, by restaurant and event index (1-based).
    let mut responded: HashMap<(usize, u64), (usize, Instant)> = HashMap::new();
    let mut sent_to: HashMap<usize, u64> = HashMap::new();
    // Deliveries each round owes: one per subscriber of each write's restaurant.
    let mut expected = vec![0usize; rounds];
    for (write, &index) in write_targets.iter().enumerate() {
        let target = &targets[index];
        let nth = sent_to.entry(index).or_default();
        *nth += 1;
        let table = target.table_ids[(*nth as usize) % target.table_ids.len()];
        let status = if (*nth / target.table_ids.len() as u64).is_multiple_of(2) {
            "outOfService"
        } else {
            "available"
        };
        put_status(&client, &base, target, table, status).await?;
        let round = write / writes_per_round;
        responded.insert((index, *nth), (round, Instant::now()));
        expected[round] += subscribers[&index];
        wait_for(&tally, expected.iter().sum()).await;
    }

    let mut latencies: Vec<Vec<f64>> = vec![Vec::new(); rounds];
    let mut delivered = vec![0usize; rounds];
    for listener in listeners {
        let (index, receipts) = listener.await?;
        for (nth, arrived) in receipts {
            if let Some((round, answered)) = responded.get(&(index, nth)) {
                latencies[*round]
                    .push(arrived.saturating_duration_since(*answered).as_secs_f64() * 1000.0);
                delivered[*round] += 1;
            }
        }
    }
    Ok((0..rounds)
        .map(|round| LiveRound {
            p50_ms: percentile(&mut latencies[round], 50.0),
            p99_ms: percentile(&mut latencies[round], 99.0),
            lost: expected[round].saturating_sub(delivered[round]),
        })
        .collect())
}

async fn wait_for(tally: &Tally, count: usize) {
    let deadline = Instant::now() + DELIVERY_DEADLINE;
    loop {
        let changed = tally.changed.notified();
        let remaining = deadline.saturating_duration_since(Instant::now());
        if tally.received.load(Ordering::Relaxed) >= count || remaining.is_zero() {
            return;
        }
        let _ = tokio::time::timeout(remaining, changed).await;
    }
}

async fn put_status(
    client: &reqwest::Client,
    base: &str,
    target: &Target,
    table: Uuid,
    status: &str,
) -> anyhow::Result<()> {
    let response = client
        .put(format!(
            "{base}/restaurants/{}/tables/{table}",
            target.restaurant_id
        ))
        .bearer_auth(&target.token)
        .json(&serde_json::json!({ "status": status }))
        .send()
        .await?;
    if !response.status().is_success() {
        bail!("PUT table status answered {}", response.status());
    }
    Ok(())
}
