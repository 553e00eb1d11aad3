//! Live updates. Every change is written to the per-restaurant event log in
//! the same transaction as the change itself; the log is the source of truth
//! for delivery and replay. After commit, events go to this instance's
//! subscribers (`hub`) and, with `REDIS_URL`, to every other instance
//! (`fanout`); WebSocket clients (`ws`) get them in `seq` order, exactly once.

mod fanout;
mod handlers;
mod hub;
mod queries;
mod sessions;
pub mod ws;

use std::time::Duration;

use sqlx::PgPool;
use utoipa_axum::{router::OpenApiRouter, routes};

pub use hub::Hub;

use crate::{config::Config, state::AppState};

/// How often expired events are purged.
const PURGE_EVERY: Duration = Duration::from_secs(3600);

/// The live routes. The socket's handler takes the `Hub` as an extension,
/// which `startup` adds: `AppState` knows only the hub's `Publisher` side.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(ws::live))
        .routes(routes!(handlers::list_events))
}

/// The instance's hub: Redis-backed when `REDIS_URL` is set. Also starts the
/// retention purge.
pub fn start(config: &Config, db: PgPool) -> anyhow::Result<Hub> {
    let capacity = config.live_queue_capacity;
    let per_session = config.live_sockets_per_session;
    let hub = match &config.redis_url {
        Some(url) => {
            let client = redis::Client::open(url.expose())
                .map_err(|_| anyhow::anyhow!("REDIS_URL: not a valid Redis URL"))?;
            let channel = format!("{}:live", config.redis_channel_prefix);
            fanout::start(client, channel, |outbound| {
                Hub::new(db.clone(), capacity, per_session, Some(outbound))
            })
        }
        None => Hub::new(db.clone(), capacity, per_session, None),
    };
    tokio::spawn(purge_loop(db, config.event_retention, hub.stopping()));
    Ok(hub)
}

async fn purge_loop(
    db: PgPool,
    retention: Duration,
    mut stopping: tokio::sync::watch::Receiver<bool>,
) {
    let mut every = tokio::time::interval(PURGE_EVERY);
    loop {
        tokio::select! {
            _ = every.tick() => {}
            _ = stopping.changed() => return,
        }
        match queries::purge_events(&db, retention).await {
            Ok(count) if count > 0 => tracing::info!(count, "live: purged expired events"),
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "live: purging expired events failed"),
        }
    }
}
