//! What the app sends on this surface, in the Python field names (snake_case)
//! and their camelCase spellings, and how each becomes a native change.

use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::model::{GuestStatus, full_name};
use crate::{
    error::{ApiError, FieldError},
    guest_profiles::model::ProfileFields,
    http::{time::WireTime, validate},
    reservations::model::{CreateReservation, UpdateReservation},
};

/// What a guest's create and update both carry beside names and status.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub struct Details {
    pub phone: Option<String>,
    pub email: Option<String>,
    pub notes: Option<String>,
    /// Kept by the guest profile the phone or email links (with no phone
    /// or email there is no profile to keep them).
    #[serde(alias = "dietaryRestrictions")]
    pub dietary_restrictions: Option<Vec<String>>,
    #[serde(alias = "specialRequests")]
    pub special_requests: Option<String>,
}

impl Details {
    /// The contact the visit links its guest profile by: the email (never
    /// ambiguous), else the phone.
    fn contact(&self) -> Option<String> {
        [self.email.as_deref(), self.phone.as_deref()]
            .into_iter()
            .flatten()
            .map(str::trim)
            .find(|c| !c.is_empty())
            .map(str::to_owned)
    }

    pub fn check_requests(&self) -> Result<(), FieldError> {
        match self.special_requests.as_deref() {
            Some(text) => validate::text("special_requests", text, 0, 2000),
            None => Ok(()),
        }
    }
}

/// A new guest. Without `status` (or with `Waitlist`) it is a walk-in.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub struct CreateGuest {
    #[serde(alias = "firstName", deserialize_with = "validate::nfc::string")]
    pub first_name: String,
    #[serde(alias = "partySize")]
    pub party_size: i32,
    #[serde(
        default,
        alias = "lastName",
        deserialize_with = "validate::nfc::option"
    )]
    pub last_name: Option<String>,
    pub status: Option<GuestStatus>,
    #[serde(flatten)]
    pub details: Details,
    #[serde(default, alias = "tableId", deserialize_with = "validate::blank::uuid")]
    pub table_id: Option<Uuid>,
    #[serde(default, alias = "reservationTime")]
    pub reservation_time: Option<WireTime>,
    /// Only to refuse a walk-in that has one: the lifecycle sets the
    /// visit's times (`check_in_time` is accepted and ignored: a walk-in is
    /// checked in now).
    #[serde(default, alias = "seatedTime")]
    #[schema(value_type = Option<String>)]
    pub seated_time: Option<WireTime>,
    #[serde(default, alias = "finishedTime")]
    #[schema(value_type = Option<String>)]
    pub finished_time: Option<WireTime>,
}

impl CreateGuest {
    /// The native reservation it is; a `Waitlist` guest with a time or a
    /// table is 400 (a walk-in has neither).
    pub fn to_native(&self) -> Result<CreateReservation, ApiError> {
        let status = self.status.unwrap_or(GuestStatus::Waitlist);
        let placed = self.reservation_time.is_some()
            || self.table_id.is_some()
            || self.seated_time.is_some()
            || self.finished_time.is_some();
        if status == GuestStatus::Waitlist && placed {
            return Err(ApiError::BadRequest(
                "a Waitlist guest is a walk-in: no reservation_time, table_id, seated_time or finished_time".into(),
            ));
        }
        validate::name("first_name", &self.first_name, 1, 100)?;
        let last = self.last_name.as_deref().unwrap_or("");
        Ok(CreateReservation {
            guest_name: full_name(self.first_name.trim(), last.trim()),
            party_size: self.party_size,
            reservation_time: self.reservation_time,
            status: (status != GuestStatus::Waitlist).then(|| status.target()),
            contact_info: self.details.contact(),
            notes: self.details.notes.clone(),
            assigned_table_id: self.table_id,
            allow_over_capacity: false,
            guest_profile_id: None,
            quoted_wait_minutes: None,
            override_pacing: false,
            assigned_combination_id: None,
            booked_online: false,
        })
    }
}

/// Any subset of a guest's fields. `check_in_time`, `seated_time` and
/// `finished_time` are accepted and ignored: the lifecycle sets the times.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub struct UpdateGuest {
    #[serde(
        default,
        alias = "firstName",
        deserialize_with = "validate::nfc::option"
    )]
    pub first_name: Option<String>,
    #[serde(
        default,
        alias = "lastName",
        deserialize_with = "validate::nfc::option"
    )]
    pub last_name: Option<String>,
    #[serde(alias = "partySize")]
    pub party_size: Option<i32>,
    pub status: Option<GuestStatus>,
    #[serde(flatten)]
    pub details: Details,
    #[serde(
        default,
        alias = "tableId",
        alias = "assigned_table_id",
        alias = "assignedTableId",
        deserialize_with = "validate::blank::uuid"
    )]
    pub table_id: Option<Uuid>,
}

impl UpdateGuest {
    /// What the guest's profile keeps of this change, with the contacts no
    /// other profile has.
    pub fn profile_fields(&self, phone: Option<String>, email: Option<String>) -> ProfileFields {
        ProfileFields {
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            phone,
            email,
            dietary_restrictions: self.details.dietary_restrictions.clone(),
            ..ProfileFields::default()
        }
    }

    /// The native change; a new first or last name keeps the other half of `current_name`.
    pub fn to_native(&self, current: (&str, &str)) -> Result<UpdateReservation, FieldError> {
        let renamed = self.first_name.is_some() || self.last_name.is_some();
        let guest_name = renamed.then(|| {
            let first = self.first_name.as_deref().unwrap_or(current.0);
            let last = self.last_name.as_deref().unwrap_or(current.1);
            full_name(first.trim(), last.trim())
        });
        if let Some(first) = &self.first_name {
            validate::name("first_name", first, 1, 100)?;
        }
        Ok(UpdateReservation {
            guest_name,
            party_size: self.party_size,
            status: self.status.map(GuestStatus::target),
            contact_info: self.details.contact(),
            notes: self.details.notes.clone(),
            assigned_table_id: self.table_id,
            ..UpdateReservation::default()
        })
    }
}

/// Query of `GET …/guests`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GuestQuery {
    /// Only guests in this status (Title Case, or the native spellings).
    #[param(value_type = Option<String>)]
    pub status: Option<GuestStatus>,
    /// `YYYY-MM-DD`, the restaurant's local day.
    #[param(value_type = Option<String>, example = "2026-12-01")]
    pub date: Option<chrono::NaiveDate>,
}
