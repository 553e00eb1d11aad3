//! The routes that read across reservations and guest profiles.

use axum::{Json, extract::State};

use super::{
    availability::{self, rules::Channel},
    holds::{check_party_fits, not_bookable},
    model::{Availability, AvailabilityQuery},
};
use crate::{
    error::{ApiResult, ErrorBody, FieldError, ValidationErrorBody},
    guest_profiles::{ProfilePath, model::VisitQuery},
    http::{AppPath, AppQuery, RestaurantId, validate},
    reservations::model::Reservation,
    state::AppState,
    tenant::AuthUser,
};

/// The profile's visits (reservations and walk-ins), newest first.
#[utoipa::path(get, path = "/restaurants/{restaurant_id}/guest-profiles/{profile_id}/visits", tag = "guest-profiles",
    security(("bearer" = [])), params(ProfilePath, VisitQuery),
    responses((status = 200, body = [Reservation]), (status = 404, body = ErrorBody)))]
pub async fn list_visits(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(path): AppPath<ProfilePath>,
    AppQuery(query): AppQuery<VisitQuery>,
) -> ApiResult<Json<Vec<Reservation>>> {
    let limit = validate::limit(query.limit, 100, 1000)?;
    let mut tenant = user.open(&state, path.restaurant_id).await?;
    let visits = super::visits(&mut tenant, path.profile_id, limit).await?;
    tenant.end_read();
    Ok(Json(visits))
}

/// Every slot of a day for a party, bookable or not and why, with where the
/// party would sit: what staff see (no notice or advance window applies to
/// them; online guests see only the bookable times).
#[utoipa::path(get, path = "/restaurants/{restaurant_id}/availability", tag = "booking",
    security(("bearer" = [])), params(RestaurantId, AvailabilityQuery),
    responses((status = 200, body = Availability), (status = 404, body = ErrorBody),
        (status = 422, body = ValidationErrorBody)))]
pub async fn get_availability(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(RestaurantId(restaurant_id)): AppPath<RestaurantId>,
    AppQuery(query): AppQuery<AvailabilityQuery>,
) -> ApiResult<Json<Availability>> {
    let (date, party_size) = query.checked()?;
    let mut tenant = user.open(&state, restaurant_id).await?;
    let day = availability::day(&mut tenant, date)
        .await?
        .ok_or_else(not_bookable)?;
    tenant.end_read();
    check_party_fits(&day, party_size, FieldError::query)?;
    let channel = Channel::Staff {
        override_pacing: false,
    };
    Ok(Json(Availability {
        date,
        party_size,
        slots: day
            .slots(party_size, channel)
            .into_iter()
            .map(Into::into)
            .collect(),
    }))
}
