//! Holds, their table blocks and manage tokens, inside the tenant transaction.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{
    db::{self, TenantTx, statements},
    error::{ApiError, ApiResult, on_constraint},
};

statements! {
    INSERT_HOLD = "insert into holds (restaurant_id, party_size, starts_at, ends_at, expires_at, table_ids, combination_id)
         values ($1, $2, $3, $4, now() + make_interval(mins => $5), $6, $7)
         returning id, expires_at";
    /// The hold's tables, each blocked for its turn while it lives.
    BLOCK_FOR_HOLD = "insert into table_blocks (restaurant_id, table_id, during, live, hold_id)
         select h.restaurant_id, member, tstzrange(h.starts_at, h.ends_at), tstzrange(now(), h.expires_at), h.id
         from holds h, unnest(h.table_ids) as member
         where h.id = $1";
    LOCK_HOLD = "select id, party_size, starts_at, table_ids, combination_id, reservation_id,
             expires_at <= now() as expired
         from holds where id = $1 for update";
    RELEASE_HOLD = "delete from table_blocks where hold_id = $1";
    MARK_CONFIRMED = "update holds set reservation_id = $2 where id = $1";
    INSERT_MANAGE_TOKEN = "insert into manage_tokens (reservation_id, restaurant_id, token_hash) values ($1, $2, $3)";
}

/// A hold as its confirmation reads it.
#[derive(Debug, sqlx::FromRow)]
pub struct LockedHold {
    pub id: Uuid,
    pub party_size: i32,
    pub starts_at: DateTime<Utc>,
    pub table_ids: Vec<Uuid>,
    pub combination_id: Option<Uuid>,
    pub reservation_id: Option<Uuid>,
    pub expired: bool,
}

/// What a new hold keeps.
pub struct NewHold<'a> {
    pub party_size: i32,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub minutes: i32,
    pub table_ids: &'a [Uuid],
    pub combination_id: Option<Uuid>,
}

pub fn slot_taken() -> ApiError {
    ApiError::conflict(
        "slot_unavailable",
        "that time is no longer available for this party",
    )
}

/// Stores the hold and blocks its tables: the blocks' exclusion constraint
/// has the last word on a table taken meanwhile.
pub async fn insert_hold(
    tx: &mut TenantTx,
    hold: &NewHold<'_>,
) -> ApiResult<(Uuid, DateTime<Utc>)> {
    let restaurant_id = tx.restaurant_id();
    let (id, expires_at): (Uuid, DateTime<Utc>) = db::query_as(INSERT_HOLD)
        .bind(restaurant_id)
        .bind(hold.party_size)
        .bind(hold.starts_at)
        .bind(hold.ends_at)
        .bind(hold.minutes)
        .bind(hold.table_ids)
        .bind(hold.combination_id)
        .fetch_one(tx.conn())
        .await?;
    db::query(BLOCK_FOR_HOLD)
        .bind(id)
        .execute(tx.conn())
        .await
        .map_err(on_constraint("table_blocks_no_overlap", slot_taken))?;
    Ok((id, expires_at))
}

pub async fn lock_hold(tx: &mut TenantTx, id: Uuid) -> ApiResult<LockedHold> {
    db::query_as(LOCK_HOLD)
        .bind(id)
        .fetch_optional(tx.conn())
        .await?
        .ok_or(ApiError::NotFound("hold"))
}

/// The hold stops blocking its tables: its reservation is about to.
pub async fn release_hold(tx: &mut TenantTx, id: Uuid) -> ApiResult<()> {
    db::query(RELEASE_HOLD).bind(id).execute(tx.conn()).await?;
    Ok(())
}

pub async fn mark_confirmed(tx: &mut TenantTx, hold: Uuid, reservation: Uuid) -> ApiResult<()> {
    db::query(MARK_CONFIRMED)
        .bind(hold)
        .bind(reservation)
        .execute(tx.conn())
        .await?;
    Ok(())
}

pub async fn insert_manage_token(
    tx: &mut TenantTx,
    reservation: Uuid,
    hash: &[u8],
) -> ApiResult<()> {
    let restaurant_id = tx.restaurant_id();
    db::query(INSERT_MANAGE_TOKEN)
        .bind(reservation)
        .bind(restaurant_id)
        .bind(hash)
        .execute(tx.conn())
        .await?;
    Ok(())
}
