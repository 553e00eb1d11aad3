//! The export document: one restaurant at one point in time, every row with
//! its own id, so the links between rows (a visit's table, combination and
//! profile, a seating's party) hold in the deployment it is loaded into.
//! Times are RFC 3339 with their full precision, not the API's whole seconds.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    reservations::model::ReservationStatus,
    role::StaffRole,
    tables::model::{TableShape, TableStatus},
};

/// What `format` says, so a loader knows the file for what it is.
pub const FORMAT: &str = "qtable-export";
/// Raised when a key changes meaning or becomes required.
pub const VERSION: u32 = 1;

/// Everything a restaurant has at one point in time (one consistent
/// snapshot), as `qtable import --from-export` loads it into another QTable
/// deployment. Events, the activity log, sessions, remembered idempotent
/// answers, holds and table blocks are not part of it (docs/deploy.md).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Export {
    /// Always `qtable-export`.
    pub format: String,
    /// The document's version, 1.
    pub version: u32,
    pub exported_at: DateTime<Utc>,
    pub restaurant: ExportedRestaurant,
    pub staff: Vec<ExportedStaff>,
    pub tables: Vec<ExportedTable>,
    pub combinations: Vec<ExportedCombination>,
    /// Absent (null) while the restaurant uses the default turn times.
    pub turn_times: Option<ExportedTurnTimes>,
    pub server_assignments: Vec<ExportedServerAssignment>,
    pub shifts: Vec<ExportedShift>,
    pub closures: Vec<ExportedClosure>,
    pub guest_profiles: Vec<ExportedGuestProfile>,
    /// The book: reservations and walk-ins, of every status.
    pub reservations: Vec<ExportedReservation>,
    /// Every table a party sat at, open (now) and released (history).
    pub seatings: Vec<ExportedSeating>,
    /// Only in an operator's export with `--include-password-hashes`: the
    /// hashes of the guests' online-booking manage links, bearer secrets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manage_tokens: Option<Vec<ExportedManageToken>>,
}

/// The restaurant row: its id and slug are kept by the move.
#[derive(Debug, Serialize, Deserialize, ToSchema, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct ExportedRestaurant {
    pub id: Uuid,
    pub name: String,
    pub slug: String,
    pub timezone: String,
    pub default_region: String,
    #[schema(value_type = Object)]
    pub settings: serde_json::Value,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct ExportedStaff {
    pub id: Uuid,
    pub email: String,
    /// Only in an operator's export with `--include-password-hashes`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_hash: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub role: StaffRole,
    pub active: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct ExportedTable {
    pub id: Uuid,
    pub table_number: String,
    pub capacity: i32,
    pub status: TableStatus,
    pub position_x: f64,
    pub position_y: f64,
    pub shape: TableShape,
    pub section: Option<String>,
    /// The reservation seated here.
    pub current_guest_id: Option<Uuid>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct ExportedCombination {
    pub id: Uuid,
    pub name: String,
    pub table_ids: Vec<Uuid>,
    pub min_capacity: i32,
    pub max_capacity: i32,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct ExportedTurnTimes {
    pub default_minutes: i32,
    /// `[{"maxPartySize": 2, "minutes": 75}, …]`, as `PUT turn-times` takes it.
    #[schema(value_type = Vec<Object>)]
    pub by_party_size: serde_json::Value,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct ExportedServerAssignment {
    pub day: NaiveDate,
    pub section: String,
    pub user_id: Uuid,
    pub created_at: DateTime<Utc>,
}

/// A service period, in the restaurant's local time.
#[derive(Debug, Serialize, Deserialize, ToSchema, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct ExportedShift {
    pub id: Uuid,
    pub name: String,
    /// ISO days: 1 is Monday, 7 is Sunday.
    pub days_of_week: Vec<i32>,
    pub start_time: NaiveTime,
    pub last_seating_time: NaiveTime,
    pub end_time: NaiveTime,
    pub slot_minutes: i32,
    pub covers_per_slot: i32,
    pub online_covers_per_slot: i32,
    pub min_notice_minutes: i32,
    pub max_advance_days: i32,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A local day without bookings.
#[derive(Debug, Serialize, Deserialize, ToSchema, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct ExportedClosure {
    pub day: NaiveDate,
    pub reason: String,
    pub created_at: DateTime<Utc>,
}

/// A guest profile. Its history (`visitCount` to `lastVisitAt`) is what
/// the reservations make it, as the service keeps it; it is loaded as it is.
#[derive(Debug, Serialize, Deserialize, ToSchema, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct ExportedGuestProfile {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub notes: Option<String>,
    pub dietary_restrictions: Vec<String>,
    pub tags: Vec<String>,
    /// Visits made before the profile's history was kept (an import).
    pub prior_visit_count: i32,
    pub visit_count: i32,
    pub cover_count: i32,
    pub no_show_count: i32,
    pub cancellation_count: i32,
    pub first_visit_at: Option<DateTime<Utc>>,
    pub last_visit_at: Option<DateTime<Utc>>,
    pub erased_at: Option<DateTime<Utc>>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A reservation, or a walk-in (no `reservationTime`).
#[derive(Debug, Serialize, Deserialize, ToSchema, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct ExportedReservation {
    pub id: Uuid,
    pub guest_name: String,
    pub party_size: i32,
    pub status: ReservationStatus,
    pub reservation_time: Option<DateTime<Utc>>,
    pub check_in_time: Option<DateTime<Utc>>,
    pub seated_time: Option<DateTime<Utc>>,
    pub finished_time: Option<DateTime<Utc>>,
    pub assigned_table_id: Option<Uuid>,
    pub assigned_combination_id: Option<Uuid>,
    pub guest_profile_id: Option<Uuid>,
    pub contact_info: Option<String>,
    pub notes: Option<String>,
    pub special_requests: Option<String>,
    pub quoted_wait_minutes: Option<i32>,
    pub quoted_at: Option<DateTime<Utc>>,
    pub booked_online: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct ExportedSeating {
    pub id: Uuid,
    pub reservation_id: Uuid,
    pub table_id: Uuid,
    pub seated_at: DateTime<Utc>,
    pub released_at: Option<DateTime<Utc>>,
}

/// The SHA-256 of an online booking's manage link, hex-encoded.
#[derive(Debug, Serialize, Deserialize, ToSchema, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct ExportedManageToken {
    pub reservation_id: Uuid,
    pub token_hash: String,
    pub created_at: DateTime<Utc>,
}
