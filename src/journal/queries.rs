//! The journal's one statement, and the activity log's reads.

use serde_json::Value;
use uuid::Uuid;

use super::model::{ActivityEntry, ActivityQuery};
use crate::{
    db::{self, TenantTx, statements},
    error::ApiResult,
    event::{Event, EventKind},
};

statements! {
    /// The counter bump, the activity row and the event, in one round trip.
    RECORD_CHANGE = "with counter as (
             insert into event_counters as c (restaurant_id, last_seq) values ($1, 1)
             on conflict (restaurant_id) do update set last_seq = c.last_seq + 1
             returning last_seq
         ), entry as (
             insert into activity (restaurant_id, user_id, action, entity_type, entity_id, before, after)
             values ($1, $5, $6, $7, $3, $8, $9)
         )
         insert into events (restaurant_id, seq, type, entity_id, data, action, changed)
         select $1, last_seq, $2, $3, $4, $6, $10 from counter
         returning type, data, created_at, restaurant_id, seq, action, changed";
    /// The counter bump and an event that no activity entry goes with.
    RECORD_EVENT = "with counter as (
             insert into event_counters as c (restaurant_id, last_seq) values ($1, 1)
             on conflict (restaurant_id) do update set last_seq = c.last_seq + 1
             returning last_seq
         )
         insert into events (restaurant_id, seq, type, entity_id, data)
         select $1, last_seq, $2, $3, $4 from counter
         returning type, data, created_at, restaurant_id, seq, action, changed";
    SELECT_ACTIVITY = "select id, at, user_id, action, entity_type, entity_id, before, after
         from activity
         where ($1::text is null or entity_type = $1)
           and ($2::uuid is null or entity_id = $2)
           and ($3::timestamptz is null or at < $3)
         order by at desc, id desc
         limit $4";
}

/// One write, as the journal records it.
pub(super) struct Change {
    pub user_id: Option<Uuid>,
    pub action: &'static str,
    pub entity_type: &'static str,
    pub entity_id: Uuid,
    pub before: Option<Value>,
    pub after: Option<Value>,
    /// The top-level keys an update changed.
    pub changed: Option<Vec<String>>,
    /// The live event: its kind and `data`.
    pub event: (EventKind, Value),
}

/// Records the activity entry and the next event of the restaurant in one
/// round trip. The counter row stays locked until commit, so concurrent
/// writers of one restaurant commit their events in `seq` order, gap-free.
pub(super) async fn record(tx: &mut TenantTx, change: Change) -> ApiResult<Event> {
    let restaurant_id = tx.restaurant_id();
    let (kind, data) = change.event;
    Ok(db::query_as(RECORD_CHANGE)
        .bind(restaurant_id)
        .bind(kind.as_str())
        .bind(change.entity_id)
        .bind(sqlx::types::Json(data))
        .bind(change.user_id)
        .bind(change.action)
        .bind(change.entity_type)
        .bind(change.before.map(sqlx::types::Json))
        .bind(change.after.map(sqlx::types::Json))
        .bind(change.changed)
        .fetch_one(tx.conn())
        .await?)
}

/// The next event of the restaurant alone (see `record` for the ordering).
pub(super) async fn record_event(
    tx: &mut TenantTx,
    kind: EventKind,
    entity_id: Uuid,
    data: Value,
) -> ApiResult<Event> {
    let restaurant_id = tx.restaurant_id();
    Ok(db::query_as(RECORD_EVENT)
        .bind(restaurant_id)
        .bind(kind.as_str())
        .bind(entity_id)
        .bind(sqlx::types::Json(data))
        .fetch_one(tx.conn())
        .await?)
}

pub async fn select_activity(
    tx: &mut TenantTx,
    query: &ActivityQuery,
) -> ApiResult<Vec<ActivityEntry>> {
    Ok(db::query_as(SELECT_ACTIVITY)
        .bind(query.entity_type.as_deref())
        .bind(query.entity_id)
        .bind(query.before)
        .bind(query.limit.unwrap_or(100).clamp(1, 500))
        .fetch_all(tx.conn())
        .await?)
}
