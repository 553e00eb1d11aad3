//! This surface's reads (visits joined to their profiles, what changed since
//! a time) and its one write of its own (a visit's special requests), inside
//! the tenant transaction. Everything else goes through the domains.

use chrono::NaiveDate;
use uuid::Uuid;

use super::model::GuestRow;
use crate::{
    db::{self, TenantTx, statements},
    error::{ApiError, ApiResult},
    http::time::WireTime,
    reservations::model::{ReservationStatus, reservation_columns},
};

/// A visit (as every statement reads a `Reservation`), its special
/// requests and its profile's fields, in `GuestRow`'s order.
macro_rules! guest_columns {
    () => {
        concat!(
            "select ",
            reservation_columns!(),
            ", special_requests, p.first_name, p.last_name, p.email, p.phone, p.visit_count, \
             p.dietary_restrictions \
             from reservations r left join lateral (select first_name, last_name, email, phone, \
             visit_count, dietary_restrictions from guest_profiles g where g.id = r.guest_profile_id) p on true \
             where (r.reservation_time is null or r.status <> 'confirmed')"
        )
    };
}

statements! {
    /// The guests of this surface: walk-ins, and bookings once at the door.
    /// Without `$2` (a day), the visits still open plus those ended today
    /// (local day); cancelled ones only when `$1` (statuses) asks for them.
    GUESTS = concat!(guest_columns!(), "
         and (case when $1::text[] is null then r.status <> 'cancelled'
              else r.status = any(cast($1::text[] as reservation_status[])) end)
         and (case when $2::date is null then
                  r.status in ('waitlist', 'runningLate', 'arrived', 'partiallyArrived', 'seated')
                  or r.updated_at >= date_trunc('day', now() at time zone (select timezone from restaurants))
                     at time zone (select timezone from restaurants)
              else r.booked_at >= cast($2 as timestamp) at time zone (select timezone from restaurants)
                  and r.booked_at < cast($2 + 1 as timestamp) at time zone (select timezone from restaurants)
              end)
         order by r.created_at desc, r.id desc
         limit 1000");
    GUEST = concat!(guest_columns!(), " and r.id = $1");
    /// The guests changed after `$1` (any status but cancelled), newest first.
    GUESTS_SINCE = concat!(guest_columns!(), " and r.status <> 'cancelled' and r.updated_at > $1
         order by r.updated_at desc, r.id desc
         limit 1000");
    /// Visits cancelled after `$1`: removed from this surface's lists.
    CANCELLED_SINCE = "select id from reservations where status = 'cancelled' and updated_at > $1 order by id";
    /// Tables deleted after `$1`, from the event log.
    TABLES_DELETED_SINCE = "select entity_id from events
         where restaurant_id = $2 and type = 'table_delete' and created_at > $1
         order by seq";
    /// A new guest's special requests, and its check-in: a walk-in on this
    /// surface is checked in as it joins the queue.
    SET_ARRIVAL = "update reservations set special_requests = $2,
         check_in_time = coalesce(check_in_time, created_at)
         where id = $1";
    SET_SPECIAL_REQUESTS = "update reservations set special_requests = coalesce($2, special_requests) where id = $1";
}

pub async fn select_guests(
    tx: &mut TenantTx,
    statuses: Option<&[ReservationStatus]>,
    date: Option<NaiveDate>,
) -> ApiResult<Vec<GuestRow>> {
    let statuses: Option<Vec<&str>> = statuses.map(|s| s.iter().map(|s| s.as_str()).collect());
    Ok(db::query_as(GUESTS)
        .bind(statuses)
        .bind(date)
        .fetch_all(tx.conn())
        .await?)
}

/// One guest; 404 for an unknown id or a booking not yet at the door.
pub async fn select_guest(tx: &mut TenantTx, id: Uuid) -> ApiResult<GuestRow> {
    db::query_as(GUEST)
        .bind(id)
        .fetch_optional(tx.conn())
        .await?
        .ok_or(ApiError::NotFound("guest"))
}

pub async fn select_guests_since(tx: &mut TenantTx, since: WireTime) -> ApiResult<Vec<GuestRow>> {
    Ok(db::query_as(GUESTS_SINCE)
        .bind(since)
        .fetch_all(tx.conn())
        .await?)
}

pub async fn select_cancelled_since(tx: &mut TenantTx, since: WireTime) -> ApiResult<Vec<Uuid>> {
    Ok(db::query_scalar(CANCELLED_SINCE)
        .bind(since)
        .fetch_all(tx.conn())
        .await?)
}

pub async fn select_tables_deleted_since(
    tx: &mut TenantTx,
    since: WireTime,
) -> ApiResult<Vec<Uuid>> {
    let restaurant_id = tx.restaurant_id();
    Ok(db::query_scalar(TABLES_DELETED_SINCE)
        .bind(since)
        .bind(restaurant_id)
        .fetch_all(tx.conn())
        .await?)
}

/// Part of the write that made the visit (no new version).
pub async fn set_arrival(tx: &mut TenantTx, id: Uuid, requests: Option<&str>) -> ApiResult<()> {
    run_on_visit(tx, SET_ARRIVAL, id, requests).await
}

/// Part of the write that changed the visit (no new version).
pub async fn set_special_requests(
    tx: &mut TenantTx,
    id: Uuid,
    requests: Option<&str>,
) -> ApiResult<()> {
    run_on_visit(tx, SET_SPECIAL_REQUESTS, id, requests).await
}

async fn run_on_visit(
    tx: &mut TenantTx,
    statement: &'static str,
    id: Uuid,
    requests: Option<&str>,
) -> ApiResult<()> {
    db::query(statement)
        .bind(id)
        .bind(requests)
        .execute(tx.conn())
        .await?;
    Ok(())
}
