//! `/restaurants/{id}/table-combinations`: every role reads them; owners and
//! managers define them.

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
    apply_change, in_use,
    model::{Combination, CreateCombination, UpdateCombination},
    queries, stored_from,
};
use crate::{
    error::{ApiResult, ErrorBody},
    floor::waitlist,
    http::{AppJson, AppPath, Idempotent, IfMatch, RestaurantId, Tagged},
    journal::{journal, journal_delete},
    state::AppState,
    tenant::AuthUser,
};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CombinationPath {
    restaurant_id: Uuid,
    combination_id: Uuid,
}

/// Every table combination, by name.
#[utoipa::path(get, path = "/restaurants/{restaurant_id}/table-combinations", tag = "host stand",
    security(("bearer" = [])), params(RestaurantId),
    responses((status = 200, body = [Combination])))]
pub async fn list_combinations(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(RestaurantId(restaurant_id)): AppPath<RestaurantId>,
) -> ApiResult<Json<Vec<Combination>>> {
    let mut tenant = user.open(&state, restaurant_id).await?;
    let combinations = queries::select_combinations(tenant.tx()).await?;
    tenant.end_read();
    Ok(Json(combinations))
}

/// Defines a combination of 2 to 8 tables (owner or manager); members are
/// kept in natural order. Quotes move with it (`waitlist_update`). Honours
/// `Idempotency-Key`.
#[utoipa::path(post, path = "/restaurants/{restaurant_id}/table-combinations", tag = "host stand",
    security(("bearer" = [])), params(RestaurantId, ("Idempotency-Key" = Option<String>, Header)),
    request_body = CreateCombination,
    responses((status = 201, body = Combination), (status = 409, body = ErrorBody)))]
pub async fn create_combination(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(RestaurantId(restaurant_id)): AppPath<RestaurantId>,
    request: Idempotent<CreateCombination>,
) -> ApiResult<Response> {
    let mut tenant = user.open(&state, restaurant_id).await?;
    tenant.require_manager()?;
    if let Some(replay) = request.replay(tenant.tx()).await? {
        return Ok(replay);
    }
    let new = &request.body;
    let quotes = waitlist::Watch::start(&mut tenant).await?;
    let (ids, min, max) = stored_from(
        &mut tenant,
        &new.name,
        &new.table_ids,
        new.min_capacity,
        new.max_capacity,
    )
    .await?;
    let stored = queries::Stored {
        name: &new.name,
        table_ids: &ids,
        min_capacity: min,
        max_capacity: max,
    };
    let combination = queries::insert_combination(tenant.tx(), &stored).await?;
    journal(&mut tenant, "table_combination.create", None, &combination).await?;
    quotes.finish(&mut tenant, None).await?;
    let answer = Tagged::created(combination);
    request.remember(tenant.tx(), &answer).await?;
    tenant.commit(&state).await?;
    Ok(answer.into_response())
}

/// Changes a combination (owner or manager): any subset of fields. Its
/// members cannot change while a party sits at it.
#[utoipa::path(put, path = "/restaurants/{restaurant_id}/table-combinations/{combination_id}", tag = "host stand",
    security(("bearer" = [])), params(CombinationPath), request_body = UpdateCombination,
    responses((status = 200, body = Combination), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 412, body = ErrorBody)))]
pub async fn update_combination(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(path): AppPath<CombinationPath>,
    if_match: IfMatch,
    AppJson(change): AppJson<UpdateCombination>,
) -> ApiResult<Tagged<Combination>> {
    let mut tenant = user.open(&state, path.restaurant_id).await?;
    tenant.require_manager()?;
    let before = queries::lock_combination(tenant.tx(), path.combination_id).await?;
    if_match.check(&before)?;
    let quotes = waitlist::Watch::start(&mut tenant).await?;
    let combination = apply_change(&mut tenant, &before, &change).await?;
    journal(
        &mut tenant,
        "table_combination.update",
        Some(&before),
        &combination,
    )
    .await?;
    quotes.finish(&mut tenant, None).await?;
    tenant.commit(&state).await?;
    Ok(Tagged::ok(combination))
}

/// Removes a combination (owner or manager); 409 while a party sits at it.
#[utoipa::path(delete, path = "/restaurants/{restaurant_id}/table-combinations/{combination_id}", tag = "host stand",
    security(("bearer" = [])), params(CombinationPath),
    responses((status = 204, description = "Deleted"), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 412, body = ErrorBody)))]
pub async fn delete_combination(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(path): AppPath<CombinationPath>,
    if_match: IfMatch,
) -> ApiResult<StatusCode> {
    let mut tenant = user.open(&state, path.restaurant_id).await?;
    tenant.require_manager()?;
    let combination = queries::lock_combination(tenant.tx(), path.combination_id).await?;
    if_match.check(&combination)?;
    if queries::combination_in_use(tenant.tx(), combination.id).await? {
        return Err(in_use());
    }
    let quotes = waitlist::Watch::start(&mut tenant).await?;
    queries::delete_combination(tenant.tx(), combination.id).await?;
    journal_delete(&mut tenant, "table_combination.delete", &combination).await?;
    quotes.finish(&mut tenant, None).await?;
    tenant.commit(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}
