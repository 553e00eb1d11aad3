//! The public booking routes: availability, holds, confirmation, and a
//! guest's own booking.

use std::sync::Arc;

use axum::{Extension, Json, extract::State, http::StatusCode};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::{Slugs, open_by_slug, open_by_token, throttle::Throttled};
use crate::{
    booking::{
        availability::{self, rules::Channel},
        holds::{self, not_bookable},
        model::{
            AvailabilityQuery, ConfirmHold, CreateHold, GuestBooking, Hold, ManageQuery,
            PublicAvailability,
        },
    },
    error::{ApiError, ApiResult, ErrorBody, FieldError, ValidationErrorBody},
    floor,
    http::{AppJson, AppPath, AppQuery},
    reservations::model::{ReservationStatus, UpdateReservation},
    state::AppState,
};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct SlugPath {
    /// The restaurant's slug.
    slug: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct HoldPath {
    slug: String,
    hold_id: Uuid,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct BookingPath {
    reservation_id: Uuid,
}

/// The times a party can book on a day (bookable ones only).
#[utoipa::path(get, path = "/public/restaurants/{slug}/availability", tag = "public-booking",
    params(SlugPath, AvailabilityQuery),
    responses((status = 200, body = PublicAvailability), (status = 404, body = ErrorBody),
        (status = 422, body = ValidationErrorBody), (status = 429, body = ErrorBody)))]
pub async fn get_public_availability(
    State(state): State<AppState>,
    _: Throttled,
    Extension(slugs): Extension<Arc<Slugs>>,
    AppPath(path): AppPath<SlugPath>,
    AppQuery(query): AppQuery<AvailabilityQuery>,
) -> ApiResult<Json<PublicAvailability>> {
    let (date, party_size) = query.checked()?;
    let mut tenant = open_by_slug(&state, &slugs, &path.slug).await?;
    let day = availability::day(&mut tenant, date)
        .await?
        .ok_or_else(not_bookable)?;
    tenant.end_read();
    holds::check_party_fits(&day, party_size, FieldError::query)?;
    if !day.in_window() {
        return Err(FieldError::query("date", "outside the booking window", "value_error").into());
    }
    let slots = day.slots(party_size, Channel::Online);
    Ok(Json(PublicAvailability {
        slots: slots
            .into_iter()
            .filter(|s| s.available())
            .map(Into::into)
            .collect(),
    }))
}

/// Keeps a slot for the party for five minutes while the guest confirms.
#[utoipa::path(post, path = "/public/restaurants/{slug}/holds", tag = "public-booking",
    params(SlugPath), request_body = CreateHold,
    responses((status = 201, body = Hold), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "`slot_unavailable`: taken meanwhile"),
        (status = 422, body = ValidationErrorBody), (status = 429, body = ErrorBody)))]
pub async fn create_hold(
    State(state): State<AppState>,
    _: Throttled,
    Extension(slugs): Extension<Arc<Slugs>>,
    AppPath(path): AppPath<SlugPath>,
    AppJson(request): AppJson<CreateHold>,
) -> ApiResult<(StatusCode, Json<Hold>)> {
    let mut tenant = open_by_slug(&state, &slugs, &path.slug).await?;
    let hold = holds::hold(&mut tenant, &request).await?;
    tenant.commit(&state).await?;
    Ok((StatusCode::CREATED, Json(hold)))
}

/// Confirms a live hold as the guest's reservation. The answer's
/// `manageToken` lets the guest see or cancel it; it is shown only here.
#[utoipa::path(post, path = "/public/restaurants/{slug}/holds/{hold_id}/confirm", tag = "public-booking",
    params(HoldPath), request_body = ConfirmHold,
    responses((status = 201, body = GuestBooking), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "`hold_confirmed`"),
        (status = 410, body = ErrorBody, description = "`hold_expired`"),
        (status = 422, body = ValidationErrorBody), (status = 429, body = ErrorBody)))]
pub async fn confirm_hold(
    State(state): State<AppState>,
    _: Throttled,
    Extension(slugs): Extension<Arc<Slugs>>,
    AppPath(path): AppPath<HoldPath>,
    AppJson(guest): AppJson<ConfirmHold>,
) -> ApiResult<(StatusCode, Json<GuestBooking>)> {
    let mut tenant = open_by_slug(&state, &slugs, &path.slug).await?;
    let booking = holds::confirm(&mut tenant, path.hold_id, &guest).await?;
    tenant.commit(&state).await?;
    Ok((StatusCode::CREATED, Json(booking)))
}

/// A guest's own booking, by its id and manage token.
#[utoipa::path(get, path = "/public/reservations/{reservation_id}", tag = "public-booking",
    params(BookingPath, ManageQuery),
    responses((status = 200, body = GuestBooking), (status = 404, body = ErrorBody),
        (status = 422, body = ValidationErrorBody), (status = 429, body = ErrorBody)))]
pub async fn get_booking(
    State(state): State<AppState>,
    _: Throttled,
    AppPath(path): AppPath<BookingPath>,
    AppQuery(query): AppQuery<ManageQuery>,
) -> ApiResult<Json<GuestBooking>> {
    let mut tenant = open_by_token(&state, path.reservation_id, &query.token).await?;
    let reservation = floor::lock_reservation(&mut tenant, path.reservation_id).await?;
    tenant.end_read();
    Ok(Json(holds::guest_view(&reservation)))
}

/// Cancels a guest's own booking (before the party has arrived).
#[utoipa::path(delete, path = "/public/reservations/{reservation_id}", tag = "public-booking",
    params(BookingPath, ManageQuery),
    responses((status = 204, description = "Cancelled"), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "`not_cancellable`: the party is here"),
        (status = 422, body = ValidationErrorBody), (status = 429, body = ErrorBody)))]
pub async fn cancel_booking(
    State(state): State<AppState>,
    _: Throttled,
    AppPath(path): AppPath<BookingPath>,
    AppQuery(query): AppQuery<ManageQuery>,
) -> ApiResult<StatusCode> {
    let mut tenant = open_by_token(&state, path.reservation_id, &query.token).await?;
    let current = floor::lock_reservation(&mut tenant, path.reservation_id).await?;
    match current.status {
        ReservationStatus::Cancelled => {}
        ReservationStatus::Confirmed | ReservationStatus::RunningLate => {
            let cancel = UpdateReservation {
                status: Some(ReservationStatus::Cancelled),
                ..UpdateReservation::default()
            };
            floor::change_locked(&mut tenant, &current, &cancel).await?;
        }
        _ => {
            return Err(ApiError::conflict(
                "not_cancellable",
                "this booking can no longer be cancelled online; call the restaurant",
            ));
        }
    }
    tenant.commit(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}
