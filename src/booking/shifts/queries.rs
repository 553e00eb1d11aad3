//! Shift SQL, inside the tenant transaction.

use uuid::Uuid;

use super::model::{Draft, Shift, shift_columns};
use crate::{
    db::{self, TenantTx, statements},
    error::{ApiError, ApiResult, on_constraint},
};

statements! {
    SELECT_SHIFTS = concat!("select ", shift_columns!(), " from shifts order by start_time, name, id");
    SELECT_SHIFT = concat!("select ", shift_columns!(), " from shifts where id = $1");
    LOCK_SHIFT = concat!("select ", shift_columns!(), " from shifts where id = $1 for update");
    /// The restaurant's row, held until commit so that its shift writes
    /// check for overlaps one at a time. `no key update`: inserts that
    /// reference the restaurant (holding `key share`) are not held up.
    LOCK_RESTAURANT = "select 1 from restaurants where id = $1 for no key update";
    INSERT_SHIFT = concat!(
        "insert into shifts (restaurant_id, name, days_of_week, start_time, last_seating_time, end_time,
             slot_minutes, covers_per_slot, online_covers_per_slot, min_notice_minutes, max_advance_days)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         returning ", shift_columns!()
    );
    UPDATE_SHIFT = concat!(
        "update shifts set name = $2, days_of_week = $3, start_time = $4, last_seating_time = $5,
             end_time = $6, slot_minutes = $7, covers_per_slot = $8, online_covers_per_slot = $9,
             min_notice_minutes = $10, max_advance_days = $11, version = version + 1, updated_at = now()
         where id = $1
         returning ", shift_columns!()
    );
    DELETE_SHIFT = "delete from shifts where id = $1";
}

const UNIQUE_NAME: &str = "shifts_restaurant_id_name_key";

fn duplicate_name() -> ApiError {
    ApiError::conflict(
        "duplicate_shift_name",
        "another shift already has this name",
    )
}

pub async fn select_shifts(tx: &mut TenantTx) -> ApiResult<Vec<Shift>> {
    Ok(db::query_as(SELECT_SHIFTS).fetch_all(tx.conn()).await?)
}

/// The shift, locked until commit when `lock` (a write's).
pub async fn select_shift(tx: &mut TenantTx, id: Uuid, lock: bool) -> ApiResult<Shift> {
    let statement = if lock { LOCK_SHIFT } else { SELECT_SHIFT };
    db::query_as(statement)
        .bind(id)
        .fetch_optional(tx.conn())
        .await?
        .ok_or(ApiError::NotFound("shift"))
}

/// Waits for the restaurant's other shift writes to commit (see `LOCK_RESTAURANT`).
pub async fn lock_restaurant(tx: &mut TenantTx) -> ApiResult<()> {
    let restaurant_id = tx.restaurant_id();
    db::query(LOCK_RESTAURANT)
        .bind(restaurant_id)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Inserts a shift (`key` is the restaurant) or replaces one (`key` is the shift).
async fn write(
    tx: &mut TenantTx,
    statement: &'static str,
    key: Uuid,
    draft: &Draft,
) -> ApiResult<Shift> {
    db::query_as(statement)
        .bind(key)
        .bind(&draft.name)
        .bind(&draft.days_of_week)
        .bind(draft.start_time)
        .bind(draft.last_seating_time)
        .bind(draft.end_time)
        .bind(draft.slot_minutes)
        .bind(draft.covers_per_slot)
        .bind(draft.online_covers_per_slot)
        .bind(draft.min_notice_minutes)
        .bind(draft.max_advance_days)
        .fetch_one(tx.conn())
        .await
        .map_err(on_constraint(UNIQUE_NAME, duplicate_name))
}

pub async fn insert_shift(tx: &mut TenantTx, draft: &Draft) -> ApiResult<Shift> {
    let restaurant_id = tx.restaurant_id();
    write(tx, INSERT_SHIFT, restaurant_id, draft).await
}

pub async fn update_shift(tx: &mut TenantTx, id: Uuid, draft: &Draft) -> ApiResult<Shift> {
    write(tx, UPDATE_SHIFT, id, draft).await
}

pub async fn delete_shift(tx: &mut TenantTx, id: Uuid) -> ApiResult<()> {
    db::query(DELETE_SHIFT).bind(id).execute(tx.conn()).await?;
    Ok(())
}
