//! Reservation (and walk-in) wire types, exactly as the iOS app decodes them.

use chrono::{DateTime, Datelike, Months, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

pub use super::lifecycle::ReservationStatus;
use crate::{
    error::{ApiError, FieldError},
    event::EventKind,
    http::{Versioned, time::WireTime, validate},
    journal::Journaled,
};

/// The columns a `Reservation` is read from, in every statement that returns one.
macro_rules! reservation_columns {
    () => {
        "id, guest_name, party_size, status, reservation_time, check_in_time, seated_time, \
         finished_time, assigned_table_id, contact_info, notes, created_at, updated_at, version, \
         guest_profile_id, guest_summary as guest, \
         assigned_combination_id, quoted_wait_minutes, quoted_at, \
         case when assigned_combination_id is null then array_remove(array[assigned_table_id], null) \
         else coalesce((select c.table_ids from table_combinations c where c.id = assigned_combination_id), \
         array_remove(array[assigned_table_id], null)) end as assigned_table_ids"
    };
}
pub(crate) use reservation_columns;

#[derive(Debug, Clone, Serialize, ToSchema, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct Reservation {
    pub id: Uuid,
    pub guest_name: String,
    pub party_size: i32,
    pub status: ReservationStatus,
    /// Null for a walk-in.
    pub reservation_time: Option<WireTime>,
    pub check_in_time: Option<WireTime>,
    pub seated_time: Option<WireTime>,
    pub finished_time: Option<WireTime>,
    pub assigned_table_id: Option<Uuid>,
    pub contact_info: Option<String>,
    pub notes: Option<String>,
    pub created_at: WireTime,
    #[serde(rename = "lastUpdated")]
    pub updated_at: WireTime,
    #[serde(skip)]
    pub version: i32,
    /// Every table the party holds or is assigned, in natural order: a
    /// combination's members, or `[assignedTableId]`. Omitted when empty,
    /// so an unassigned reservation keeps the contract's exact key set.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub assigned_table_ids: Vec<Uuid>,
    /// The table combination the party is assigned to (omitted when none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assigned_combination_id: Option<Uuid>,
    /// The wait quoted to a walk-in when it joined the queue (omitted when none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quoted_wait_minutes: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quoted_at: Option<WireTime>,
    /// The guest profile this visit belongs to, or null.
    pub guest_profile_id: Option<Uuid>,
    /// The linked guest at a glance, or null.
    // The JSON text kept on the reservation row (`app.guest_summary`),
    // passed through as it is.
    #[schema(value_type = Option<GuestSummary>)]
    pub guest: Option<sqlx::types::Json<Box<serde_json::value::RawValue>>>,
}

impl Reservation {
    /// A walk-in has no reservation time.
    pub fn is_walk_in(&self) -> bool {
        self.reservation_time.is_none()
    }
}

/// What the host sees of a reservation's guest without another call.
// The document's shape of the text `app.guest_summary` writes.
#[derive(ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GuestSummary {
    pub visit_count: i32,
    pub no_show_count: i32,
    pub tags: Vec<String>,
    pub dietary_restrictions: Vec<String>,
}

impl Versioned for Reservation {
    fn version(&self) -> i32 {
        self.version
    }
}

impl Journaled for Reservation {
    const ENTITY: &'static str = "reservation";
    const UPDATED: EventKind = EventKind::ReservationUpdate;
    // Reservations are cancelled, never deleted.
    const DELETED: EventKind = EventKind::ReservationUpdate;
    fn id(&self) -> Uuid {
        self.id
    }
}

/// The key that keeps a visit's profile in its restaurant: a profile merged
/// away between the check and the write trips it.
pub const GUEST_PROFILE_KEY: &str = "reservations_guest_profile_fkey";

pub fn guest_profile_gone() -> ApiError {
    ApiError::NotFound("guest profile")
}

