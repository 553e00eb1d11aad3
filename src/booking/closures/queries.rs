//! Closure SQL, inside the tenant transaction.

use super::model::Closure;
use crate::{
    db::{self, TenantTx, statements},
    error::{ApiError, ApiResult, on_constraint},
    http::local::LocalDate,
};

statements! {
    SELECT_CLOSURES = "select restaurant_id, day, reason from closures
         where ($1::date is null or day >= $1) and ($2::date is null or day <= $2)
         order by day";
    INSERT_CLOSURE = "insert into closures (restaurant_id, day, reason) values ($1, $2, $3)
         returning restaurant_id, day, reason";
    DELETE_CLOSURE = "delete from closures where day = $1 returning restaurant_id, day, reason";
}

fn closure_exists() -> ApiError {
    ApiError::conflict(
        "closure_exists",
        "the restaurant is already closed on this day",
    )
}

pub async fn select_closures(
    tx: &mut TenantTx,
    (from, to): (Option<LocalDate>, Option<LocalDate>),
) -> ApiResult<Vec<Closure>> {
    Ok(db::query_as(SELECT_CLOSURES)
        .bind(from)
        .bind(to)
        .fetch_all(tx.conn())
        .await?)
}

pub async fn insert_closure(
    tx: &mut TenantTx,
    date: LocalDate,
    reason: &str,
) -> ApiResult<Closure> {
    let restaurant_id = tx.restaurant_id();
    db::query_as(INSERT_CLOSURE)
        .bind(restaurant_id)
        .bind(date)
        .bind(reason)
        .fetch_one(tx.conn())
        .await
        .map_err(on_constraint("closures_pkey", closure_exists))
}

/// The closure deleted; 404 when the day was not closed.
pub async fn delete_closure(tx: &mut TenantTx, date: LocalDate) -> ApiResult<Closure> {
    db::query_as(DELETE_CLOSURE)
        .bind(date)
        .fetch_optional(tx.conn())
        .await?
        .ok_or(ApiError::NotFound("closure"))
}
