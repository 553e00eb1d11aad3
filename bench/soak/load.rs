//! The soak's clients, all through the balancer: live sockets that reconnect
//! with `since` when dropped, writers that keep what each acknowledged write
//! left behind, and readers.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use futures_util::StreamExt;
use tokio::{
    sync::{mpsc, watch},
    time::MissedTickBehavior,
};
use tokio_tungstenite::tungstenite::{self, Message};
use uuid::Uuid;

use super::check::Failure;
use crate::{
    http_load::{Target, WALK_UP_CONTACT},
    live::{Socket, open},
};

/// Time since the load began, the clock every recorded moment is read from.
#[derive(Clone, Copy)]
pub struct Clock(pub Instant);

impl Clock {
    pub fn now(self) -> Duration {
        self.0.elapsed()
    }
}

/// When the writers have stopped: each restaurant's last `seq` (by target
/// index), which every socket must reach, and the time it has to get there.
#[derive(Clone)]
pub struct Finish {
    pub last_seq: Arc<Vec<i64>>,
    pub by: tokio::time::Instant,
}

/// What one live socket saw, across its reconnections.
#[derive(Debug, Default)]
pub struct SocketLog {
    pub restaurant: usize,
    /// The first `hello`'s `seq`: the socket owes every event after it.
    pub first_seq: i64,
    /// Every event's `seq`, in arrival order.
    pub received: Vec<i64>,
    /// The instance (HAProxy's server name) of each connection, in order.
    pub served_by: Vec<String>,
    /// When each connection ended without being asked to.
    pub drops: Vec<Duration>,
    /// When each reconnection's `hello` arrived.
    pub reconnected: Vec<Duration>,
    pub failed_connects: Vec<Failure>,
    pub resyncs: usize,
}

impl SocketLog {
    fn done(&self, finish: Option<&Finish>) -> bool {
        finish.is_some_and(|f| {
            self.received.last().copied().unwrap_or(self.first_seq) >= f.last_seq[self.restaurant]
                || tokio::time::Instant::now() >= f.by
        })
    }
}

