//! `…/guests`: the Python guests resource over the book of visits. Each
//! write is the native one (`reservations::book`, `floor::change_locked`),
//! so the lifecycle, seating, ETags, idempotency, activity and live events
//! are the native API's.

use axum::{
    Json,
    extract::State,
    response::{IntoResponse, Response},
};
use chrono::Datelike;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::{
    clock,
    input::{CreateGuest, GuestQuery, UpdateGuest},
    model::{Done, GuestResponse, names},
    people, queries,
};
use crate::{
    error::{ApiResult, ErrorBody, FieldError},
    floor,
    guest_profiles::model::ProfileFields,
    http::{AppJson, AppPath, AppQuery, Idempotent, IfMatch, RestaurantId, Tagged},
    reservations::{
        self,
        model::{Reservation, ReservationStatus, UpdateReservation, validate_fields},
    },
    state::AppState,
    tenant::{AuthUser, Tenant},
};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct GuestPath {
    restaurant_id: Uuid,
    guest_id: Uuid,
}

/// The guest `id` as this surface shows it, read in the caller's transaction.
pub async fn read(tenant: &mut Tenant, state: &AppState, id: Uuid) -> ApiResult<GuestResponse> {
    let row = queries::select_guest(tenant.tx(), id).await?;
    Ok(GuestResponse::of(row, clock(state)))
}

fn check_date(query: &GuestQuery) -> Result<(), FieldError> {
    match query.date {
        Some(date) if !(1..=9999).contains(&date.year()) => Err(FieldError::query(
            "date",
            "must be between 0001-01-01 and 9999-12-31",
            "value_error",
        )),
        _ => Ok(()),
    }
}

/// The guests, newest first: the visits still open plus today's finished
/// and no-show ones (`status`, `date` filter; cancelled ones only by `status`).
#[utoipa::path(get, path = "/restaurants/{restaurant_id}/guests", tag = "compat", security(("bearer" = [])),
    params(RestaurantId, GuestQuery), responses((status = 200, body = [GuestResponse])))]
pub async fn list_guests(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(RestaurantId(restaurant_id)): AppPath<RestaurantId>,
    AppQuery(query): AppQuery<GuestQuery>,
) -> ApiResult<Json<Vec<GuestResponse>>> {
    check_date(&query)?;
    let mut tenant = user.open(&state, restaurant_id).await?;
    let statuses = query.status.map(|s| s.visits());
    let rows = queries::select_guests(tenant.tx(), statuses, query.date).await?;
    tenant.end_read();
    let clock = clock(&state);
    Ok(Json(
        rows.into_iter()
            .map(|r| GuestResponse::of(r, clock))
            .collect(),
    ))
}

/// Adds a guest: a walk-in (`Waitlist`, checked in now), or a party already
/// arrived or seated. Honours `Idempotency-Key`.
#[utoipa::path(post, path = "/restaurants/{restaurant_id}/guests", tag = "compat", security(("bearer" = [])),
    params(RestaurantId, ("Idempotency-Key" = Option<String>, Header)), request_body = CreateGuest,
    responses((status = 201, body = GuestResponse), (status = 409, body = ErrorBody)))]
pub async fn create_guest(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(RestaurantId(restaurant_id)): AppPath<RestaurantId>,
    request: Idempotent<CreateGuest>,
) -> ApiResult<Response> {
    let new = request.body.to_native()?;
    request.body.details.check_requests()?;
    reservations::validate_create(&new)?;
    let mut tenant = user.open(&state, restaurant_id).await?;
    if let Some(replay) = request.replay(tenant.tx()).await? {
        return Ok(replay);
    }
    let visit = reservations::book(&mut tenant, &new).await?;
    complete(&mut tenant, &visit, &request.body).await?;
    let answer = Tagged::created(read(&mut tenant, &state, visit.id).await?);
    request.remember(tenant.tx(), &answer).await?;
    tenant.commit(&state).await?;
    Ok(answer.into_response())
}

/// What the native booking does not keep of a new guest: the profile's
/// other contact and dietary restrictions, the visit's special requests
/// and check-in.
async fn complete(tenant: &mut Tenant, visit: &Reservation, body: &CreateGuest) -> ApiResult<()> {
    let (linked, details) = (visit.guest_profile_id, &body.details);
    let (phone, email) = (details.phone.as_deref(), details.email.as_deref());
    let contacts = people::sort(tenant, linked, phone, email).await?;
    let fields = ProfileFields {
        phone: contacts.free_phone,
        dietary_restrictions: details.dietary_restrictions.clone(),
        ..ProfileFields::default()
    };
    people::keep(tenant, linked, fields).await?;
    let requests = details.special_requests.as_deref();
    queries::set_arrival(tenant.tx(), visit.id, requests).await
}

