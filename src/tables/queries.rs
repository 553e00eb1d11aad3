//! Table SQL, all inside the tenant transaction. Seating's statements (lock,
//! take, free a table) live in `floor`.

use uuid::Uuid;

use super::model::{
    CreateTable, Position, Table, TableStatus, UpdateTable, natural_cmp, table_columns,
};
use crate::{
    db::{self, TenantTx, statements},
    error::{ApiError, ApiResult, on_constraint},
};

statements! {
    SELECT_TABLES = concat!("select ", table_columns!(), " from dining_tables");
    SELECT_TABLE = concat!("select ", table_columns!(), " from dining_tables where id = $1");
    INSERT_TABLE = concat!(
        "insert into dining_tables (restaurant_id, table_number, capacity, position_x, position_y, shape, section, status)
         values ($1, $2, $3, $4, $5, coalesce($6, 'square'::table_shape), $7, coalesce($8, 'available'::table_status))
         returning ", table_columns!()
    );
    /// Floor-plan fields and, when given, a plain status (no party involved).
    UPDATE_TABLE = concat!(
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
         returning ", table_columns!()
    );
    DELETE_TABLE = "delete from dining_tables where id = $1";
}

fn duplicate_number() -> ApiError {
    ApiError::conflict(
        "duplicate_table_number",
        "another table already has this tableNumber",
    )
}

const UNIQUE_NUMBER: &str = "dining_tables_restaurant_id_table_number_key";

/// Every table, in the natural order of `tableNumber` (A2 before A10).
pub async fn select_tables(tx: &mut TenantTx) -> ApiResult<Vec<Table>> {
    let mut tables: Vec<Table> = db::query_as(SELECT_TABLES).fetch_all(tx.conn()).await?;
    tables.sort_by(|a, b| natural_cmp(&a.table_number, &b.table_number).then(a.id.cmp(&b.id)));
    Ok(tables)
}

pub async fn select_table(tx: &mut TenantTx, id: Uuid) -> ApiResult<Table> {
    db::query_as(SELECT_TABLE)
        .bind(id)
        .fetch_optional(tx.conn())
        .await?
        .ok_or(ApiError::NotFound("table"))
}

pub async fn insert_table(tx: &mut TenantTx, table: &CreateTable) -> ApiResult<Table> {
    let restaurant_id = tx.restaurant_id();
    let position = table.position.unwrap_or(Position { x: 0.0, y: 0.0 });
    db::query_as(INSERT_TABLE)
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
        .map_err(on_constraint(UNIQUE_NUMBER, duplicate_number))
}

/// Applies floor-plan fields and, when given, a plain status (no party involved).
pub async fn update_table(
    tx: &mut TenantTx,
    id: Uuid,
    change: &UpdateTable,
    status: Option<TableStatus>,
) -> ApiResult<Table> {
    db::query_as(UPDATE_TABLE)
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
        .map_err(on_constraint(UNIQUE_NUMBER, duplicate_number))
}

pub async fn delete_table(tx: &mut TenantTx, id: Uuid) -> ApiResult<()> {
    db::query(DELETE_TABLE).bind(id).execute(tx.conn()).await?;
    Ok(())
}
