//! `BENCH_ONLY=soak`: three instances on one database and one Redis behind
//! HAProxy, a minute of bounded mixed load through it (live sockets, writes,
//! reads), and one instance killed with SIGKILL half-way. Afterwards every
//! acknowledged write must be in the database and every socket, having
//! reconnected with `since`, must hold its restaurant's log exactly.

mod check;
mod cluster;
mod load;

use std::{
    collections::{HashMap, HashSet},
    ops::Range,
    sync::Arc,
    time::{Duration, Instant},
};

use sqlx::PgPool;
use tokio::sync::{mpsc, watch};
use uuid::Uuid;

pub use self::check::Delivery;
pub use self::check::FailureKind;
use self::load::{Acked, Clock, Finish, Outcomes, SocketLog};
use crate::{Bench, http_load::Target, server::Server};

const INSTANCES: usize = 3;
/// The one killed, by index (HAProxy names it `q2`).
const KILLED: usize = 1;
const RESTAURANTS: usize = 5;
const SOCKETS: usize = 300;
const WRITERS: usize = 6;
const READERS: usize = 4;
/// Each writer's and reader's pace: about 120 writes and 200 reads a
/// second in all, well below what three instances take on two cores, so
/// the figures are about the crash, not saturation.
const WRITE_EVERY: Duration = Duration::from_millis(50);
const READ_EVERY: Duration = Duration::from_millis(20);
/// The load's length, whatever BENCH_SECONDS says, and the kill half-way.
const LOAD: Duration = Duration::from_secs(60);
const KILL_AT: Duration = Duration::from_secs(30);
/// Time the sockets get to catch up with the log once the writers stop.
const CATCH_UP: Duration = Duration::from_secs(15);

/// What the soak measured, for the report.
pub struct Soak {
    pub acked_writes: usize,
    pub lost_writes: usize,
    pub reads: usize,
    pub events: usize,
    pub delivery: Delivery,
    pub log_gaps: usize,
    pub resyncs: usize,
    /// Sockets on the killed instance and on the others, and how many of each dropped.
    pub sockets_killed: (usize, usize),
    pub sockets_surviving: (usize, usize),
    /// The longest time from the kill to a dropped socket's new `hello`.
    pub reconnected_within: Duration,
    /// Failed requests (and reconnections) in flight at the kill, and the others.
    pub failed_in_flight: usize,
    pub failed_otherwise: usize,
    pub failures: Vec<FailureKind>,
    pub kill_at: Duration,
}

pub async fn run(bench: &Bench<'_>) -> anyhow::Result<Soak> {
    let redis = cluster::redis().await?;
    let redis_url = format!("redis://127.0.0.1:{}", redis.port);
    let mut instances = Vec::new();
    for _ in 0..INSTANCES {
        let (server, _) = Server::start(
            &bench.settings.server_binary,
            &bench.database_url,
            &bench.secret,
            &bench.data_dir,
            Some(&redis_url),
        )
        .await?;
        instances.push(server);
    }
    let ports: Vec<u16> = instances.iter().map(|server| server.port).collect();
    let balancer = cluster::haproxy(bench.work_dir, &ports).await?;
    eprintln!(
        "bench: soak: {INSTANCES} instances behind HAProxy on port {}, {SOCKETS} sockets, \
         {} s of load, instance {} killed at {} s",
        balancer.port,
        LOAD.as_secs(),
        KILLED + 1,
        KILL_AT.as_secs()
    );
    let targets: Vec<Target> = bench.targets[..RESTAURANTS].to_vec();
    let pool = PgPool::connect(&bench.database_url).await?;
    let observed = drive(&pool, balancer.port, &targets, &mut instances).await?;
    let soak = reconcile(&pool, &targets, observed).await?;
    // First, so it does not report the instances' stopping as failures.
    drop(balancer);
    for (_, server) in instances
        .into_iter()
        .enumerate()
        .filter(|(n, _)| *n != KILLED)
    {
        server.stop().await?;
    }
    pool.close().await;
    Ok(soak)
}

