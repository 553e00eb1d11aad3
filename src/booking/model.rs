//! Online booking's wire types: availability (for staff, and the public
//! view of it), holds, confirmations and a guest's own booking.

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::availability::rules::{Slot, Unavailable};
use crate::{
    error::FieldError,
    http::{time::WireTime, validate},
    reservations::model::ReservationStatus,
};

/// A day and a party size.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct AvailabilityQuery {
    /// The restaurant's local date, `YYYY-MM-DD`.
    #[param(value_type = String, format = Date, example = "2026-12-24")]
    date: String,
    #[serde(alias = "party_size")]
    #[param(minimum = 1, maximum = 99)]
    pub party_size: i32,
}

impl AvailabilityQuery {
    /// The date and the party size, checked (422 naming the field).
    pub fn checked(&self) -> Result<(NaiveDate, i32), FieldError> {
        let date = NaiveDate::parse_from_str(&self.date, "%Y-%m-%d").map_err(|_| {
            FieldError::query("date", "expected a date as YYYY-MM-DD", "value_error")
        })?;
        check_party_size(self.party_size)
            .map_err(|msg| FieldError::query("partySize", msg, "value_error"))?;
        Ok((date, self.party_size))
    }
}

/// The party sizes a booking may have; the error's message otherwise.
pub fn check_party_size(party_size: i32) -> Result<(), &'static str> {
    if (1..=99).contains(&party_size) {
        Ok(())
    } else {
        Err("must be between 1 and 99")
    }
}

/// A local time as `HH:MM`.
fn clock(time: NaiveTime) -> String {
    time.format("%H:%M").to_string()
}

/// Every slot of the day for the party, bookable or not, and why not.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Availability {
    #[schema(value_type = String, format = Date)]
    pub date: NaiveDate,
    pub party_size: i32,
    pub slots: Vec<AvailableSlot>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AvailableSlot {
    pub time: WireTime,
    /// In the restaurant's time zone, `HH:MM`.
    pub local_time: String,
    pub available: bool,
    /// Where the party would sit: one table, or a combination's members.
    pub table_ids: Vec<Uuid>,
    pub combination_id: Option<Uuid>,
    /// Why the slot cannot be booked; null when it can.
    pub reason: Option<Unavailable>,
}

impl From<Slot> for AvailableSlot {
    fn from(slot: Slot) -> Self {
        Self {
            time: slot.time.into(),
            local_time: clock(slot.local_time),
            available: slot.available(),
            table_ids: slot.table_ids,
            combination_id: slot.combination_id,
            reason: slot.reason,
        }
    }
}

/// The times a guest can book for the party.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicAvailability {
    pub slots: Vec<PublicSlot>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PublicSlot {
    pub time: WireTime,
    /// In the restaurant's time zone, `HH:MM`.
    pub local_time: String,
}

impl From<Slot> for PublicSlot {
    fn from(slot: Slot) -> Self {
        Self {
            time: slot.time.into(),
            local_time: clock(slot.local_time),
        }
    }
}

/// A slot to keep for the party while the guest confirms.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateHold {
    /// One of the day's slot times, as availability lists it.
    pub time: WireTime,
    #[serde(alias = "party_size")]
    pub party_size: i32,
}

/// A place kept until `expiresAt`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Hold {
    pub hold_id: Uuid,
    pub expires_at: WireTime,
    pub time: WireTime,
    pub party_size: i32,
}

/// The guest's details, which turn a hold into a reservation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConfirmHold {
    #[serde(alias = "guest_name", deserialize_with = "validate::nfc::string")]
    pub guest_name: String,
    /// A phone number the restaurant can call (read in its region without a country code).
    pub phone: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default, deserialize_with = "validate::nfc::option")]
    pub notes: Option<String>,
}

/// A guest's booking, as the guest sees it. `manageToken` (only in the
/// confirmation) is the secret that lets the guest see or cancel it: keep it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GuestBooking {
    pub reservation_id: Uuid,
    pub status: ReservationStatus,
    pub time: WireTime,
    pub party_size: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manage_token: Option<String>,
}

/// The manage token of an online booking.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ManageQuery {
    pub token: String,
}
