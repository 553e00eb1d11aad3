//! Seating's SQL: locking, taking and freeing tables, and the reservation
//! writes that go with them, all inside the tenant transaction.

use uuid::Uuid;

use crate::{
    db::{TenantTx, statements},
    error::{ApiError, ApiResult, on_constraint},
    reservations::{
        lifecycle::Effects,
        model::{
            GUEST_PROFILE_KEY, Reservation, ReservationStatus, UpdateReservation,
            guest_profile_gone, reservation_columns,
        },
    },
    tables::model::{Table, table_columns},
};

statements! {
    LOCK_TABLE = concat!("select ", table_columns!(), " from dining_tables where id = $1 for update");
    LOCK_TABLE_OF_GUEST = concat!(
        "select ", table_columns!(), " from dining_tables where current_guest_id = $1 for update"
    );
    /// Seats `$2` at the table (occupied), or with null frees it (available).
    SET_GUEST = concat!(
        "update dining_tables set
             current_guest_id = $2,
             status = case when $2::uuid is null then 'available'::table_status else 'occupied'::table_status end,
             version = version + 1,
             updated_at = now()
         where id = $1
         returning ", table_columns!()
    );
    LOCK_RESERVATION = concat!("select ", reservation_columns!(), " from reservations where id = $1 for update");
    /// The given fields and, when given, a status change with its timestamps.
    UPDATE_RESERVATION = concat!(
        "update reservations set
             guest_name = coalesce($2, guest_name),
             party_size = coalesce($3, party_size),
             reservation_time = coalesce($4, reservation_time),
             contact_info = coalesce($5, contact_info),
             notes = coalesce($6, notes),
             assigned_table_id = coalesce($7, assigned_table_id),
             status = coalesce($8, status),
             check_in_time = case when $9 then coalesce(check_in_time, now()) else check_in_time end,
             seated_time = case when $10 then now() else seated_time end,
             finished_time = case when $11 then now() when $12 then null else finished_time end,
             guest_profile_id = coalesce($13, guest_profile_id),
             version = version + 1,
             updated_at = now()
         where id = $1
         returning ", reservation_columns!()
    );
    UNASSIGN_TABLE = concat!(
        "update reservations set assigned_table_id = null, version = version + 1, updated_at = now()
         where assigned_table_id = $1
         returning ", reservation_columns!()
    );
}

/// The database's own backstop against double seating: whichever unique
/// index a racing writer trips, the answer is the one the row lock gives.
fn table_occupied() -> ApiError {
    ApiError::conflict(
        "table_occupied",
        "the table is already occupied by another party",
    )
}

/// The table, locked until commit: seating decisions about it are serialised.
pub async fn lock_table(tx: &mut TenantTx, id: Uuid) -> ApiResult<Option<Table>> {
    Ok(sqlx::query_as(LOCK_TABLE)
        .bind(id)
        .fetch_optional(tx.conn())
        .await?)
}

/// The table `guest` is seated at, locked, if any.
pub async fn lock_table_of_guest(tx: &mut TenantTx, guest: Uuid) -> ApiResult<Option<Table>> {
    Ok(sqlx::query_as(LOCK_TABLE_OF_GUEST)
        .bind(guest)
        .fetch_optional(tx.conn())
        .await?)
}

pub async fn set_guest(tx: &mut TenantTx, id: Uuid, guest: Option<Uuid>) -> ApiResult<Table> {
    sqlx::query_as(SET_GUEST)
        .bind(id)
        .bind(guest)
        .fetch_one(tx.conn())
        .await
        .map_err(on_constraint(
            "dining_tables_current_guest_key",
            table_occupied,
        ))
}

/// The reservation, locked until commit.
pub async fn lock_reservation(tx: &mut TenantTx, id: Uuid) -> ApiResult<Option<Reservation>> {
    Ok(sqlx::query_as(LOCK_RESERVATION)
        .bind(id)
        .fetch_optional(tx.conn())
        .await?)
}

/// A status change as the lifecycle allowed it, and the table seating uses.
pub struct StatusUpdate {
    pub status: ReservationStatus,
    pub effects: Effects,
    pub table_id: Option<Uuid>,
}

pub async fn update_reservation(
    tx: &mut TenantTx,
    id: Uuid,
    change: &UpdateReservation,
    status: Option<&StatusUpdate>,
) -> ApiResult<Reservation> {
    let effects = status.map(|s| s.effects).unwrap_or_default();
    sqlx::query_as(UPDATE_RESERVATION)
        .bind(id)
        .bind(change.guest_name.as_deref().map(str::trim))
        .bind(change.party_size)
        .bind(change.reservation_time)
        .bind(change.contact_info.as_deref())
        .bind(change.notes.as_deref())
        .bind(status.and_then(|s| s.table_id).or(change.assigned_table_id))
        .bind(status.map(|s| s.status))
        .bind(effects.set_check_in)
        .bind(effects.seat)
        .bind(effects.finish)
        .bind(effects.reopen)
        .bind(change.guest_profile_id)
        .fetch_one(tx.conn())
        .await
        .map_err(
            |error| match error.as_database_error().and_then(|e| e.constraint()) {
                Some("reservations_one_seated_per_table") => table_occupied(),
                Some(GUEST_PROFILE_KEY) => guest_profile_gone(),
                _ => error.into(),
            },
        )
}

/// Clears the assignment of every reservation to a table about to be deleted.
pub async fn unassign_table(tx: &mut TenantTx, table_id: Uuid) -> ApiResult<Vec<Reservation>> {
    Ok(sqlx::query_as(UNASSIGN_TABLE)
        .bind(table_id)
        .fetch_all(tx.conn())
        .await?)
}