/// Without `reservationTime` this is a walk-in and starts on the `waitlist`;
/// with one it starts `confirmed` unless `status` says otherwise.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateReservation {
    #[serde(
        alias = "guest_name",
        deserialize_with = "crate::http::validate::nfc::string"
    )]
    pub guest_name: String,
    #[serde(alias = "party_size")]
    pub party_size: i32,
    #[serde(default, alias = "reservation_time")]
    pub reservation_time: Option<WireTime>,
    pub status: Option<ReservationStatus>,
    #[serde(alias = "contact_info")]
    pub contact_info: Option<String>,
    pub notes: Option<String>,
    #[serde(
        default,
        alias = "assigned_table_id",
        deserialize_with = "crate::http::validate::blank::uuid"
    )]
    pub assigned_table_id: Option<Uuid>,
    #[serde(default, alias = "allow_over_capacity")]
    pub allow_over_capacity: bool,
    /// The guest profile to link. Without it, a `contactInfo` that is a
    /// phone or email links the profile that has it, or a new one.
    #[serde(
        default,
        alias = "guest_profile_id",
        deserialize_with = "crate::http::validate::blank::uuid"
    )]
    pub guest_profile_id: Option<Uuid>,
    /// A walk-in's quote as the host gave it, instead of the engine's.
    #[serde(alias = "quoted_wait_minutes")]
    pub quoted_wait_minutes: Option<i32>,
    /// Book past the slot's pacing (owners and managers only). A table
    /// already booked for part of the turn is never overridden.
    #[serde(default, alias = "override_pacing")]
    pub override_pacing: bool,
    // Set by online booking only: the hold's combination, and that the
    // guest booked it (online covers have their own cap).
    #[serde(skip)]
    pub assigned_combination_id: Option<Uuid>,
    #[serde(skip)]
    pub booked_online: bool,
}

/// Any subset of fields; a `status` change follows the lifecycle rules.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdateReservation {
    #[serde(
        alias = "guest_name",
        default,
        deserialize_with = "crate::http::validate::nfc::option"
    )]
    pub guest_name: Option<String>,
    #[serde(alias = "party_size")]
    pub party_size: Option<i32>,
    #[serde(default, alias = "reservation_time")]
    pub reservation_time: Option<WireTime>,
    pub status: Option<ReservationStatus>,
    #[serde(alias = "contact_info")]
    pub contact_info: Option<String>,
    pub notes: Option<String>,
    #[serde(
        default,
        alias = "assigned_table_id",
        deserialize_with = "crate::http::validate::blank::uuid"
    )]
    pub assigned_table_id: Option<Uuid>,
    /// Seat (or assign) the party at every table of this combination; wins
    /// over `assignedTableId`.
    #[serde(alias = "assigned_combination_id")]
    pub assigned_combination_id: Option<Uuid>,
    /// Seat a party larger than the table's capacity.
    #[serde(default, alias = "allow_over_capacity")]
    pub allow_over_capacity: bool,
    /// Links the visit to this guest profile instead.
    #[serde(
        default,
        alias = "guest_profile_id",
        deserialize_with = "crate::http::validate::blank::uuid"
    )]
    pub guest_profile_id: Option<Uuid>,
}

/// A host's own quote: zero to a day.
pub fn validate_quote(minutes: Option<i32>) -> Result<(), FieldError> {
    match minutes {
        Some(m) if !(0..=1440).contains(&m) => Err(FieldError::body(
            "quotedWaitMinutes",
            "must be between 0 and 1440",
            "value_error",
        )),
        _ => Ok(()),
    }
}

/// Field limits shared by create and update.
pub fn validate_fields(
    guest_name: Option<&str>,
    party_size: Option<i32>,
    contact_info: Option<&str>,
    notes: Option<&str>,
) -> Result<(), FieldError> {
    if let Some(name) = guest_name {
        validate::name("guestName", name, 1, 200)?;
    }
    if let Some(size) = party_size
        && !(1..=99).contains(&size)
    {
        return Err(FieldError::body(
            "partySize",
            "must be between 1 and 99",
            "value_error",
        ));
    }
    if let Some(contact) = contact_info {
        validate::line("contactInfo", contact, 0, 200)?;
    }
    if let Some(notes) = notes {
        validate::text("notes", notes, 0, 2000)?;
    }
    Ok(())
}