/// What the clients saw.
struct Observed {
    sockets: Vec<SocketLog>,
    requests: Outcomes,
    /// From sending SIGKILL to having reaped the instance.
    dying: Range<Duration>,
}

/// Connects the sockets, runs the writers and readers, kills an instance
/// half-way, then lets the sockets catch up with the log.
async fn drive(
    pool: &PgPool,
    port: u16,
    targets: &[Target],
    instances: &mut [Server],
) -> anyhow::Result<Observed> {
    let clock = Clock(Instant::now());
    let shared = Arc::new(targets.to_vec());
    let (finish_tx, finish) = watch::channel(None);
    let (connected_tx, mut connected) = mpsc::channel(SOCKETS);
    let sockets: Vec<_> = (0..SOCKETS)
        .map(|n| {
            let (connected, finish) = (connected_tx.clone(), finish.clone());
            let restaurant = (shared.clone(), n % targets.len());
            tokio::spawn(load::follow(port, restaurant, clock, connected, finish))
        })
        .collect();
    for _ in 0..SOCKETS {
        tokio::time::timeout(Duration::from_secs(30), connected.recv())
            .await
            .map_err(|_| anyhow::anyhow!("the sockets did not all connect within 30 s"))?;
    }

    let client = reqwest::Client::builder()
        // Below HAProxy's client keep-alive (10 s), so it never closes a
        // connection we are about to reuse.
        .pool_idle_timeout(Duration::from_secs(2))
        .timeout(Duration::from_secs(10))
        .build()?;
    let base = format!("http://127.0.0.1:{port}");
    let start = clock.now();
    let tasks: Vec<_> = (0..WRITERS + READERS)
        .map(|n| {
            let writer = (n < WRITERS).then_some(n);
            let every = if writer.is_some() {
                WRITE_EVERY
            } else {
                READ_EVERY
            };
            let pace = (every, start + LOAD, clock);
            tokio::spawn(load::drive(
                client.clone(),
                base.clone(),
                shared.clone(),
                writer,
                pace,
            ))
        })
        .collect();
    tokio::time::sleep_until((clock.0 + start + KILL_AT).into()).await;
    let kill_at = clock.now();
    instances[KILLED].kill().await?;
    // Reaped: its sockets are closed, nothing more can reach it.
    let gone_at = clock.now();
    eprintln!("bench: soak: killed instance {}", KILLED + 1);

    let mut requests = Outcomes::default();
    for task in tasks {
        requests.merge(task.await?);
    }
    Ok(Observed {
        sockets: catch_up(pool, targets, sockets, finish_tx).await?,
        requests,
        dying: kill_at..gone_at,
    })
}

/// Tells the sockets where each restaurant's log ends and collects what they saw.
async fn catch_up(
    pool: &PgPool,
    targets: &[Target],
    sockets: Vec<tokio::task::JoinHandle<SocketLog>>,
    finish: watch::Sender<Option<Finish>>,
) -> anyhow::Result<Vec<SocketLog>> {
    let logs = logged(pool, targets).await?;
    let last_seq = targets
        .iter()
        .map(|target| logs[&target.restaurant_id].last().copied().unwrap_or(0))
        .collect();
    finish.send_replace(Some(Finish {
        last_seq: Arc::new(last_seq),
        by: tokio::time::Instant::now() + CATCH_UP,
    }));
    let mut logs = Vec::with_capacity(sockets.len());
    for socket in sockets {
        logs.push(socket.await?);
    }
    Ok(logs)
}

