//! Holds: a slot kept for a few minutes between a guest's search and
//! confirmation, decided under the day's lock from the day's book as it is
//! then, and its confirmation into a reservation. The tables' blocks (an
//! exclusion constraint) have the last word on tables; the lock on what no
//! constraint sees (pacing, reservations without a table).

mod queries;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use queries::{NewHold, slot_taken};

use super::{
    availability::{
        self,
        rules::{Channel, Day, Slot, Unavailable},
    },
    model::{ConfirmHold, CreateHold, GuestBooking, Hold, check_party_size},
};
use crate::{
    error::{ApiError, ApiResult, FieldError},
    guest_profiles::{self, contact::Contact},
    http::validate,
    reservations::{
        self,
        model::{CreateReservation, Reservation, ReservationStatus, validate_fields},
    },
    tenant::Tenant,
    tokens,
};

/// How long a hold keeps its place.
pub const HOLD_MINUTES: i32 = 5;

/// 404 for a restaurant that takes no bookings (it has no shifts).
pub fn not_bookable() -> ApiError {
    ApiError::NotFound("online booking")
}

/// Keeps the slot at `request.time` for the party, if it is free.
pub async fn hold(tenant: &mut Tenant, request: &CreateHold) -> ApiResult<Hold> {
    check_party_size(request.party_size)
        .map_err(|msg| FieldError::body("partySize", msg, "value_error"))?;
    let at = request.time.0;
    let day = availability::locked_day(tenant, at)
        .await?
        .ok_or_else(not_bookable)?;
    check_party_fits(&day, request.party_size, FieldError::body)?;
    let slot = online_slot(&day, at, request.party_size)?;
    let (_, until) = day.turn(at, request.party_size);
    let new = NewHold {
        party_size: request.party_size,
        starts_at: at,
        ends_at: DateTime::from_timestamp(until, 0).unwrap_or(at),
        minutes: HOLD_MINUTES,
        table_ids: &slot.table_ids,
        combination_id: slot.combination_id,
    };
    let (hold_id, expires_at) = queries::insert_hold(tenant.tx(), &new).await?;
    Ok(Hold {
        hold_id,
        expires_at: expires_at.into(),
        time: at.into(),
        party_size: request.party_size,
    })
}

/// 422 on `partySize` when no table or combination could ever seat the party.
pub fn check_party_fits(
    day: &Day,
    party_size: i32,
    at: fn(&str, &'static str, &str) -> FieldError,
) -> ApiResult<()> {
    if day.fits_anywhere(party_size) {
        Ok(())
    } else {
        Err(at(
            "partySize",
            "no table or combination seats a party this size",
            "value_error",
        )
        .into())
    }
}

/// The bookable slot at `at`: 422 when `at` is no slot time or is outside
/// the booking window, 409 when the slot is taken.
fn online_slot(day: &Day, at: DateTime<Utc>, party_size: i32) -> ApiResult<Slot> {
    let outside = |msg: &'static str| ApiError::from(FieldError::body("time", msg, "value_error"));
    let slot = day
        .slot_at(at, party_size, Channel::Online)
        .ok_or_else(|| outside("not one of the day's slot times"))?;
    match slot.reason {
        None => Ok(slot),
        Some(Unavailable::Closed) => Err(outside("the restaurant is closed that day")),
        Some(Unavailable::TooSoon | Unavailable::TooFar) => {
            Err(outside("outside the booking window"))
        }
        Some(Unavailable::Pacing | Unavailable::NoTable) => Err(slot_taken()),
    }
}

/// Turns a live hold into a confirmed reservation for the guest, linked to
/// their guest profile; the answer carries the booking's manage token.
pub async fn confirm(
    tenant: &mut Tenant,
    hold_id: Uuid,
    guest: &ConfirmHold,
) -> ApiResult<GuestBooking> {
    let (phone, email) = guest_contact(tenant, guest).await?;
    let hold = queries::lock_hold(tenant.tx(), hold_id).await?;
    if hold.reservation_id.is_some() {
        return Err(ApiError::conflict(
            "hold_confirmed",
            "this hold is already confirmed",
        ));
    }
    if hold.expired {
        return Err(ApiError::Gone {
            code: "hold_expired",
            detail: "the hold expired; search again",
        });
    }
    // The hold's covers become the reservation's under the day's lock.
    availability::locked_day(tenant, hold.starts_at).await?;
    queries::release_hold(tenant.tx(), hold.id).await?;
    let profile = super::guest_with(tenant, &guest.guest_name, &phone, email.as_deref()).await?;
    let new = CreateReservation {
        guest_name: guest.guest_name.clone(),
        party_size: hold.party_size,
        reservation_time: Some(hold.starts_at.into()),
        status: Some(ReservationStatus::Confirmed),
        contact_info: Some(phone),
        notes: guest.notes.clone(),
        assigned_table_id: hold.table_ids.first().copied(),
        allow_over_capacity: false,
        guest_profile_id: Some(profile),
        quoted_wait_minutes: None,
        override_pacing: false,
        assigned_combination_id: hold.combination_id,
        booked_online: true,
    };
    let reservation = reservations::book(tenant, &new).await?;
    queries::mark_confirmed(tenant.tx(), hold.id, reservation.id).await?;
    let (token, hash) = tokens::new_refresh_token();
    queries::insert_manage_token(tenant.tx(), reservation.id, &hash).await?;
    Ok(GuestBooking {
        manage_token: Some(token),
        ..guest_view(&reservation)
    })
}

/// The guest's phone (as E.164) and email, checked.
async fn guest_contact(
    tenant: &mut Tenant,
    guest: &ConfirmHold,
) -> ApiResult<(String, Option<String>)> {
    validate_fields(Some(&guest.guest_name), None, None, guest.notes.as_deref())?;
    let region = guest_profiles::region(tenant).await?;
    let Some(Contact::Phone(phone)) = Contact::recognise(&guest.phone, &region) else {
        return Err(FieldError::body("phone", "not a phone number", "value_error").into());
    };
    let email = guest
        .email
        .as_deref()
        .filter(|e| !e.trim().is_empty())
        .map(|e| validate::email("email", e))
        .transpose()?;
    Ok((phone, email))
}

/// What a guest sees of their booking.
pub fn guest_view(reservation: &Reservation) -> GuestBooking {
    GuestBooking {
        reservation_id: reservation.id,
        status: reservation.status,
        time: reservation
            .reservation_time
            .unwrap_or(reservation.created_at),
        party_size: reservation.party_size,
        manage_token: None,
    }
}
