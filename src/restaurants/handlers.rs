//! The restaurant itself: every role reads it, owners and managers change it.

use axum::extract::State;

use super::{
    model::{Restaurant, UpdateRestaurant},
    queries,
};
use crate::{
    error::{ApiError, ApiResult, ErrorBody},
    http::{AppJson, AppPath, IfMatch, RestaurantId, Tagged, validate},
    journal::journal,
    state::AppState,
    tenant::AuthUser,
};

const MAX_SETTINGS_BYTES: usize = 16 * 1024;

/// The restaurant's name, time zone and settings.
#[utoipa::path(get, path = "/restaurants/{restaurant_id}", tag = "restaurants", security(("bearer" = [])),
    params(RestaurantId),
    responses((status = 200, body = Restaurant)))]
pub async fn get_restaurant(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(RestaurantId(restaurant_id)): AppPath<RestaurantId>,
) -> ApiResult<Tagged<Restaurant>> {
    let mut tenant = user.open(&state, restaurant_id).await?;
    let restaurant = queries::select_restaurant(tenant.tx()).await?;
    tenant.end_read();
    Ok(Tagged::ok(restaurant))
}

/// Changes name, time zone or settings (owner or manager).
#[utoipa::path(put, path = "/restaurants/{restaurant_id}", tag = "restaurants", security(("bearer" = [])),
    params(RestaurantId), request_body = UpdateRestaurant,
    responses((status = 200, body = Restaurant), (status = 412, body = ErrorBody)))]
pub async fn update_restaurant(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(RestaurantId(restaurant_id)): AppPath<RestaurantId>,
    if_match: IfMatch,
    AppJson(change): AppJson<UpdateRestaurant>,
) -> ApiResult<Tagged<Restaurant>> {
    if let Some(name) = &change.name {
        validate::name("name", name, 1, 200)?;
    }
    if let Some(region) = &change.default_region {
        validate::region("defaultRegion", region)?;
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
