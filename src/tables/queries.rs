//! Table SQL, all inside the tenant transaction.

use uuid::Uuid;

use super::model::{CreateTable, Table, TableStatus, UpdateTable, natural_cmp};
use crate::{
    db::{TenantTx, is_unique_violation},
    error::{ApiError, ApiResult},
};

// Composed only of constants; every value is a bound parameter. Public so
// the benchmark's pgbench floor reads exactly the columns we read.
pub const COLUMNS: &str = "id, table_number, capacity, status, position_x, position_y, shape, section, \
                       current_guest_id, updated_at, created_at, version";

fn duplicate_number(error: sqlx::Error) -> ApiError {
    if is_unique_violation(&error, "dining_tables_restaurant_id_table_number_key") {
        ApiError::conflict(
            "duplicate_table_number",
            "another table already has this tableNumber",
        )
    } else {
        error.into()
    }
}

/// Every table, in the natural order of `tableNumber` (A2 before A10).
pub async fn select_tables(tx: &mut TenantTx) -> ApiResult<Vec<Table>> {
    let sql = format!("select {COLUMNS} from dining_tables");
    let mut tables: Vec<Table> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .fetch_all(tx.conn())
        .await?;
    tables.sort_by(|a, b| natural_cmp(&a.table_number, &b.table_number).then(a.id.cmp(&b.id)));
    Ok(tables)
}

pub async fn select_table(tx: &mut TenantTx, id: Uuid) -> ApiResult<Table> {
    let sql = format!("select {COLUMNS} from dining_tables where id = $1");
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(tx.conn())
        .await?
        .ok_or(ApiError::NotFound("table"))
}

/// The table, locked until commit: seating decisions about it are serialised.
pub async fn lock_table(tx: &mut TenantTx, id: Uuid) -> ApiResult<Option<Table>> {
    let sql = format!("select {COLUMNS} from dining_tables where id = $1 for update");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(tx.conn())
        .await?)
}

pub async fn insert_table(tx: &mut TenantTx, table: &CreateTable) -> ApiResult<Table> {
    let restaurant_id = tx.restaurant_id();
    let sql = format!(
        "insert into dining_tables (restaurant_id, table_number, capacity, position_x, position_y, shape, section, status)
         values ($1, $2, $3, $4, $5, coalesce($6, 'square'::table_shape), $7, coalesce($8, 'available'::table_status))
         returning {COLUMNS}"
    );
    let position = table
        .position
        .unwrap_or(super::model::Position { x: 0.0, y: 0.0 });
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(restaurant_id)
        .bind(&table.table_number)
        .bind(table.capacity)
        .bind(position.x)
        .bind(position.y)
        .bind(table.shape)
        .bind(table.section.as_deref())
        .bind(table.status)
        .fetch_one(tx.conn())
        .await
        .map_err(duplicate_number)
}

/// Applies floor-plan fields and, when given, a plain status (no party involved).
pub async fn update_table(
    tx: &mut TenantTx,
    id: Uuid,
    change: &UpdateTable,
    status: Option<TableStatus>,
) -> ApiResult<Table> {
    let sql = format!(
        "update dining_tables set
             table_number = coalesce($2, table_number),
             capacity = coalesce($3, capacity),
             position_x = coalesce($4, position_x),
             position_y = coalesce($5, position_y),
             shape = coalesce($6, shape),
             section = coalesce($7, section),
             status = coalesce($8, status),
             version = version + 1,
             updated_at = now()
         where id = $1
         returning {COLUMNS}"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .bind(change.table_number.as_deref())
        .bind(change.capacity)
        .bind(change.position.map(|p| p.x))
        .bind(change.position.map(|p| p.y))
        .bind(change.shape)
        .bind(change.section.as_deref())
        .bind(status)
        .fetch_one(tx.conn())
        .await
        .map_err(duplicate_number)
}

/// Seats `guest` at the table (occupied), or with `None` frees it (available).
pub async fn set_guest(tx: &mut TenantTx, id: Uuid, guest: Option<Uuid>) -> ApiResult<Table> {
    let sql = format!(
        "update dining_tables set
             current_guest_id = $2,
             status = case when $2::uuid is null then 'available'::table_status else 'occupied'::table_status end,
             version = version + 1,
             updated_at = now()
         where id = $1
         returning {COLUMNS}"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .bind(guest)
        .fetch_one(tx.conn())
        .await?)
}

/// The table `guest` is seated at, locked, if any.
pub async fn lock_table_of_guest(tx: &mut TenantTx, guest: Uuid) -> ApiResult<Option<Table>> {
    let sql = format!("select {COLUMNS} from dining_tables where current_guest_id = $1 for update");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(guest)
        .fetch_optional(tx.conn())
        .await?)
}

pub async fn delete_table(tx: &mut TenantTx, id: Uuid) -> ApiResult<()> {
    sqlx::query("delete from dining_tables where id = $1")
        .bind(id)
        .execute(tx.conn())
        .await?;
    Ok(())
}
