//! `GET /restaurants/{id}/activity`.

use axum::{Json, extract::State};
use uuid::Uuid;

use super::{
    model::{ActivityEntry, ActivityQuery},
    queries,
};
use crate::{
    error::{ApiResult, ErrorBody, ValidationErrorBody},
    http::{AppPath, AppQuery},
    state::AppState,
    tenant::AuthUser,
};

/// The activity log, newest first (owner or manager). Page with `before`.
#[utoipa::path(get, path = "/restaurants/{restaurant_id}/activity", tag = "activity", security(("bearer" = [])),
    params(("restaurant_id" = Uuid, Path), ActivityQuery),
    responses((status = 200, body = [ActivityEntry]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ValidationErrorBody)))]
pub async fn list_activity(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(restaurant_id): AppPath<Uuid>,
    AppQuery(query): AppQuery<ActivityQuery>,
) -> ApiResult<Json<Vec<ActivityEntry>>> {
    let mut tenant = user.open(&state, restaurant_id).await?;
    tenant.require_manager()?;
    let entries = queries::select_activity(tenant.tx(), &query).await?;
    tenant.end_read();
    Ok(Json(entries))
}
