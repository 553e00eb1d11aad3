//! `/restaurants/{id}/turn-times`: every role reads them; owners and
//! managers set them.

use axum::{Json, extract::State};

use super::{
    model::{SuggestedTurnTimes, TurnTimes, suggest},
    queries,
};
use crate::{
    error::{ApiResult, ErrorBody},
    floor::waitlist,
    http::{AppJson, AppPath, IfMatch, RestaurantId, Tagged},
    journal::journal,
    state::AppState,
    tenant::AuthUser,
};

/// The restaurant's turn times (90 minutes for every party until set).
#[utoipa::path(get, path = "/restaurants/{restaurant_id}/turn-times", tag = "host stand",
    security(("bearer" = [])), params(RestaurantId),
    responses((status = 200, body = TurnTimes)))]
pub async fn get_turn_times(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(RestaurantId(restaurant_id)): AppPath<RestaurantId>,
) -> ApiResult<Tagged<TurnTimes>> {
    let mut tenant = user.open(&state, restaurant_id).await?;
    let times = queries::select_turn_times(tenant.tx(), false).await?;
    tenant.end_read();
    Ok(Tagged::ok(times))
}

/// Sets the turn times (owner or manager): `defaultMinutes` and bands
/// ascending by `maxPartySize`, every time 15 to 600 minutes. Quotes move
/// with them.
#[utoipa::path(put, path = "/restaurants/{restaurant_id}/turn-times", tag = "host stand",
    security(("bearer" = [])), params(RestaurantId), request_body = TurnTimes,
    responses((status = 200, body = TurnTimes), (status = 412, body = ErrorBody)))]
pub async fn put_turn_times(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(RestaurantId(restaurant_id)): AppPath<RestaurantId>,
    if_match: IfMatch,
    AppJson(times): AppJson<TurnTimes>,
) -> ApiResult<Tagged<TurnTimes>> {
    times.validate()?;
    let mut tenant = user.open(&state, restaurant_id).await?;
    tenant.require_manager()?;
    let before = queries::select_turn_times(tenant.tx(), true).await?;
    if_match.check(&before)?;
    let quotes = waitlist::Watch::start(&mut tenant).await?;
    let after = queries::upsert_turn_times(tenant.tx(), &times).await?;
    journal(&mut tenant, "turn_times.update", Some(&before), &after).await?;
    quotes.finish(&mut tenant, None).await?;
    tenant.commit(&state).await?;
    Ok(Tagged::ok(after))
}

/// Turn times derived from this restaurant's finished parties of the last
/// 60 days: the median by party size, with each sample size.
#[utoipa::path(get, path = "/restaurants/{restaurant_id}/turn-times/suggested", tag = "host stand",
    security(("bearer" = [])), params(RestaurantId),
    responses((status = 200, body = SuggestedTurnTimes)))]
pub async fn suggest_turn_times(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(RestaurantId(restaurant_id)): AppPath<RestaurantId>,
) -> ApiResult<Json<SuggestedTurnTimes>> {
    let mut tenant = user.open(&state, restaurant_id).await?;
    let rows = queries::suggest_rows(tenant.tx()).await?;
    tenant.end_read();
    Ok(Json(suggest(&rows)))
}
