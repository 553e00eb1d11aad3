//! The day report on the wire.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::{error::FieldError, http::time::WireTime};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DayQuery {
    /// `YYYY-MM-DD`, the restaurant's local day.
    #[param(value_type = String, example = "2025-08-13")]
    pub date: NaiveDate,
}

impl DayQuery {
    /// Years 1 to 9999, as PostgreSQL and RFC 3339 hold them.
    pub fn check(&self) -> Result<NaiveDate, FieldError> {
        if (1..=9999).contains(&self.date.year()) {
            Ok(self.date)
        } else {
            Err(FieldError::query(
                "date",
                "must be between 0001-01-01 and 9999-12-31",
                "value_error",
            ))
        }
    }
}

/// Walk-ins, reservations, and both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Split {
    pub walk_ins: i64,
    pub reservations: i64,
    pub total: i64,
}

/// How long the day's finished parties of one size kept their table.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TurnStat {
    pub party_size: i32,
    pub parties: usize,
    pub median_minutes: f64,
    pub p90_minutes: f64,
}

/// The day's seated walk-ins: how long they waited against their quotes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WaitStat {
    pub walk_ins: usize,
    pub median_wait_minutes: Option<f64>,
    /// Those that were quoted.
    pub quoted: usize,
    pub median_quoted_minutes: Option<f64>,
    /// Quoted walk-ins seated within 5 minutes of their quote, either way.
    pub within_five_minutes: usize,
    pub within_five_minutes_share: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServerCovers {
    pub user_id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub parties: i64,
    pub covers: i64,
}

/// One local hour: table-minutes occupied, and their share of all tables'.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HourOccupancy {
    /// The local hour, 0 to 23 (a day with a clock change repeats or skips one).
    pub hour: u32,
    pub starts_at: WireTime,
    pub occupied_table_minutes: f64,
    /// 0.0 to 1.0.
    pub occupancy: f64,
}

/// How the day went. Medians and p90s interpolate between ranks, as
/// PostgreSQL's `percentile_cont` does.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DayReport {
    #[schema(value_type = String, example = "2025-08-13")]
    pub date: NaiveDate,
    pub timezone: String,
    /// Parties seated during the day.
    pub parties: Split,
    pub covers: Split,
    /// Reservations of the day (by their time) that did not come, or were cancelled.
    pub no_shows: i64,
    pub cancellations: i64,
    pub turn_times: Vec<TurnStat>,
    pub walk_in_waits: WaitStat,
    /// By the section of each party's first table and the day's assignments.
    pub covers_by_server: Vec<ServerCovers>,
    pub occupancy_by_hour: Vec<HourOccupancy>,
}
