//! The book of reservations and the walk-in queue. Every role manages them.

use axum::{
    Json,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use chrono::Utc;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::{
    lifecycle::ReservationStatus,
    model::{
        CreateReservation, Reservation, ReservationQuery, UpdateReservation, validate_fields,
        validate_quote, validate_reservation_time,
    },
    queries,
};
use crate::{
    booking,
    error::{ApiResult, ErrorBody, FieldError},
    floor::{self, change_locked},
    http::{AppJson, AppPath, AppQuery, Idempotent, IfMatch, RestaurantId, Tagged},
    journal::journal,
    state::AppState,
    tenant::{AuthUser, Tenant},
};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ReservationPath {
    restaurant_id: Uuid,
    reservation_id: Uuid,
}

/// Reservations and walk-ins, filtered, in time order (reservation time, or
/// arrival for a walk-in), as a JSON array.
#[utoipa::path(get, path = "/restaurants/{restaurant_id}/reservations", tag = "reservations", security(("bearer" = [])),
    params(RestaurantId, ReservationQuery),
    responses((status = 200, body = [Reservation])))]
pub async fn list_reservations(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(RestaurantId(restaurant_id)): AppPath<RestaurantId>,
    AppQuery(query): AppQuery<ReservationQuery>,
) -> ApiResult<Json<Vec<Reservation>>> {
    query.check_date()?;
    let limit = query.limit()?;
    let mut tenant = user.open(&state, restaurant_id).await?;
    let reservations = queries::select_reservations(tenant.tx(), &query, limit).await?;
    tenant.end_read();
    Ok(Json(reservations))
}

/// One reservation.
#[utoipa::path(get, path = "/restaurants/{restaurant_id}/reservations/{reservation_id}", tag = "reservations",
    security(("bearer" = [])), params(ReservationPath),
    responses((status = 200, body = Reservation), (status = 404, body = ErrorBody)))]
pub async fn get_reservation(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(path): AppPath<ReservationPath>,
) -> ApiResult<Tagged<Reservation>> {
    let mut tenant = user.open(&state, path.restaurant_id).await?;
    let reservation = queries::select_reservation(tenant.tx(), path.reservation_id).await?;
    tenant.end_read();
    Ok(Tagged::ok(reservation))
}

/// The status a new reservation starts in, and whether it is then seated.
fn initial_status(new: &CreateReservation) -> Result<(ReservationStatus, bool), FieldError> {
    let default = if new.reservation_time.is_some() {
        ReservationStatus::Confirmed
    } else {
        ReservationStatus::Waitlist
    };
    match new.status {
        None => Ok((default, false)),
        Some(ReservationStatus::Seated) => Ok((default, true)),
        Some(status) if status.is_final() => Err(FieldError::body(
            "status",
            "a new reservation cannot start finished, cancelled or noShow",
            "value_error",
        )),
        Some(status) => Ok((status, false)),
    }
}

/// Books a reservation, or adds a walk-in (no `reservationTime`) to the queue.
/// A walk-in is quoted as it joins (`quotedWaitMinutes`, `quotedAt`: the
/// host's own quote if given, else the engine's). `status: "seated"` with
/// `assignedTableId` seats a walk-in at once. The visit is linked to
/// `guestProfileId`, or to the profile its `contactInfo` (a phone or email)
/// belongs to, or to a new profile made from it. Honours `Idempotency-Key`.
#[utoipa::path(post, path = "/restaurants/{restaurant_id}/reservations", tag = "reservations", security(("bearer" = [])),
    params(RestaurantId, ("Idempotency-Key" = Option<String>, Header)), request_body = CreateReservation,
    responses((status = 201, body = Reservation), (status = 409, body = ErrorBody)))]
pub async fn create_reservation(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(RestaurantId(restaurant_id)): AppPath<RestaurantId>,
    request: Idempotent<CreateReservation>,
) -> ApiResult<Response> {
    validate_create(&request.body)?;
    let mut tenant = user.open(&state, restaurant_id).await?;
    if let Some(replay) = request.replay(tenant.tx()).await? {
        return Ok(replay);
    }
    let reservation = book(&mut tenant, &request.body).await?;
    let answer = Tagged::created(reservation);
    request.remember(tenant.tx(), &answer).await?;
    tenant.commit(&state).await?;
    Ok(answer.into_response())
}