/// Each restaurant's logged `seq`s, in order.
async fn logged(pool: &PgPool, targets: &[Target]) -> anyhow::Result<HashMap<Uuid, Vec<i64>>> {
    let ids: Vec<Uuid> = targets.iter().map(|target| target.restaurant_id).collect();
    let rows: Vec<(Uuid, i64)> = sqlx::query_as(
        "select restaurant_id, seq from events where restaurant_id = any($1) order by restaurant_id, seq",
    )
    .bind(&ids)
    .fetch_all(pool)
    .await?;
    let mut logs: HashMap<Uuid, Vec<i64>> = ids.into_iter().map(|id| (id, Vec::new())).collect();
    for (restaurant_id, seq) in rows {
        logs.entry(restaurant_id).or_default().push(seq);
    }
    Ok(logs)
}

/// What the acknowledged writes left in the database, by the same keys.
async fn stored(
    pool: &PgPool,
    targets: &[Target],
    acked: &[Acked],
) -> anyhow::Result<HashSet<Acked>> {
    let ids: Vec<Uuid> = targets.iter().map(|target| target.restaurant_id).collect();
    let reservations: Vec<Uuid> = acked
        .iter()
        .filter_map(|write| match write {
            Acked::Reservation(id) => Some(*id),
            Acked::Section(_) => None,
        })
        .collect();
    let found: Vec<Uuid> = sqlx::query_scalar("select id from reservations where id = any($1)")
        .bind(&reservations)
        .fetch_all(pool)
        .await?;
    // Each table update's event, by the section only that write set.
    let sections: Vec<String> = sqlx::query_scalar(
        "select data->>'section' from events
         where restaurant_id = any($1) and data->>'section' like 'soak %'",
    )
    .bind(&ids)
    .fetch_all(pool)
    .await?;
    Ok(found
        .into_iter()
        .map(Acked::Reservation)
        .chain(sections.into_iter().map(Acked::Section))
        .collect())
}

/// Compares what the clients saw with what the database holds.
async fn reconcile(pool: &PgPool, targets: &[Target], observed: Observed) -> anyhow::Result<Soak> {
    let Observed {
        sockets,
        requests,
        dying,
    } = observed;
    let logs = logged(pool, targets).await?;
    let acked = &requests.acked;
    let lost_writes = check::lost(acked, &stored(pool, targets, acked).await?).len();

    let mut delivery = Delivery::default();
    let mut events = 0;
    for socket in &sockets {
        let log = &logs[&targets[socket.restaurant].restaurant_id];
        let expected: Vec<i64> = log
            .iter()
            .copied()
            .filter(|&seq| seq > socket.first_seq)
            .collect();
        events += expected.len();
        delivery.add(check::delivery(&expected, &socket.received));
    }
    let killed_name = format!("q{}", KILLED + 1);
    let (on_killed, on_others): (Vec<&SocketLog>, Vec<&SocketLog>) = sockets
        .iter()
        .partition(|socket| socket.served_by.first() == Some(&killed_name));
    let dropped = |group: &[&SocketLog]| group.iter().filter(|s| !s.drops.is_empty()).count();
    let reconnected_within = on_killed
        .iter()
        .filter_map(|socket| socket.reconnected.first())
        .map(|at| at.saturating_sub(dying.start))
        .max()
        .unwrap_or_default();

    let mut failures = requests.failures;
    for socket in &sockets {
        failures.extend(socket.failed_connects.iter().cloned());
    }
    let (failed_in_flight, failed_otherwise) = check::in_flight_at(dying.clone(), &failures);
    Ok(Soak {
        acked_writes: acked.len(),
        lost_writes,
        reads: requests.succeeded - acked.len(),
        events,
        delivery,
        log_gaps: logs.values().map(|log| check::gaps(log)).sum(),
        resyncs: sockets.iter().map(|socket| socket.resyncs).sum(),
        sockets_killed: (on_killed.len(), dropped(&on_killed)),
        sockets_surviving: (on_others.len(), dropped(&on_others)),
        reconnected_within,
        failed_in_flight,
        failed_otherwise,
        failures: check::kinds(&failures),
        kill_at: dying.start,
    })
}
