//! Restaurant SQL. Row-level security shows each tenant only its own row.

use super::model::{Restaurant, UpdateRestaurant};
use crate::{
    db::{self, TenantTx, statements},
    error::{ApiError, ApiResult},
};

statements! {
    SELECT_RESTAURANT = "select * from restaurants where id = $1";
    /// The given fields, only at `$5`'s version when one is given.
    UPDATE_RESTAURANT = "update restaurants set
             name = coalesce($2, name),
             timezone = coalesce($3, timezone),
             settings = coalesce($4, settings),
             default_region = coalesce($6, default_region),
             version = version + 1,
             updated_at = now()
         where id = $1 and ($5::int is null or version = $5)
         returning *";
}

pub async fn select_restaurant(tx: &mut TenantTx) -> ApiResult<Restaurant> {
    let id = tx.restaurant_id();
    db::query_as(SELECT_RESTAURANT)
        .bind(id)
        .fetch_optional(tx.conn())
        .await?
        .ok_or(ApiError::NotFound("restaurant"))
}

/// Applies the given fields; `None` when `expected_version` is stale.
pub async fn update_restaurant(
    tx: &mut TenantTx,
    change: &UpdateRestaurant,
    expected_version: Option<i32>,
) -> ApiResult<Option<Restaurant>> {
    let id = tx.restaurant_id();
    Ok(db::query_as(UPDATE_RESTAURANT)
        .bind(id)
        .bind(change.name.as_deref().map(str::trim))
        .bind(change.timezone.as_deref())
        .bind(change.settings.clone().map(sqlx::types::Json))
        .bind(expected_version)
        .bind(change.default_region.as_deref())
        .fetch_optional(tx.conn())
        .await?)
}
