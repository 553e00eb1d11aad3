//! `/restaurants/{id}/closures`: every role reads them; owners and managers
//! set them.

use axum::{Json, extract::State, http::StatusCode};

use super::{
    model::{Closure, ClosurePath, ClosureQuery, CreateClosure},
    queries,
};
use crate::{
    error::{ApiResult, ErrorBody},
    http::{AppJson, AppPath, AppQuery, RestaurantId},
    journal::{journal, journal_delete},
    state::AppState,
    tenant::AuthUser,
};

/// The closed days, by date; `from` and `to` (both inclusive) narrow them.
#[utoipa::path(get, path = "/restaurants/{restaurant_id}/closures", tag = "booking",
    security(("bearer" = [])), params(RestaurantId, ClosureQuery),
    responses((status = 200, body = [Closure])))]
pub async fn list_closures(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(RestaurantId(restaurant_id)): AppPath<RestaurantId>,
    AppQuery(query): AppQuery<ClosureQuery>,
) -> ApiResult<Json<Vec<Closure>>> {
    let range = query.range()?;
    let mut tenant = user.open(&state, restaurant_id).await?;
    let closures = queries::select_closures(tenant.tx(), range).await?;
    tenant.end_read();
    Ok(Json(closures))
}

/// Closes a day (owner or manager); 409 `closure_exists` when it already is.
#[utoipa::path(post, path = "/restaurants/{restaurant_id}/closures", tag = "booking",
    security(("bearer" = [])), params(RestaurantId), request_body = CreateClosure,
    responses((status = 201, body = Closure), (status = 409, body = ErrorBody)))]
pub async fn create_closure(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(RestaurantId(restaurant_id)): AppPath<RestaurantId>,
    AppJson(new): AppJson<CreateClosure>,
) -> ApiResult<(StatusCode, Json<Closure>)> {
    let reason = new.reason()?;
    let mut tenant = user.open(&state, restaurant_id).await?;
    tenant.require_manager()?;
    let closure = queries::insert_closure(tenant.tx(), new.date, reason).await?;
    journal(&mut tenant, "closure.create", None, &closure).await?;
    tenant.commit(&state).await?;
    Ok((StatusCode::CREATED, Json(closure)))
}

/// Opens a closed day again (owner or manager); 404 when it was not closed.
#[utoipa::path(delete, path = "/restaurants/{restaurant_id}/closures/{date}", tag = "booking",
    security(("bearer" = [])), params(ClosurePath),
    responses((status = 204, description = "Deleted"), (status = 404, body = ErrorBody)))]
pub async fn delete_closure(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(path): AppPath<ClosurePath>,
) -> ApiResult<StatusCode> {
    let date = path.date()?;
    let mut tenant = user.open(&state, path.restaurant_id).await?;
    tenant.require_manager()?;
    let closure = queries::delete_closure(tenant.tx(), date).await?;
    journal_delete(&mut tenant, "closure.delete", &closure).await?;
    tenant.commit(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}
