//! `/restaurants/{id}/shifts`: every role reads them; owners and managers
//! define them.

use axum::{
    Json,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::{
    model::{Shift, ShiftInput},
    queries, save,
};
use crate::{
    error::{ApiResult, ErrorBody},
    http::{AppJson, AppPath, Idempotent, IfMatch, RestaurantId, Tagged},
    journal::{journal, journal_delete},
    state::AppState,
    tenant::AuthUser,
};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ShiftPath {
    restaurant_id: Uuid,
    shift_id: Uuid,
}

/// Every shift, by start time, then name.
#[utoipa::path(get, path = "/restaurants/{restaurant_id}/shifts", tag = "booking",
    security(("bearer" = [])), params(RestaurantId),
    responses((status = 200, body = [Shift])))]
pub async fn list_shifts(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(RestaurantId(restaurant_id)): AppPath<RestaurantId>,
) -> ApiResult<Json<Vec<Shift>>> {
    let mut tenant = user.open(&state, restaurant_id).await?;
    let shifts = queries::select_shifts(tenant.tx()).await?;
    tenant.end_read();
    Ok(Json(shifts))
}

/// Defines a shift (owner or manager). 409 `shift_overlap` when its seating
/// shares a day and a time with another shift's, `duplicate_shift_name` when
/// its name is taken. Honours `Idempotency-Key`.
#[utoipa::path(post, path = "/restaurants/{restaurant_id}/shifts", tag = "booking",
    security(("bearer" = [])), params(RestaurantId, ("Idempotency-Key" = Option<String>, Header)),
    request_body = ShiftInput,
    responses((status = 201, body = Shift), (status = 409, body = ErrorBody)))]
pub async fn create_shift(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(RestaurantId(restaurant_id)): AppPath<RestaurantId>,
    request: Idempotent<ShiftInput>,
) -> ApiResult<Response> {
    let draft = request.body.draft()?;
    let mut tenant = user.open(&state, restaurant_id).await?;
    tenant.require_manager()?;
    if let Some(replay) = request.replay(tenant.tx()).await? {
        return Ok(replay);
    }
    let shift = save(&mut tenant, None, &draft).await?;
    journal(&mut tenant, "shift.create", None, &shift).await?;
    let answer = Tagged::created(shift);
    request.remember(tenant.tx(), &answer).await?;
    tenant.commit(&state).await?;
    Ok(answer.into_response())
}

/// One shift, with its `ETag`.
#[utoipa::path(get, path = "/restaurants/{restaurant_id}/shifts/{shift_id}", tag = "booking",
    security(("bearer" = [])), params(ShiftPath),
    responses((status = 200, body = Shift), (status = 404, body = ErrorBody)))]
pub async fn get_shift(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(path): AppPath<ShiftPath>,
) -> ApiResult<Tagged<Shift>> {
    let mut tenant = user.open(&state, path.restaurant_id).await?;
    let shift = queries::select_shift(tenant.tx(), path.shift_id, false).await?;
    tenant.end_read();
    Ok(Tagged::ok(shift))
}

/// Replaces a shift whole (owner or manager): omitted fields take their
/// defaults again. The same 409s as creating one; 412 on a stale `If-Match`.
#[utoipa::path(put, path = "/restaurants/{restaurant_id}/shifts/{shift_id}", tag = "booking",
    security(("bearer" = [])), params(ShiftPath), request_body = ShiftInput,
    responses((status = 200, body = Shift), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 412, body = ErrorBody)))]
pub async fn update_shift(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(path): AppPath<ShiftPath>,
    if_match: IfMatch,
    AppJson(input): AppJson<ShiftInput>,
) -> ApiResult<Tagged<Shift>> {
    let draft = input.draft()?;
    let mut tenant = user.open(&state, path.restaurant_id).await?;
    tenant.require_manager()?;
    let before = queries::select_shift(tenant.tx(), path.shift_id, true).await?;
    if_match.check(&before)?;
    let shift = save(&mut tenant, Some(before.id), &draft).await?;
    journal(&mut tenant, "shift.update", Some(&before), &shift).await?;
    tenant.commit(&state).await?;
    Ok(Tagged::ok(shift))
}

/// Removes a shift (owner or manager); bookings already made stay.
#[utoipa::path(delete, path = "/restaurants/{restaurant_id}/shifts/{shift_id}", tag = "booking",
    security(("bearer" = [])), params(ShiftPath),
    responses((status = 204, description = "Deleted"), (status = 404, body = ErrorBody),
        (status = 412, body = ErrorBody)))]
pub async fn delete_shift(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(path): AppPath<ShiftPath>,
    if_match: IfMatch,
) -> ApiResult<StatusCode> {
    let mut tenant = user.open(&state, path.restaurant_id).await?;
    tenant.require_manager()?;
    let shift = queries::select_shift(tenant.tx(), path.shift_id, true).await?;
    if_match.check(&shift)?;
    queries::delete_shift(tenant.tx(), shift.id).await?;
    journal_delete(&mut tenant, "shift.delete", &shift).await?;
    tenant.commit(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}
