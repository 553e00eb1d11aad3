//! Reservation SQL, all inside the tenant transaction.

use sqlx::{Postgres, QueryBuilder};
use uuid::Uuid;

use super::{
    lifecycle::Effects,
    model::{
        CreateReservation, Reservation, ReservationQuery, ReservationStatus, UpdateReservation,
    },
};
use crate::{
    db::TenantTx,
    error::{ApiError, ApiResult},
};

// Composed only of constants; every value is a bound parameter. Public so
// the benchmark's pgbench floor reads exactly the columns we read.
pub const COLUMNS: &str = "id, guest_name, party_size, status, reservation_time, check_in_time, seated_time, \
                       finished_time, assigned_table_id, contact_info, notes, created_at, updated_at, version";

/// `q` matches literally: LIKE's wildcards in it are escaped.
fn like_pattern(q: &str) -> String {
    let escaped = q
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// The filtered list, ordered by time (reservation time, or arrival for a
/// walk-in), then id.
pub async fn select_reservations(
    tx: &mut TenantTx,
    query: &ReservationQuery,
    limit: i64,
) -> ApiResult<Vec<Reservation>> {
    let mut sql = QueryBuilder::new("");
    push_list_query(&mut sql, query, limit);
    Ok(sql.build_query_as().fetch_all(tx.conn()).await?)
}

/// Appends the list's SQL to `sql` (public so a test can EXPLAIN exactly
/// this query). Only the filters given become conditions, so each
/// combination gets its own plan: an index range scan on `booked_at`.
pub fn push_list_query(sql: &mut QueryBuilder<Postgres>, query: &ReservationQuery, limit: i64) {
    // Composed only of constants; every value is a bound parameter.
    sql.push(format_args!(
        "select {COLUMNS} from reservations r where true"
    ));
    if !query.status.is_empty() {
        let statuses: Vec<&str> = query.status.iter().map(|s| s.as_str()).collect();
        sql.push(" and r.status = any(cast(")
            .push_bind(statuses)
            .push(" as reservation_status[]))");
    }
    if let Some(date) = query.date {
        // The restaurant's local midnight to the next one.
        let local = " at time zone (select timezone from restaurants)";
        sql.push(" and r.booked_at >= cast(")
            .push_bind(date)
            .push(" as timestamp)")
            .push(local)
            .push(" and r.booked_at < cast(")
            .push_bind(date)
            .push(" + 1 as timestamp)")
            .push(local);
    }
    if let Some(from) = query.from {
        sql.push(" and r.booked_at >= ").push_bind(from);
    }
    if let Some(to) = query.to {
        sql.push(" and r.booked_at < ").push_bind(to);
    }
    if let Some(q) = query.q.as_deref() {
        sql.push(" and r.guest_name ilike ")
            .push_bind(like_pattern(q));
    }
    sql.push(" order by r.booked_at, r.id limit ")
        .push_bind(limit);
}

pub async fn select_reservation(tx: &mut TenantTx, id: Uuid) -> ApiResult<Reservation> {
    let sql = format!("select {COLUMNS} from reservations where id = $1");
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(tx.conn())
        .await?
        .ok_or(ApiError::NotFound("reservation"))
}

/// The reservation, locked until commit.
pub async fn lock_reservation(tx: &mut TenantTx, id: Uuid) -> ApiResult<Option<Reservation>> {
    let sql = format!("select {COLUMNS} from reservations where id = $1 for update");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(tx.conn())
        .await?)
}

pub async fn insert_reservation(
    tx: &mut TenantTx,
    new: &CreateReservation,
    status: ReservationStatus,
) -> ApiResult<Reservation> {
    let restaurant_id = tx.restaurant_id();
    let sql = format!(
        "insert into reservations (restaurant_id, guest_name, party_size, status, reservation_time, contact_info, notes, assigned_table_id)
         values ($1, $2, $3, $4, $5, $6, $7, $8)
         returning {COLUMNS}"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(restaurant_id)
        .bind(new.guest_name.trim())
        .bind(new.party_size)
        .bind(status)
        .bind(new.reservation_time)
        .bind(new.contact_info.as_deref())
        .bind(new.notes.as_deref())
        .bind(new.assigned_table_id)
        .fetch_one(tx.conn())
        .await?)
}

/// A status change as the lifecycle allowed it, and the table seating uses.
pub struct StatusUpdate {
    pub status: ReservationStatus,
    pub effects: Effects,
    pub table_id: Option<Uuid>,
}

/// Applies the given fields and, when given, a status change with its timestamps.
pub async fn update_reservation(
    tx: &mut TenantTx,
    id: Uuid,
    change: &UpdateReservation,
    status: Option<&StatusUpdate>,
) -> ApiResult<Reservation> {
    let effects = status.map(|s| s.effects).unwrap_or_default();
    let sql = format!(
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
             version = version + 1,
             updated_at = now()
         where id = $1
         returning {COLUMNS}"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
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
        .fetch_one(tx.conn())
        .await?)
}

/// Clears the assignment of every reservation to a table about to be deleted.
pub async fn unassign_table(tx: &mut TenantTx, table_id: Uuid) -> ApiResult<Vec<Reservation>> {
    let sql = format!(
        "update reservations set assigned_table_id = null, version = version + 1, updated_at = now()
         where assigned_table_id = $1
         returning {COLUMNS}"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(table_id)
        .fetch_all(tx.conn())
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_text_is_matched_literally() {
        assert_eq!(like_pattern("Smith"), "%Smith%");
        assert_eq!(like_pattern("100%_a\\b"), "%100\\%\\_a\\\\b%");
    }
}