/// One guest.
#[utoipa::path(get, path = "/restaurants/{restaurant_id}/guests/{guest_id}", tag = "compat", security(("bearer" = [])),
    params(GuestPath), responses((status = 200, body = GuestResponse), (status = 404, body = ErrorBody)))]
pub async fn get_guest(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(path): AppPath<GuestPath>,
) -> ApiResult<Tagged<GuestResponse>> {
    let mut tenant = user.open(&state, path.restaurant_id).await?;
    let guest = read(&mut tenant, &state, path.guest_id).await?;
    tenant.end_read();
    Ok(Tagged::ok(guest))
}

/// Changes a guest: any subset of fields. A status or table change runs the
/// lifecycle and seating rules (409 when another party holds the table).
#[utoipa::path(put, path = "/restaurants/{restaurant_id}/guests/{guest_id}", tag = "compat", security(("bearer" = [])),
    params(GuestPath), request_body = UpdateGuest,
    responses((status = 200, body = GuestResponse), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 412, body = ErrorBody)))]
pub async fn update_guest(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(path): AppPath<GuestPath>,
    if_match: IfMatch,
    AppJson(body): AppJson<UpdateGuest>,
) -> ApiResult<Tagged<GuestResponse>> {
    body.details.check_requests()?;
    let mut tenant = user.open(&state, path.restaurant_id).await?;
    let current = floor::lock_reservation(&mut tenant, path.guest_id).await?;
    let shown = read(&mut tenant, &state, current.id).await?;
    if_match.check(&current)?;
    change(&mut tenant, &current, &shown, &body).await?;
    let guest = read(&mut tenant, &state, current.id).await?;
    tenant.commit(&state).await?;
    Ok(Tagged::ok(guest))
}

/// Applies a guest's change: the visit's fields through the lifecycle, a
/// contact another profile has relinks the visit to it, and the profile
/// keeps the names, free contacts and dietary restrictions.
async fn change(
    tenant: &mut Tenant,
    current: &Reservation,
    shown: &GuestResponse,
    body: &UpdateGuest,
) -> ApiResult<()> {
    let shown_names = (
        Some(shown.first_name.as_str()),
        Some(shown.last_name.as_str()),
    );
    let (first, last) = names(&current.guest_name, shown_names);
    let mut change = body.to_native((&first, &last))?;
    let contact = change.contact_info.as_deref();
    validate_fields(
        change.guest_name.as_deref(),
        change.party_size,
        contact,
        change.notes.as_deref(),
    )?;
    let linked = current.guest_profile_id;
    let (phone, email) = (body.details.phone.as_deref(), body.details.email.as_deref());
    let contacts = people::sort(tenant, linked, phone, email).await?;
    change.guest_profile_id = contacts.other;
    floor::change_locked(tenant, current, &change).await?;
    let fields = body.profile_fields(contacts.free_phone, contacts.free_email);
    people::keep(tenant, contacts.other.or(linked), fields).await?;
    let requests = body.details.special_requests.as_deref();
    queries::set_special_requests(tenant.tx(), current.id, requests).await
}

/// Cancels the visit (kept for history, no longer listed), freeing any
/// table it held; a visit already ended stays as it ended.
#[utoipa::path(delete, path = "/restaurants/{restaurant_id}/guests/{guest_id}", tag = "compat", security(("bearer" = [])),
    params(GuestPath), responses((status = 200, body = Done), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn delete_guest(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(path): AppPath<GuestPath>,
) -> ApiResult<Json<Done>> {
    let mut tenant = user.open(&state, path.restaurant_id).await?;
    let current = floor::lock_reservation(&mut tenant, path.guest_id).await?;
    read(&mut tenant, &state, current.id).await?;
    if current.status.is_open() {
        let cancel = UpdateReservation {
            status: Some(ReservationStatus::Cancelled),
            ..UpdateReservation::default()
        };
        floor::change_locked(&mut tenant, &current, &cancel).await?;
    }
    tenant.commit(&state).await?;
    let message = "Guest deleted successfully";
    Ok(Json(Done {
        success: true,
        message,
    }))
}
