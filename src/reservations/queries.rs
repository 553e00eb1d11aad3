//! Reservation SQL, all inside the tenant transaction.

use sqlx::{Postgres, QueryBuilder};
use uuid::Uuid;

use super::model::{
    CreateReservation, GUEST_PROFILE_KEY, Reservation, ReservationQuery, ReservationStatus,
    guest_profile_gone, reservation_columns,
};
use crate::{
    db::{self, TenantTx, statements},
    error::{ApiError, ApiResult, on_constraint},
};

statements! {
    SELECT_RESERVATION = concat!("select ", reservation_columns!(), " from reservations where id = $1");
    INSERT_RESERVATION = concat!(
        "insert into reservations (restaurant_id, guest_name, party_size, status, reservation_time, contact_info, notes,
             assigned_table_id, guest_profile_id, assigned_combination_id, booked_online)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         returning ", reservation_columns!()
    );
}

/// The day list's constant head; `push_list_query` appends only the filters given.
const LIST_HEAD: &str = concat!(
    "select ",
    reservation_columns!(),
    " from reservations r where true"
);

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
    Ok(sql
        .build_query_as()
        .persistent(db::named_statements())
        .fetch_all(tx.conn())
        .await?)
}

/// Appends the list's SQL to `sql` (public so a test can EXPLAIN exactly
/// this query). Only the filters given become conditions, so each
/// combination gets its own plan: an index range scan on `booked_at`.
pub fn push_list_query(sql: &mut QueryBuilder<Postgres>, query: &ReservationQuery, limit: i64) {
    // Composed only of constant fragments; every value is a bound parameter.
    sql.push(LIST_HEAD);
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
    db::query_as(SELECT_RESERVATION)
        .bind(id)
        .fetch_optional(tx.conn())
        .await?
        .ok_or(ApiError::NotFound("reservation"))
}

pub async fn insert_reservation(
    tx: &mut TenantTx,
    new: &CreateReservation,
    status: ReservationStatus,
    guest_profile_id: Option<Uuid>,
) -> ApiResult<Reservation> {
    let restaurant_id = tx.restaurant_id();
    db::query_as(INSERT_RESERVATION)
        .bind(restaurant_id)
        .bind(new.guest_name.trim())
        .bind(new.party_size)
        .bind(status)
        .bind(new.reservation_time)
        .bind(new.contact_info.as_deref())
        .bind(new.notes.as_deref())
        .bind(new.assigned_table_id)
        .bind(guest_profile_id)
        .bind(new.assigned_combination_id)
        .bind(new.booked_online)
        .fetch_one(tx.conn())
        .await
        .map_err(on_constraint(GUEST_PROFILE_KEY, guest_profile_gone))
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
