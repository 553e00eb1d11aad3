//! Combination SQL, inside the tenant transaction.

use uuid::Uuid;

use super::model::{Combination, combination_columns};
use crate::{
    db::{self, TenantTx, statements},
    error::{ApiError, ApiResult, on_constraint},
};

statements! {
    SELECT_COMBINATIONS = concat!("select ", combination_columns!(), " from table_combinations order by name, id");
    LOCK_COMBINATION = concat!("select ", combination_columns!(), " from table_combinations where id = $1 for update");
    /// The numbers and capacities of the given tables that exist.
    SELECT_MEMBERS = "select id, table_number, capacity from dining_tables where id = any($1)";
    INSERT_COMBINATION = concat!(
        "insert into table_combinations (restaurant_id, name, table_ids, min_capacity, max_capacity)
         values ($1, $2, $3, $4, $5)
         returning ", combination_columns!()
    );
    UPDATE_COMBINATION = concat!(
        "update table_combinations set name = $2, table_ids = $3, min_capacity = $4, max_capacity = $5,
             version = version + 1, updated_at = now()
         where id = $1
         returning ", combination_columns!()
    );
    DELETE_COMBINATION = "delete from table_combinations where id = $1";
    /// Whether a party sits at the combination now.
    COMBINATION_IN_USE = "select exists (select 1 from reservations where assigned_combination_id = $1 and status = 'seated')";
    DELETE_COMBINATIONS_WITH_TABLE = concat!(
        "delete from table_combinations where $1 = any(table_ids) returning ", combination_columns!()
    );
}

fn duplicate_name() -> ApiError {
    ApiError::conflict(
        "duplicate_combination_name",
        "another table combination already has this name",
    )
}

const UNIQUE_NAME: &str = "table_combinations_restaurant_id_name_key";

/// A combination to store: name, members in natural order, capacities.
pub struct Stored<'a> {
    pub name: &'a str,
    pub table_ids: &'a [Uuid],
    pub min_capacity: i32,
    pub max_capacity: i32,
}

pub async fn select_combinations(tx: &mut TenantTx) -> ApiResult<Vec<Combination>> {
    Ok(db::query_as(SELECT_COMBINATIONS)
        .fetch_all(tx.conn())
        .await?)
}

pub async fn lock_combination(tx: &mut TenantTx, id: Uuid) -> ApiResult<Combination> {
    db::query_as(LOCK_COMBINATION)
        .bind(id)
        .fetch_optional(tx.conn())
        .await?
        .ok_or(ApiError::NotFound("table combination"))
}

/// `(id, tableNumber, capacity)` of each given table that exists here.
pub async fn select_members(
    tx: &mut TenantTx,
    ids: &[Uuid],
) -> ApiResult<Vec<(Uuid, String, i32)>> {
    Ok(db::query_as(SELECT_MEMBERS)
        .bind(ids)
        .fetch_all(tx.conn())
        .await?)
}

pub async fn insert_combination(tx: &mut TenantTx, new: &Stored<'_>) -> ApiResult<Combination> {
    let restaurant_id = tx.restaurant_id();
    db::query_as(INSERT_COMBINATION)
        .bind(restaurant_id)
        .bind(new.name)
        .bind(new.table_ids)
        .bind(new.min_capacity)
        .bind(new.max_capacity)
        .fetch_one(tx.conn())
        .await
        .map_err(on_constraint(UNIQUE_NAME, duplicate_name))
}

pub async fn update_combination(
    tx: &mut TenantTx,
    id: Uuid,
    change: &Stored<'_>,
) -> ApiResult<Combination> {
    db::query_as(UPDATE_COMBINATION)
        .bind(id)
        .bind(change.name)
        .bind(change.table_ids)
        .bind(change.min_capacity)
        .bind(change.max_capacity)
        .fetch_one(tx.conn())
        .await
        .map_err(on_constraint(UNIQUE_NAME, duplicate_name))
}

pub async fn delete_combination(tx: &mut TenantTx, id: Uuid) -> ApiResult<()> {
    db::query(DELETE_COMBINATION)
        .bind(id)
        .execute(tx.conn())
        .await?;
    Ok(())
}

pub async fn combination_in_use(tx: &mut TenantTx, id: Uuid) -> ApiResult<bool> {
    Ok(db::query_scalar(COMBINATION_IN_USE)
        .bind(id)
        .fetch_one(tx.conn())
        .await?)
}

/// Deletes every combination the table belongs to; returns them.
pub async fn delete_combinations_with_table(
    tx: &mut TenantTx,
    table_id: Uuid,
) -> ApiResult<Vec<Combination>> {
    Ok(db::query_as(DELETE_COMBINATIONS_WITH_TABLE)
        .bind(table_id)
        .fetch_all(tx.conn())
        .await?)
}
