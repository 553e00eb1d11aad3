//! The routes that read across reservations and guest profiles.

use axum::{Json, extract::State};

use crate::{
    error::{ApiResult, ErrorBody},
    guest_profiles::{ProfilePath, model::VisitQuery},
    http::{AppPath, AppQuery, validate},
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
