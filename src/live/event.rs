//! The event envelope of the seed README plus a per-restaurant `seq`:
//! `{"type", "data", "timestamp", "restaurant_id", "seq"}`, and the log reads
//! behind replay.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{db::TenantTx, error::ApiResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    TableUpdate,
    TableDelete,
    ReservationUpdate,
    StaffUpdate,
    StaffDelete,
    RestaurantUpdate,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::TableUpdate => "table_update",
            Self::TableDelete => "table_delete",
            Self::ReservationUpdate => "reservation_update",
            Self::StaffUpdate => "staff_update",
            Self::StaffDelete => "staff_delete",
            Self::RestaurantUpdate => "restaurant_update",
        }
    }
}

#[derive(Debug, Clone, Serialize, serde::Deserialize, ToSchema, sqlx::FromRow)]
pub struct Event {
    /// `table_update`, `table_delete`, `reservation_update`, `staff_update`,
    /// `staff_delete` or `restaurant_update`.
    #[serde(rename = "type")]
    #[sqlx(rename = "type")]
    pub kind: String,
    /// The changed entity (for a `*_delete`, `{"id"}`).
    #[schema(value_type = Object)]
    pub data: sqlx::types::Json<Value>,
    #[serde(rename = "timestamp", with = "crate::http::time")]
    #[schema(value_type = String, example = "2025-08-13T19:05:00Z")]
    pub created_at: DateTime<Utc>,
    pub restaurant_id: Uuid,
    /// Rises by one per event within a restaurant, with no gaps.
    pub seq: i64,
}

impl Event {
    /// Whether this event changes `user`'s own account (so their sessions need a re-check).
    pub fn concerns_user(&self, user: Uuid) -> bool {
        self.kind.starts_with("staff_")
            && self.data.get("id").and_then(Value::as_str) == Some(&user.to_string())
    }
}

/// The restaurant's latest `seq` (0 before its first event).
pub async fn latest_seq(tx: &mut TenantTx) -> ApiResult<i64> {
    let restaurant_id = tx.restaurant_id();
    Ok(sqlx::query_scalar(
        "select coalesce((select last_seq from event_counters where restaurant_id = $1), 0)",
    )
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
    let oldest: Option<i64> =
        sqlx::query_scalar("select min(seq) from events where restaurant_id = $1")
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
    Ok(sqlx::query_as(
        "select type, data, created_at, restaurant_id, seq from events
         where restaurant_id = $1 and seq > $2 and seq <= $3
         order by seq
         limit $4",
    )
    .bind(restaurant_id)
    .bind(since)
    .bind(until)
    .bind(limit)
    .fetch_all(tx.conn())
    .await?)
}
