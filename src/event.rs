//! The event envelope of the seed README plus a per-restaurant `seq`:
//! `{"type", "data", "timestamp", "restaurant_id", "seq"}`. Writes produce
//! events (through the journal), the unit of work hands them to a
//! `Publisher` once committed, and the live domain delivers them.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::time::WireTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    TableUpdate,
    TableDelete,
    ReservationUpdate,
    StaffUpdate,
    StaffDelete,
    RestaurantUpdate,
    GuestProfileUpdate,
    GuestProfileDelete,
    /// The host-stand engine's, on `/restaurants/{id}/live` only.
    WaitlistUpdate,
    TurnTimesUpdate,
    TableCombinationUpdate,
    TableCombinationDelete,
    ServerAssignmentsUpdate,
    /// Online booking's: a shift, and a closed day (its delete's `data` is `{"date"}`).
    ShiftUpdate,
    ShiftDelete,
    ClosureUpdate,
    ClosureDelete,
    /// Several changes committed as one (the app-as-it-grew's batch-update):
    /// `data` lists them, `{"affected_entities": ["guest-<id>", "table-<id>"]}`.
    BatchComplete,
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
            Self::GuestProfileUpdate => "guest_profile_update",
            Self::GuestProfileDelete => "guest_profile_delete",
            Self::WaitlistUpdate => "waitlist_update",
            Self::TurnTimesUpdate => "turn_times_update",
            Self::TableCombinationUpdate => "table_combination_update",
            Self::TableCombinationDelete => "table_combination_delete",
            Self::ServerAssignmentsUpdate => "server_assignments_update",
            Self::ShiftUpdate => "shift_update",
            Self::ShiftDelete => "shift_delete",
            Self::ClosureUpdate => "closure_update",
            Self::ClosureDelete => "closure_delete",
            Self::BatchComplete => "batch_complete",
        }
    }

    /// Whether the event changes a staff account (whose sessions may then end).
    pub fn is_about_staff(self) -> bool {
        matches!(self, Self::StaffUpdate | Self::StaffDelete)
    }
}

impl TryFrom<String> for EventKind {
    type Error = String;

    /// The log's `type` column holds what `as_str` wrote.
    fn try_from(text: String) -> Result<Self, Self::Error> {
        serde_json::from_value(Value::String(text)).map_err(|e| e.to_string())
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, sqlx::FromRow)]
pub struct Event {
    /// `table_update`, `table_delete`, `reservation_update`, `staff_update`,
    /// `staff_delete`, `restaurant_update`, `guest_profile_update`,
    /// `guest_profile_delete`, the host-stand engine's `waitlist_update`,
    /// `turn_times_update`, `table_combination_update`,
    /// `table_combination_delete`, `server_assignments_update`, online
    /// booking's `shift_update`, `shift_delete`, `closure_update`,
    /// `closure_delete`, or `batch_complete`.
    #[serde(rename = "type")]
    #[sqlx(rename = "type", try_from = "String")]
    #[schema(value_type = String)]
    pub kind: EventKind,
    /// The changed entity (for a `*_delete`, `{"id"}`, or a closure's `{"date"}`).
    #[schema(value_type = Object)]
    pub data: sqlx::types::Json<Value>,
    #[serde(rename = "timestamp")]
    pub created_at: WireTime,
    pub restaurant_id: Uuid,
    /// Rises by one per event within a restaurant, with no gaps.
    pub seq: i64,
    /// The journal action that made it (`reservation.create`), for
    /// translations of the log (`/realtime`); never on the native wire.
    #[serde(skip)]
    pub action: Option<String>,
    /// The entity's keys the write changed (an update's only); like
    /// `action`, never on the native wire.
    #[serde(skip)]
    pub changed: Option<Vec<String>>,
}

impl Event {
    /// Whether this event changes `user`'s own account (so their sessions need a re-check).
    pub fn concerns_user(&self, user: Uuid) -> bool {
        self.kind.is_about_staff()
            && self.data.get("id").and_then(Value::as_str) == Some(&user.to_string())
    }
}

/// Where committed events and session revocations go. The live domain's hub
/// implements it; the unit of work and the handlers see only this.
pub trait Publisher: Send + Sync {
    /// Announces events that are durable in the log.
    fn publish(&self, events: Vec<Event>);
    /// Asks every live connection of `user` to re-check its session now.
    fn revoke(&self, restaurant_id: Uuid, user: Uuid);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_read_back_from_their_column_text() {
        for kind in [
            EventKind::TableUpdate,
            EventKind::StaffDelete,
            EventKind::RestaurantUpdate,
            EventKind::WaitlistUpdate,
            EventKind::TableCombinationDelete,
            EventKind::ShiftUpdate,
            EventKind::ClosureDelete,
        ] {
            assert_eq!(EventKind::try_from(kind.as_str().to_owned()), Ok(kind));
        }
        assert!(EventKind::try_from("table_moved".to_owned()).is_err());
    }
}