/// The field rules of a new reservation (before any transaction opens).
pub fn validate_create(new: &CreateReservation) -> ApiResult<()> {
    validate_fields(
        Some(&new.guest_name),
        Some(new.party_size),
        new.contact_info.as_deref(),
        new.notes.as_deref(),
    )?;
    validate_reservation_time(new.reservation_time, Utc::now())?;
    validate_quote(new.quoted_wait_minutes)?;
    initial_status(new)?;
    Ok(())
}

/// Books `new` (checked by `validate_create`) in the caller's transaction:
/// links its guest, quotes a walk-in, journals it, and seats it at once
/// when asked. Every surface that adds a visit comes here.
pub async fn book(tenant: &mut Tenant, new: &CreateReservation) -> ApiResult<Reservation> {
    let (status, seat_now) = initial_status(new)?;
    booking::admit(tenant, new).await?;
    let guest = booking::guest_for(tenant, new).await?;
    let mut reservation = queries::insert_reservation(tenant.tx(), new, status, guest).await?;
    if reservation.is_walk_in() && !seat_now {
        let quote = new.quoted_wait_minutes;
        reservation = floor::waitlist::quote_walk_in(tenant, reservation, quote).await?;
    }
    journal(tenant, "reservation.create", None, &reservation).await?;
    if seat_now {
        let seat = UpdateReservation {
            status: Some(ReservationStatus::Seated),
            allow_over_capacity: new.allow_over_capacity,
            ..UpdateReservation::default()
        };
        reservation = change_locked(tenant, &reservation, &seat).await?;
    }
    Ok(reservation)
}

/// Changes a reservation: any subset of fields. A `status` change follows the
/// lifecycle (illegal moves are 409); seating needs a free table, or with
/// `assignedCombinationId` every table of that combination (all or none).
#[utoipa::path(put, path = "/restaurants/{restaurant_id}/reservations/{reservation_id}", tag = "reservations",
    security(("bearer" = [])), params(ReservationPath),
    request_body = UpdateReservation,
    responses((status = 200, body = Reservation), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 412, body = ErrorBody)))]
pub async fn update_reservation(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(path): AppPath<ReservationPath>,
    if_match: IfMatch,
    AppJson(change): AppJson<UpdateReservation>,
) -> ApiResult<Tagged<Reservation>> {
    validate_fields(
        change.guest_name.as_deref(),
        change.party_size,
        change.contact_info.as_deref(),
        change.notes.as_deref(),
    )?;
    validate_reservation_time(change.reservation_time, Utc::now())?;
    let mut tenant = user.open(&state, path.restaurant_id).await?;
    booking::check_link(&mut tenant, change.guest_profile_id).await?;
    let current = floor::lock_reservation(&mut tenant, path.reservation_id).await?;
    if_match.check(&current)?;
    let reservation = change_locked(&mut tenant, &current, &change).await?;
    tenant.commit(&state).await?;
    Ok(Tagged::ok(reservation))
}

/// Cancels a reservation (kept for history) and frees any table it held.
#[utoipa::path(delete, path = "/restaurants/{restaurant_id}/reservations/{reservation_id}", tag = "reservations",
    security(("bearer" = [])), params(ReservationPath),
    responses((status = 204, description = "Cancelled"), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 412, body = ErrorBody)))]
pub async fn delete_reservation(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(path): AppPath<ReservationPath>,
    if_match: IfMatch,
) -> ApiResult<StatusCode> {
    let mut tenant = user.open(&state, path.restaurant_id).await?;
    let current = floor::lock_reservation(&mut tenant, path.reservation_id).await?;
    if_match.check(&current)?;
    if current.status != ReservationStatus::Cancelled {
        let cancel = UpdateReservation {
            status: Some(ReservationStatus::Cancelled),
            ..UpdateReservation::default()
        };
        change_locked(&mut tenant, &current, &cancel).await?;
    }
    tenant.commit(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}
