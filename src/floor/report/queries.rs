//! The day report's SQL: the day's records, inside the tenant transaction.

use chrono::{DateTime, NaiveDate, Utc};

use super::rules::{Day, Party};
use crate::{
    db::{self, TenantTx, statements},
    error::ApiResult,
    floor::servers::rules::Staffed,
};

statements! {
    /// The local day's bounds, the time zone, the clock and the floor's size.
    DAY = "select ($1::date)::timestamp at time zone timezone, ($1::date + 1)::timestamp at time zone timezone,
             timezone, now(), (select count(*) from dining_tables)
         from restaurants";
    PARTIES = "select r.party_size, r.reservation_time is null as walk_in, r.created_at as joined_at,
             r.seated_time as seated_at, r.finished_time as finished_at, r.quoted_wait_minutes, t.section
         from reservations r left join dining_tables t on t.id = r.assigned_table_id
         where r.seated_time >= $1 and r.seated_time < $2 and r.status in ('seated', 'finished')";
    /// The day's reservations (by their time, or a walk-in's arrival) that were lost.
    LOST = "select count(*) filter (where status = 'noShow'), count(*) filter (where status = 'cancelled')
         from reservations where booked_at >= $1 and booked_at < $2";
    SEATINGS = "select seated_at, released_at from seatings
         where seated_at < $2 and (released_at is null or released_at > $1)";
    STAFFED_ON = "select a.section, a.user_id, u.first_name, u.last_name
         from server_assignments a join users u on u.id = a.user_id
         where a.day = $1 order by a.section";
}

pub async fn day(tx: &mut TenantTx, date: NaiveDate) -> ApiResult<Day> {
    let (start, end, timezone, now, tables) =
        db::query_as(DAY).bind(date).fetch_one(tx.conn()).await?;
    Ok(Day {
        date,
        timezone,
        start,
        end,
        now,
        tables,
    })
}

pub async fn parties(tx: &mut TenantTx, day: &Day) -> ApiResult<Vec<Party>> {
    Ok(db::query_as(PARTIES)
        .bind(day.start)
        .bind(day.end)
        .fetch_all(tx.conn())
        .await?)
}

/// `(no-shows, cancellations)`.
pub async fn lost(tx: &mut TenantTx, day: &Day) -> ApiResult<(i64, i64)> {
    Ok(db::query_as(LOST)
        .bind(day.start)
        .bind(day.end)
        .fetch_one(tx.conn())
        .await?)
}

pub async fn seatings(
    tx: &mut TenantTx,
    day: &Day,
) -> ApiResult<Vec<(DateTime<Utc>, Option<DateTime<Utc>>)>> {
    Ok(db::query_as(SEATINGS)
        .bind(day.start)
        .bind(day.end)
        .fetch_all(tx.conn())
        .await?)
}

pub async fn staffed(tx: &mut TenantTx, date: NaiveDate) -> ApiResult<Vec<Staffed>> {
    Ok(db::query_as(STAFFED_ON)
        .bind(date)
        .fetch_all(tx.conn())
        .await?)
}
