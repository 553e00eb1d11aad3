//! The event log's reads behind replay and gap filling, and its retention purge.

use std::time::Duration;

use sqlx::PgPool;

use crate::{
    db::{self, TenantTx, statements},
    error::ApiResult,
    event::Event,
};

statements! {
    LATEST_SEQ = "select coalesce((select last_seq from event_counters where restaurant_id = $1), 0)";
    CAN_REPLAY_FROM = "select min(seq) from events where restaurant_id = $1";
    EVENTS_AFTER = "select type, data, created_at, restaurant_id, seq, action, changed from events
         where restaurant_id = $1 and seq > $2 and seq <= $3
         order by seq
         limit $4";
    PURGE_EVENTS = "select auth_private.purge_events($1)";
}

/// The restaurant's latest `seq` (0 before its first event).
pub async fn latest_seq(tx: &mut TenantTx) -> ApiResult<i64> {
    let restaurant_id = tx.restaurant_id();
    Ok(db::query_scalar(LATEST_SEQ)
        .bind(restaurant_id)
        .fetch_one(tx.conn())
        .await?)
}

/// Whether every event after `since` is still in the log (not purged by
/// retention) and `since` is not ahead of the log.
pub async fn can_replay_from(tx: &mut TenantTx, since: i64, latest: i64) -> ApiResult<bool> {
    if since > latest || since < 0 {
        return Ok(false);
    }
    let restaurant_id = tx.restaurant_id();
    let oldest: Option<i64> = db::query_scalar(CAN_REPLAY_FROM)
        .bind(restaurant_id)
        .fetch_one(tx.conn())
        .await?;
    Ok(since >= oldest.unwrap_or(latest + 1) - 1)
}

/// Events after `since` (up to `until`, inclusive), oldest first, at most `limit`.
pub async fn events_after(
    tx: &mut TenantTx,
    since: i64,
    until: i64,
    limit: i64,
) -> ApiResult<Vec<Event>> {
    let restaurant_id = tx.restaurant_id();
    Ok(db::query_as(EVENTS_AFTER)
        .bind(restaurant_id)
        .bind(since)
        .bind(until)
        .bind(limit)
        .fetch_all(tx.conn())
        .await?)
}

/// Deletes events older than `retention` in every restaurant; returns how many.
/// In a transaction, as `auth::queries::find_login` is, for a transaction pooler.
pub async fn purge_events(db: &PgPool, retention: Duration) -> Result<i64, sqlx::Error> {
    let mut tx = db.begin().await?;
    let purged = db::query_scalar(PURGE_EVENTS)
        .bind(sqlx::postgres::types::PgInterval::try_from(retention).unwrap_or_default())
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(purged)
}
