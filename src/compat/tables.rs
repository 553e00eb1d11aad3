//! `…/tables/{tid}/clear` and `…/tables/bulk`, through `tables::apply`, so
//! finishing the party and freeing its tables are the native API's.

use axum::{Json, extract::State};
use serde::Deserialize;
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{
    clock,
    guests::read,
    model::{Cleared, CompatTable},
};
use crate::{
    error::{ApiResult, ErrorBody},
    floor,
    http::{AppJson, AppPath, RestaurantId},
    state::AppState,
    tables::{
        self,
        model::{TableStatus, UpdateTable},
    },
    tenant::AuthUser,
};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct TablePath {
    restaurant_id: Uuid,
    table_id: Uuid,
}

/// The table becomes `available` with nobody at it; the party seated there,
/// if any, is finished.
#[utoipa::path(put, path = "/restaurants/{restaurant_id}/tables/{table_id}/clear", tag = "compat",
    security(("bearer" = [])), params(TablePath),
    responses((status = 200, body = Cleared), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn clear_table(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(path): AppPath<TablePath>,
) -> ApiResult<Json<Cleared>> {
    let mut tenant = user.open(&state, path.restaurant_id).await?;
    let before = floor::lock_table(&mut tenant, path.table_id).await?;
    let free = UpdateTable {
        status: Some(TableStatus::Available),
        ..UpdateTable::default()
    };
    let table = tables::apply(&mut tenant, &before, &free).await?;
    let guest = match before.current_guest_id {
        Some(id) => Some(finished(read(&mut tenant, &state, id).await?, table.id)),
        None => None,
    };
    tenant.commit(&state).await?;
    let (success, message) = (true, "Table cleared successfully");
    let table = CompatTable::of(&table, clock(&state));
    Ok(Json(Cleared {
        success,
        message,
        table,
        guest,
    }))
}

/// The same as `PUT`, which the app's documents named.
#[utoipa::path(post, path = "/restaurants/{restaurant_id}/tables/{table_id}/clear", tag = "compat",
    security(("bearer" = [])), params(TablePath),
    responses((status = 200, body = Cleared), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn clear_table_by_post(
    state: State<AppState>,
    user: AuthUser,
    path: AppPath<TablePath>,
) -> ApiResult<Json<Cleared>> {
    clear_table(state, user, path).await
}

/// The finished guest as Python's clear answered it: lowercase `finished`
/// and the table it sat at, beside the rest of the GuestResponse.
fn finished(guest: super::model::GuestResponse, table_id: Uuid) -> Value {
    let mut value = serde_json::to_value(guest).expect("wire types serialise");
    value["status"] = "finished".into();
    value["assignedTableId"] = table_id.to_string().into();
    value
}

/// A table's change in a bulk update: its id and any table fields.
#[derive(Debug, Deserialize, ToSchema)]
pub struct BulkTable {
    pub id: Uuid,
    #[serde(flatten)]
    pub change: UpdateTable,
}

/// Applies every update in one transaction (all or none), as `PUT …/tables/{id}` does each.
#[utoipa::path(post, path = "/restaurants/{restaurant_id}/tables/bulk", tag = "compat",
    security(("bearer" = [])), params(RestaurantId), request_body = [BulkTable],
    responses((status = 200, body = [CompatTable]), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn bulk_tables(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(RestaurantId(restaurant_id)): AppPath<RestaurantId>,
    AppJson(items): AppJson<Vec<BulkTable>>,
) -> ApiResult<Json<Vec<CompatTable>>> {
    for item in &items {
        tables::validate_update(&item.change)?;
    }
    let mut tenant = user.open(&state, restaurant_id).await?;
    let mut changed = Vec::with_capacity(items.len());
    for item in &items {
        let before = floor::lock_table(&mut tenant, item.id).await?;
        changed.push(tables::apply(&mut tenant, &before, &item.change).await?);
    }
    tenant.commit(&state).await?;
    let clock = clock(&state);
    Ok(Json(
        changed.iter().map(|t| CompatTable::of(t, clock)).collect(),
    ))
}
