//! The restaurant itself: every role reads it, owners and managers change it.

use axum::extract::State;
use uuid::Uuid;

use super::{
    model::{Restaurant, UpdateRestaurant},
    queries,
};
use crate::{
    error::{ApiError, ApiResult, ErrorBody, ValidationErrorBody},
    http::{AppJson, AppPath, IfMatch, Tagged, validate},
    journal::journal,
    state::AppState,
    tenant::AuthUser,
};

const MAX_SETTINGS_BYTES: usize = 16 * 1024;

/// The restaurant's name, time zone and settings.
#[utoipa::path(get, path = "/restaurants/{restaurant_id}", tag = "restaurants", security(("bearer" = [])),
    params(("restaurant_id" = Uuid, Path)),
    responses((status = 200, body = Restaurant), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn get_restaurant(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(restaurant_id): AppPath<Uuid>,
) -> ApiResult<Tagged<Restaurant>> {
    let mut tenant = user.open(&state, restaurant_id).await?;
    let restaurant = queries::select_restaurant(tenant.tx()).await?;
    tenant.end_read();
    Ok(Tagged::ok(restaurant))
}

/// Changes name, time zone or settings (owner or manager).
#[utoipa::path(put, path = "/restaurants/{restaurant_id}", tag = "restaurants", security(("bearer" = [])),
    params(("restaurant_id" = Uuid, Path)), request_body = UpdateRestaurant,
    responses((status = 200, body = Restaurant), (status = 403, body = ErrorBody),
        (status = 412, body = ErrorBody), (status = 422, body = ValidationErrorBody)))]
pub async fn update_restaurant(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(restaurant_id): AppPath<Uuid>,
    if_match: IfMatch,
    AppJson(change): AppJson<UpdateRestaurant>,
) -> ApiResult<Tagged<Restaurant>> {
    if let Some(name) = &change.name {
        validate::name("name", name, 1, 200)?;
    }
    if let Some(timezone) = &change.timezone {
        validate::timezone("timezone", timezone)?;
    }
    if let Some(settings) = &change.settings {
        validate::free_json(
            "settings",
            &serde_json::Value::Object(settings.clone()),
            MAX_SETTINGS_BYTES,
        )?;
    }
    let mut tenant = user.open(&state, restaurant_id).await?;
    tenant.require_manager()?;
    let before = queries::select_restaurant(tenant.tx()).await?;
    let restaurant = queries::update_restaurant(tenant.tx(), &change, if_match.0)
        .await?
        .ok_or(ApiError::PreconditionFailed)?;
    journal(&mut tenant, "restaurant.update", Some(&before), &restaurant).await?;
    tenant.commit(&state).await?;
    Ok(Tagged::ok(restaurant))
}