/// How far ahead a reservation may be booked.
const BOOKING_HORIZON: Months = Months::new(24);

/// A `reservationTime` from 2000-01-01 (UTC) to two years after `now`: far
/// enough back for any real record or import of past bookings, fixed rather
/// than relative so such records never turn invalid as time passes; the
/// horizon catches a mistyped year (and `9999-12-31`).
pub fn validate_reservation_time(
    time: Option<WireTime>,
    now: DateTime<Utc>,
) -> Result<(), FieldError> {
    let earliest = Utc.with_ymd_and_hms(2000, 1, 1, 0, 0, 0).unwrap();
    let latest = now.checked_add_months(BOOKING_HORIZON).unwrap_or(now);
    match time {
        Some(WireTime(time)) if time < earliest || time > latest => Err(FieldError::body(
            "reservationTime",
            "must be between 2000-01-01T00:00:00Z and two years from now",
            "value_error",
        )),
        _ => Ok(()),
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct ReservationQuery {
    /// Only these statuses (repeat the parameter for several; `status_filter`
    /// is read the same, as older apps send it).
    #[serde(default, alias = "status_filter")]
    #[param(value_type = Option<Vec<String>>)]
    pub status: Vec<ReservationStatus>,
    /// `YYYY-MM-DD` in the restaurant's time zone: reservations by their time,
    /// walk-ins by their arrival.
    #[param(value_type = Option<String>, example = "2025-08-13")]
    pub date: Option<chrono::NaiveDate>,
    /// From this instant (inclusive), RFC 3339.
    #[serde(default)]
    pub from: Option<WireTime>,
    /// Until this instant (exclusive), RFC 3339.
    #[serde(default)]
    pub to: Option<WireTime>,
    /// Guest name contains this text (any case).
    pub q: Option<String>,
    /// 1 to 1000, default 500.
    pub limit: Option<i64>,
}

pub const DEFAULT_LIMIT: i64 = 500;
pub const MAX_LIMIT: i64 = 1000;

impl ReservationQuery {
    /// `date` in years 1 to 9999, as RFC 3339 timestamps are: chrono also
    /// reads far wider years (`-200000-01-01`), which PostgreSQL cannot hold.
    pub fn check_date(&self) -> Result<(), FieldError> {
        match self.date {
            Some(date) if !(1..=9999).contains(&date.year()) => Err(FieldError::query(
                "date",
                "must be between 0001-01-01 and 9999-12-31",
                "value_error",
            )),
            _ => Ok(()),
        }
    }

    pub fn limit(&self) -> Result<i64, FieldError> {
        validate::limit(self.limit, DEFAULT_LIMIT, MAX_LIMIT)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reservation_times_are_bounded_to_a_sane_window() {
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap();
        let at = |s: &str| Some(WireTime(DateTime::parse_from_rfc3339(s).unwrap().to_utc()));
        for ok in [
            "2000-01-01T00:00:00Z",
            "2025-08-13T19:00:00Z",
            "2028-12-01T12:00:00Z",
        ] {
            assert!(validate_reservation_time(at(ok), now).is_ok(), "{ok}");
        }
        for bad in [
            "0001-01-01T00:00:00Z",
            "1999-12-31T23:59:59Z",
            "2028-12-01T12:00:01Z",
            "9999-12-31T23:59:59Z",
        ] {
            let error = validate_reservation_time(at(bad), now).unwrap_err();
            assert_eq!(error.loc, ["body", "reservationTime"], "{bad}");
        }
        assert!(validate_reservation_time(None, now).is_ok());
    }

    #[test]
    fn the_date_filter_stays_within_four_digit_years() {
        let query = |date: &str| ReservationQuery {
            date: Some(date.parse().unwrap()),
            ..ReservationQuery::default()
        };
        assert!(query("0001-01-01").check_date().is_ok());
        assert!(query("9999-12-31").check_date().is_ok());
        assert!(query("-200000-01-01").check_date().is_err());
        assert!(query("+200000-01-01").check_date().is_err());
    }
}
