//! Quotes and the waitlist on the wire.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::{error::FieldError, http::time::WireTime};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct PartySizeQuery {
    /// The party's size, 1 to 99.
    #[serde(alias = "party_size")]
    pub party_size: i32,
}

impl PartySizeQuery {
    pub fn check(&self) -> Result<i32, FieldError> {
        if (1..=99).contains(&self.party_size) {
            Ok(self.party_size)
        } else {
            Err(FieldError::query(
                "partySize",
                "must be between 1 and 99",
                "value_error",
            ))
        }
    }
}

/// The wait a party not yet in the queue would be quoted now.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Quote {
    pub party_size: i32,
    /// Null when no table or combination fits the party.
    pub quoted_wait_minutes: Option<i32>,
    pub expected_seat_at: Option<WireTime>,
    /// The table, or the combination's members, it is expected to get.
    pub expected_table_ids: Vec<Uuid>,
    /// The combination, when it is expected to get one.
    pub expected_combination_id: Option<Uuid>,
    /// Walk-ins already waiting.
    pub parties_ahead: usize,
}

/// A walk-in waiting, with where the engine expects it to sit.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WaitlistEntry {
    /// The walk-in's reservation id.
    pub id: Uuid,
    pub guest_name: String,
    pub party_size: i32,
    /// 1 for the party at the head of the queue.
    pub position: usize,
    pub waited_minutes: i64,
    /// What the party was told when it joined (null if it was not quoted).
    pub quoted_wait_minutes: Option<i32>,
    pub quoted_at: Option<WireTime>,
    /// Null when nothing on the floor fits the party.
    pub expected_seat_at: Option<WireTime>,
    pub expected_table_ids: Vec<Uuid>,
    pub expected_combination_id: Option<Uuid>,
}

/// The `data` of a `waitlist_update` event.
#[derive(Debug, Serialize, ToSchema)]
pub struct WaitlistUpdate {
    pub waitlist: Vec<WaitlistEntry>,
}