/// Follows `targets[restaurant]`'s live events through the balancer on
/// `port` until `finish` says the load is over and the socket has them all.
/// Says once on `connected` when the first `hello` arrived.
pub async fn follow(
    port: u16,
    (targets, restaurant): (Arc<Vec<Target>>, usize),
    clock: Clock,
    connected: mpsc::Sender<()>,
    mut finish: watch::Receiver<Option<Finish>>,
) -> SocketLog {
    let mut log = SocketLog {
        restaurant,
        ..SocketLog::default()
    };
    let mut since = None;
    while !log.done(finish.borrow().as_ref()) {
        let sent = clock.now();
        let (socket, hello_seq, response) = match open(port, &targets[restaurant], since).await {
            Ok(opened) => opened,
            Err(error) => {
                log.failed_connects.push(Failure {
                    sent,
                    failed: clock.now(),
                    what: format!("live connection: {}", handshake_failure(&error)),
                });
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        if since.is_none() {
            log.first_seq = hello_seq as i64;
            let _ = connected.send(()).await;
        } else {
            log.reconnected.push(clock.now());
        }
        let instance = response.headers().get("x-served-by");
        log.served_by.push(
            instance
                .and_then(|name| name.to_str().ok())
                .unwrap_or("?")
                .to_owned(),
        );
        since = Some(read(socket, &mut log, &mut finish, clock).await);
    }
    log
}

/// Reads events into `log` until the socket drops or the socket is done;
/// returns the `seq` to reconnect from.
async fn read(
    mut socket: Socket,
    log: &mut SocketLog,
    finish: &mut watch::Receiver<Option<Finish>>,
    clock: Clock,
) -> u64 {
    let resume = |log: &SocketLog| log.received.last().copied().unwrap_or(log.first_seq) as u64;
    loop {
        let deadline = finish.borrow().as_ref().map(|f| f.by);
        let message = tokio::select! {
            message = socket.next() => message,
            Ok(()) = finish.changed() => continue,
            () = tokio::time::sleep_until(deadline.unwrap_or_else(far_future)) => None,
        };
        let ended = match message {
            Some(Ok(Message::Text(text))) => {
                record(log, &text);
                false
            }
            Some(Ok(Message::Close(_)) | Err(_)) | None => true,
            Some(Ok(_)) => false,
        };
        let done = log.done(finish.borrow().as_ref());
        if ended && !done {
            log.drops.push(clock.now());
        }
        if done && !ended {
            let _ = socket.close(None).await;
        }
        if ended || done {
            return resume(log);
        }
    }
}

/// Notes an event's `seq`, or a `resync_required` (which must not happen:
/// every `since` is within the log).
fn record(log: &mut SocketLog, text: &str) {
    let Ok(message) = serde_json::from_str::<serde_json::Value>(text) else {
        return;
    };
    match (message["type"].as_str(), message["seq"].as_i64()) {
        (Some("resync_required"), _) => log.resyncs += 1,
        (Some(_), Some(seq)) => log.received.push(seq),
        _ => {}
    }
}

/// Why a socket could not open: the status the handshake got, or the connection.
fn handshake_failure(error: &anyhow::Error) -> String {
    match error.downcast_ref::<tungstenite::Error>() {
        Some(tungstenite::Error::Http(response)) => response.status().as_u16().to_string(),
        Some(tungstenite::Error::Io(io)) => io.kind().to_string(),
        Some(other) => other.to_string(),
        None => error.to_string(),
    }
}

fn far_future() -> tokio::time::Instant {
    tokio::time::Instant::now() + Duration::from_secs(86_400)
}

/// A write the server acknowledged, by what it left in the database.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Acked {
    /// A reservation created with this id.
    Reservation(Uuid),
    /// A table update whose event carries this `section`, unique per write.
    Section(String),
}

/// What one writer or reader task got.
#[derive(Debug, Default)]
pub struct Outcomes {
    pub acked: Vec<Acked>,
    pub succeeded: usize,
    pub failures: Vec<Failure>,
}

impl Outcomes {
    pub fn merge(&mut self, other: Outcomes) {
        self.acked.extend(other.acked);
        self.succeeded += other.succeeded;
        self.failures.extend(other.failures);
    }
}

/// One request every `every` until `until`: writer `n` (`Some`) alternates
/// a table update and a reservation over `targets`; a reader (`None`) reads
/// the floor plan.
pub async fn drive(
    client: reqwest::Client,
    base: String,
    targets: Arc<Vec<Target>>,
    writer: Option<usize>,
    (every, until, clock): (Duration, Duration, Clock),
) -> Outcomes {
    let mut outcomes = Outcomes::default();
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    for n in 0usize.. {
        ticks.tick().await;
        let sent = clock.now();
        if sent >= until {
            break;
        }
        let target = &targets[(n + writer.unwrap_or(0)) % targets.len()];
        let (request, kind) = request(&client, &base, target, writer, n);
        let answer = request.send().await;
        let failed = |what: String| Failure {
            sent,
            failed: clock.now(),
            what,
        };
        match answer {
            Ok(response) if response.status().is_success() => {
                outcomes.succeeded += 1;
                match kind {
                    Kind::Read => {}
                    Kind::Table(section) => outcomes.acked.push(Acked::Section(section)),
                    Kind::Reservation => match reservation_id(response).await {
                        Some(id) => outcomes.acked.push(Acked::Reservation(id)),
                        None => outcomes.failures.push(failed("no reservation id".into())),
                    },
                }
            }
            Ok(response) => outcomes
                .failures
                .push(failed(response.status().as_u16().to_string())),
            Err(error) => outcomes.failures.push(failed(connection_failure(&error))),
        }
    }
    outcomes
}

/// What a request is, and so what its acknowledgement leaves in the database.
enum Kind {
    Read,
    /// A table update, marked with a `section` no other write uses.
    Table(String),
    /// A new reservation, whose id comes with the response.
    Reservation,
}

/// The `n`th request of a task.
fn request(
    client: &reqwest::Client,
    base: &str,
    target: &Target,
    writer: Option<usize>,
    n: usize,
) -> (reqwest::RequestBuilder, Kind) {
    let restaurant = format!("{base}/restaurants/{}", target.restaurant_id);
    let (request, kind) = match writer {
        None => (client.get(format!("{restaurant}/tables")), Kind::Read),
        Some(writer) if n.is_multiple_of(2) => {
            let table = target.table_ids[(n / 2 + writer * 7) % target.table_ids.len()];
            let section = format!("soak {writer}-{n}");
            let status = if n.is_multiple_of(4) {
                "reserved"
            } else {
                "available"
            };
            let body = serde_json::json!({ "status": status, "section": section });
            let put = client
                .put(format!("{restaurant}/tables/{table}"))
                .json(&body);
            (put, Kind::Table(section))
        }
        Some(writer) => {
            let body = serde_json::json!({
                "guestName": format!("Soak {writer}-{n}"),
                "partySize": n % 6 + 1,
                "reservationTime": "2026-12-05T19:30:00Z",
                "contactInfo": WALK_UP_CONTACT,
            });
            let post = client
                .post(format!("{restaurant}/reservations"))
                .json(&body);
            (post, Kind::Reservation)
        }
    };
    (request.bearer_auth(&target.token), kind)
}

async fn reservation_id(response: reqwest::Response) -> Option<Uuid> {
    let body: serde_json::Value = response.json().await.ok()?;
    body["id"].as_str()?.parse().ok()
}

/// A request that got no answer: timed out, or what the connection said
/// (the innermost cause: "connection closed before message completed", …).
fn connection_failure(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        return "timed out".into();
    }
    let mut cause: &dyn std::error::Error = error;
    while let Some(inner) = cause.source() {
        cause = inner;
    }
    cause.to_string()
}
