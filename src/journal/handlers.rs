//! `GET /restaurants/{id}/activity`.

use axum::{Json, extract::State};

use super::{
    model::{ActivityEntry, ActivityQuery},
    queries,
};
use crate::{
    error::ApiResult,
    http::{AppPath, AppQuery, RestaurantId},
    state::AppState,
    tenant::AuthUser,
};

/// The activity log, newest first (owner or manager). Page with `before`.
#[utoipa::path(get, path = "/restaurants/{restaurant_id}/activity", tag = "activity", security(("bearer" = [])),
    params(RestaurantId, ActivityQuery),
    responses((status = 200, body = [ActivityEntry])))]
pub async fn list_activity(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(RestaurantId(restaurant_id)): AppPath<RestaurantId>,
    AppQuery(query): AppQuery<ActivityQuery>,
) -> ApiResult<Json<Vec<ActivityEntry>>> {
    let mut tenant = user.open(&state, restaurant_id).await?;
    tenant.require_manager()?;
    let entries = queries::select_activity(tenant.tx(), &query).await?;
    tenant.end_read();
    Ok(Json(entries))
}
