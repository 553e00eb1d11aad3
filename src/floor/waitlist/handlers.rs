//! `/restaurants/{id}/waitlist` and its quote: every role reads them.

use axum::{Json, extract::State};

use super::{
    entries,
    model::{PartySizeQuery, Quote, WaitlistEntry},
    quote,
};
use crate::{
    error::ApiResult,
    floor::snapshot,
    http::{AppPath, AppQuery, RestaurantId},
    state::AppState,
    tenant::AuthUser,
};

/// The walk-ins waiting, in queue order, each with its position, how long
/// it has waited, what it was quoted, and when and where it is now expected
/// to sit (null when nothing fits it).
#[utoipa::path(get, path = "/restaurants/{restaurant_id}/waitlist", tag = "host stand",
    security(("bearer" = [])), params(RestaurantId),
    responses((status = 200, body = [WaitlistEntry])))]
pub async fn get_waitlist(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(RestaurantId(restaurant_id)): AppPath<RestaurantId>,
) -> ApiResult<Json<Vec<WaitlistEntry>>> {
    let mut tenant = user.open(&state, restaurant_id).await?;
    let snapshot = snapshot::load(&mut tenant).await?;
    tenant.end_read();
    Ok(Json(entries(&snapshot)))
}

/// The wait to quote a party not yet in the queue: each table frees at its
/// party's seat time plus the turn time for its size, upcoming reservations
/// hold their tables, and the queue is replayed in order, each party taking
/// the fitting table or combination that frees first.
#[utoipa::path(get, path = "/restaurants/{restaurant_id}/waitlist/quote", tag = "host stand",
    security(("bearer" = [])), params(RestaurantId, PartySizeQuery),
    responses((status = 200, body = Quote)))]
pub async fn get_quote(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(RestaurantId(restaurant_id)): AppPath<RestaurantId>,
    AppQuery(query): AppQuery<PartySizeQuery>,
) -> ApiResult<Json<Quote>> {
    let party_size = query.check()?;
    let mut tenant = user.open(&state, restaurant_id).await?;
    let snapshot = snapshot::load(&mut tenant).await?;
    tenant.end_read();
    Ok(Json(quote(&snapshot, party_size)))
}
