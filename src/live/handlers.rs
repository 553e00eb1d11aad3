//! `GET /restaurants/{id}/events`: the live-update log over HTTP.

use axum::{Json, extract::State};
use serde::Deserialize;
use utoipa::IntoParams;

use super::queries;
use crate::{
    error::{ApiError, ApiResult, ErrorBody, FieldError},
    event::Event,
    http::{AppPath, AppQuery, RestaurantId},
    state::AppState,
    tenant::AuthUser,
};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventsQuery {
    /// Events after this `seq` (default 0: from the start of what is kept).
    pub since: Option<i64>,
    /// 1 to 1000, default 500.
    pub limit: Option<i64>,
}

/// Events after `since`, oldest first. 410 `resync_required` when some of
/// them are no longer kept: reload the state, then follow from the latest `seq`.
#[utoipa::path(get, path = "/restaurants/{restaurant_id}/events", tag = "live", security(("bearer" = [])),
    params(RestaurantId, EventsQuery),
    responses((status = 200, body = [Event]), (status = 410, description = "Events after `since` were purged", body = ErrorBody)))]
pub async fn list_events(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(RestaurantId(restaurant_id)): AppPath<RestaurantId>,
    AppQuery(query): AppQuery<EventsQuery>,
) -> ApiResult<Json<Vec<Event>>> {
    let limit = query.limit.unwrap_or(500);
    if !(1..=1000).contains(&limit) {
        return Err(FieldError::query("limit", "must be between 1 and 1000", "value_error").into());
    }
    let mut tenant = user.open(&state, restaurant_id).await?;
    let latest = queries::latest_seq(tenant.tx()).await?;
    let since = query.since.unwrap_or(0);
    if since != 0 && !queries::can_replay_from(tenant.tx(), since, latest).await? {
        return Err(ApiError::Gone {
            code: "resync_required",
            detail: "events after this seq are no longer kept; reload and resume from the latest seq",
        });
    }
    let events = queries::events_after(tenant.tx(), since, latest, limit).await?;
    tenant.end_read();
    Ok(Json(events))
}
