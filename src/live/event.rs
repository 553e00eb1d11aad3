//! The event envelope of the seed README plus a per-restaurant `seq`:
//! `{"type", "data", "timestamp", "restaurant_id", "seq"}`.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

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

#[derive(Debug, Clone, Serialize, ToSchema, sqlx::FromRow)]
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
