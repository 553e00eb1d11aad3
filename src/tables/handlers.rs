//! The floor plan: every role reads it and changes table status; owners and
//! managers create, move and delete tables.

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
    model::{
        CreateTable, Table, TableStatus, UpdateTable, validate_capacity, validate_section,
        validate_table_number,
    },
    queries,
};
use crate::{
    error::{ApiError, ApiResult, ErrorBody, FieldError},
    floor,
    http::{AppJson, AppPath, Idempotent, IfMatch, RestaurantId, Tagged},
    journal::{journal, journal_delete},
    state::AppState,
    tenant::{AuthUser, Tenant},
};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct TablePath {
    restaurant_id: Uuid,
    table_id: Uuid,
}

/// All tables, in the natural order of `tableNumber` (A2 before A10).
#[utoipa::path(get, path = "/restaurants/{restaurant_id}/tables", tag = "tables", security(("bearer" = [])),
    params(RestaurantId),
    responses((status = 200, body = [Table])))]
pub async fn list_tables(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(RestaurantId(restaurant_id)): AppPath<RestaurantId>,
) -> ApiResult<Json<Vec<Table>>> {
    let mut tenant = user.open(&state, restaurant_id).await?;
    let tables = queries::select_tables(tenant.tx()).await?;
    tenant.end_read();
    Ok(Json(tables))
}

/// One table.
#[utoipa::path(get, path = "/restaurants/{restaurant_id}/tables/{table_id}", tag = "tables", security(("bearer" = [])),
    params(TablePath),
    responses((status = 200, body = Table), (status = 404, body = ErrorBody)))]
pub async fn get_table(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(path): AppPath<TablePath>,
) -> ApiResult<Tagged<Table>> {
    let mut tenant = user.open(&state, path.restaurant_id).await?;
    let table = queries::select_table(tenant.tx(), path.table_id).await?;
    tenant.end_read();
    Ok(Tagged::ok(table))
}

fn validate_create(table: &CreateTable) -> Result<(), FieldError> {
    validate_table_number(&table.table_number)?;
    validate_capacity(table.capacity)?;
    if let Some(position) = &table.position {
        position.validate()?;
    }
    if let Some(section) = &table.section {
        validate_section(section)?;
    }
    if table.status == Some(TableStatus::Occupied) {
        return Err(FieldError::body(
            "status",
            "a new table cannot be occupied; seat a party instead",
            "value_error",
        ));
    }
    Ok(())
}

/// Adds a table to the floor plan (owner or manager). Honours `Idempotency-Key`.
#[utoipa::path(post, path = "/restaurants/{restaurant_id}/tables", tag = "tables", security(("bearer" = [])),
    params(RestaurantId, ("Idempotency-Key" = Option<String>, Header)), request_body = CreateTable,
    responses((status = 201, body = Table), (status = 409, body = ErrorBody)))]
pub async fn create_table(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(RestaurantId(restaurant_id)): AppPath<RestaurantId>,
    request: Idempotent<CreateTable>,
) -> ApiResult<Response> {
    validate_create(&request.body)?;
    let mut tenant = user.open(&state, restaurant_id).await?;
    tenant.require_manager()?;
    if let Some(replay) = request.replay(tenant.tx()).await? {
        return Ok(replay);
    }
    let table = queries::insert_table(tenant.tx(), &request.body).await?;
    journal(&mut tenant, "table.create", None, &table).await?;
    let answer = Tagged::created(table);
    request.remember(tenant.tx(), &answer).await?;
    tenant.commit(&state).await?;
    Ok(answer.into_response())
}

pub fn validate_update(change: &UpdateTable) -> Result<(), FieldError> {
    if let Some(number) = &change.table_number {
        validate_table_number(number)?;
    }
    if let Some(capacity) = change.capacity {
        validate_capacity(capacity)?;
    }
    if let Some(position) = &change.position {
        position.validate()?;
    }
    if let Some(section) = &change.section {
        validate_section(section)?;
    }
    Ok(())
}

/// Changes a table: any subset of fields. `status: "occupied"` with
/// `currentGuestId` seats that reservation here; `status: "available"` on an
/// occupied table finishes its party. Moving or renaming needs owner or manager.
#[utoipa::path(put, path = "/restaurants/{restaurant_id}/tables/{table_id}", tag = "tables", security(("bearer" = [])),
    params(TablePath), request_body = UpdateTable,
    responses((status = 200, body = Table), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 412, body = ErrorBody)))]
pub async fn update_table(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(path): AppPath<TablePath>,
    if_match: IfMatch,
    AppJson(change): AppJson<UpdateTable>,
) -> ApiResult<Tagged<Table>> {
    validate_update(&change)?;
    let mut tenant = user.open(&state, path.restaurant_id).await?;
    let before = floor::lock_table(&mut tenant, path.table_id).await?;
    if_match.check(&before)?;
    let table = apply(&mut tenant, &before, &change).await?;
    tenant.commit(&state).await?;
    Ok(Tagged::ok(table))
}

/// Applies `change` (checked by `validate_update`) to the locked table
/// `before` in the caller's transaction: seats or finishes a party through
/// `floor`, edits the floor plan (owner or manager), journals. Every
/// surface that changes a table comes here.
pub async fn apply(tenant: &mut Tenant, before: &Table, change: &UpdateTable) -> ApiResult<Table> {
    if change.edits_floor_plan() {
        tenant.require_manager()?;
    }
    let plain_status = floor::change_party(tenant, before, change).await?;
    if change.edits_floor_plan() || plain_status.is_some() {
        let table = queries::update_table(tenant.tx(), before.id, change, plain_status).await?;
        journal(tenant, "table.update", Some(before), &table).await?;
        Ok(table)
    } else {
        // Seating or finishing already recorded the table's new state.
        queries::select_table(tenant.tx(), before.id).await
    }
}

/// Every table, in natural order, in the caller's transaction.
pub async fn all(tenant: &mut Tenant) -> ApiResult<Vec<Table>> {
    queries::select_tables(tenant.tx()).await
}

/// Removes a table (owner or manager); 409 while a party is seated at it.
#[utoipa::path(delete, path = "/restaurants/{restaurant_id}/tables/{table_id}", tag = "tables", security(("bearer" = [])),
    params(TablePath),
    responses((status = 204, description = "Deleted"), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 412, body = ErrorBody)))]
pub async fn delete_table(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(path): AppPath<TablePath>,
    if_match: IfMatch,
) -> ApiResult<StatusCode> {
    let mut tenant = user.open(&state, path.restaurant_id).await?;
    tenant.require_manager()?;
    let table = floor::lock_table(&mut tenant, path.table_id).await?;
    if_match.check(&table)?;
    if table.current_guest_id.is_some() {
        return Err(ApiError::conflict(
            "table_in_use",
            "a party is seated at this table",
        ));
    }
    floor::unassign_table(&mut tenant, table.id).await?;
    queries::delete_table(tenant.tx(), table.id).await?;
    journal_delete(&mut tenant, "table.delete", &table).await?;
    tenant.commit(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}
