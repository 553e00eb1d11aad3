//! The day's book in one round trip, and the lock that serialises what
//! consumes a day's capacity.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use uuid::Uuid;

use super::rules::{Booked, Busy, ShiftRule};
use crate::{
    db::{self, TenantTx, statements},
    error::ApiResult,
    floor::{quote::FloorCombination, turn_times::model::TurnTimes},
};

statements! {
    /// Everything availability reads about local date `$1`, as one JSON
    /// document: the day's window runs from the local midnight before to
    /// the one after, widened by half a day each side for turns that cross
    /// midnight. Blocks count while live (expired holds drop out here too).
    DAY = "with w as (
             select timezone,
                    ($1::date)::timestamp at time zone timezone - interval '12 hours' as opens,
                    ($1::date + 1)::timestamp at time zone timezone + interval '12 hours' as closes
             from restaurants)
         select json_build_object(
             'timezone', w.timezone,
             'now', now(),
             'today', (now() at time zone w.timezone)::date,
             'closed', exists (select 1 from closures where day = $1),
             'bookable', exists (select 1 from shifts),
             'shifts', coalesce((select json_agg(json_build_object(
                     'startTime', start_time, 'lastSeatingTime', last_seating_time,
                     'slotMinutes', slot_minutes, 'coversPerSlot', covers_per_slot,
                     'onlineCoversPerSlot', online_covers_per_slot,
                     'minNoticeMinutes', min_notice_minutes, 'maxAdvanceDays', max_advance_days)
                     order by start_time, name)
                 from shifts where extract(isodow from $1::date)::integer = any(days_of_week)), '[]'),
             'turnTimes', (select json_build_object('defaultMinutes', default_minutes, 'byPartySize', by_party_size)
                 from turn_times),
             'tables', coalesce((select json_agg(json_build_object('id', id, 'number', table_number, 'capacity', capacity))
                 from dining_tables where status <> 'outOfService'), '[]'),
             'combinations', coalesce((select json_agg(json_build_object('id', id, 'tableIds', table_ids,
                     'minCapacity', min_capacity, 'maxCapacity', max_capacity))
                 from table_combinations), '[]'),
             'blocks', coalesce((select json_agg(json_build_object(
                     'tableId', table_id, 'from', lower(during), 'until', upper(during)))
                 from table_blocks
                 where during && tstzrange(w.opens, w.closes) and live && tstzrange(now(), null)), '[]'),
             'seated', coalesce((select json_agg(json_build_object(
                     'tableId', s.table_id, 'since', s.seated_at, 'partySize', r.party_size))
                 from seatings s join reservations r on r.id = s.reservation_id
                 where s.released_at is null), '[]'),
             'booked', coalesce((select json_agg(json_build_object(
                     'at', reservation_time, 'partySize', party_size, 'online', booked_online,
                     'unplaced', assigned_table_id is null and app.blocks_tables(status)))
                 from reservations
                 where coalesce(reservation_time, created_at) >= w.opens
                   and coalesce(reservation_time, created_at) < w.closes
                   and reservation_time is not null and status not in ('cancelled', 'noShow')), '[]'),
             'held', coalesce((select json_agg(json_build_object(
                     'at', starts_at, 'partySize', party_size, 'online', true, 'unplaced', false))
                 from holds
                 where reservation_id is null and expires_at > now()
                   and starts_at >= w.opens and starts_at < w.closes), '[]'))
         from w";
    LOCK_DAY = "select app.lock_booking_day($1)";
}

/// The day as the database has it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DayRecord {
    pub timezone: String,
    pub now: DateTime<Utc>,
    pub today: NaiveDate,
    pub closed: bool,
    /// Whether the restaurant has any shift: without, its book takes
    /// reservations as it always did.
    pub bookable: bool,
    pub shifts: Vec<ShiftRule>,
    pub turn_times: Option<TurnTimes>,
    pub tables: Vec<TableRecord>,
    pub combinations: Vec<FloorCombination>,
    pub blocks: Vec<Busy>,
    pub seated: Vec<SeatedRecord>,
    pub booked: Vec<Booked>,
    pub held: Vec<Booked>,
}

#[derive(Debug, Deserialize)]
pub struct TableRecord {
    pub id: Uuid,
    pub number: String,
    pub capacity: i32,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeatedRecord {
    pub table_id: Uuid,
    pub since: DateTime<Utc>,
    pub party_size: i32,
}

pub async fn select_day(tx: &mut TenantTx, date: NaiveDate) -> ApiResult<DayRecord> {
    let sqlx::types::Json(day) = db::query_scalar(DAY)
        .bind(date)
        .fetch_one(tx.conn())
        .await?;
    Ok(day)
}

/// Serialises, until commit, every write that consumes the capacity of
/// the local day of `at`, and names that day; `None` (and no lock) when the
/// restaurant has no shifts.
pub async fn lock_day(tx: &mut TenantTx, at: DateTime<Utc>) -> ApiResult<Option<NaiveDate>> {
    Ok(db::query_scalar(LOCK_DAY)
        .bind(at)
        .fetch_one(tx.conn())
        .await?)
}
