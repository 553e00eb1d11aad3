//! The day's book in one round trip, and the lock that serialises what
//! consumes a day's capacity.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use sqlx::types::Json;
use uuid::Uuid;

use super::rules::{Booked, Busy, ShiftRule};
use crate::{
    db::{self, TenantTx, statements},
    error::ApiResult,
    floor::{quote::FloorCombination, turn_times::model::TurnTimes},
};

statements! {
    /// Everything availability reads about local date `$1`, in one round
    /// trip: the small parts as JSON, the row-per-item parts as parallel
    /// arrays (which travel in binary; building JSON for them cost more
    /// than the rest). `$2`..`$3` is a UTC window wide enough for any zone
    /// and any turn crossing midnight; what it brings from the days beside
    /// is placed at its own time. Blocks count while live (expired holds
    /// drop out here too).
    DAY = "select r.timezone, now() as now, (now() at time zone r.timezone)::date as today,
             exists (select 1 from closures where day = $1) as closed,
             exists (select 1 from shifts) as bookable,
             (select coalesce(json_agg(json_build_object(
                     'startTime', start_time, 'lastSeatingTime', last_seating_time,
                     'slotMinutes', slot_minutes, 'coversPerSlot', covers_per_slot,
                     'onlineCoversPerSlot', online_covers_per_slot,
                     'minNoticeMinutes', min_notice_minutes, 'maxAdvanceDays', max_advance_days)
                     order by start_time, name), '[]')
              from shifts where extract(isodow from $1::date)::integer = any(days_of_week)) as shifts,
             (select json_build_object('defaultMinutes', default_minutes, 'byPartySize', by_party_size)
              from turn_times) as turn_times,
             (select coalesce(json_agg(json_build_object('id', id, 'tableIds', table_ids,
                     'minCapacity', min_capacity, 'maxCapacity', max_capacity)), '[]')
              from table_combinations) as combinations,
             t.*, b.*, s.*, k.*, h.*
         from restaurants r,
              (select coalesce(array_agg(id), '{}') as table_ids,
                      coalesce(array_agg(table_number), '{}') as table_numbers,
                      coalesce(array_agg(capacity), '{}') as capacities
               from dining_tables where status <> 'outOfService') t,
              (select coalesce(array_agg(table_id), '{}') as block_tables,
                      coalesce(array_agg(lower(during)), '{}') as block_froms,
                      coalesce(array_agg(upper(during)), '{}') as block_untils
               from table_blocks
               where during && tstzrange($2, $3) and live && tstzrange(now(), null)) b,
              (select coalesce(array_agg(s.table_id), '{}') as seated_tables,
                      coalesce(array_agg(s.seated_at), '{}') as seated_since,
                      coalesce(array_agg(v.party_size), '{}') as seated_sizes
               from seatings s join reservations v on v.id = s.reservation_id
               where s.released_at is null) s,
              (select coalesce(array_agg(reservation_time), '{}') as booked_at,
                      coalesce(array_agg(party_size), '{}') as booked_sizes,
                      coalesce(array_agg(booked_online), '{}') as booked_online,
                      coalesce(array_agg(assigned_table_id is null and app.blocks_tables(status)), '{}') as booked_unplaced
               from reservations
               where coalesce(reservation_time, created_at) >= $2 and coalesce(reservation_time, created_at) < $3
                 and reservation_time is not null and status not in ('cancelled', 'noShow')) k,
              (select coalesce(array_agg(starts_at), '{}') as held_at,
                      coalesce(array_agg(party_size), '{}') as held_sizes
               from holds
               where reservation_id is null and expires_at > now() and starts_at >= $2 and starts_at < $3) h";
    LOCK_DAY = "select app.lock_booking_day($1)";
}

/// The day as the database has it.
#[derive(Debug, sqlx::FromRow)]
pub struct DayRecord {
    pub timezone: String,
    pub now: DateTime<Utc>,
    pub today: NaiveDate,
    pub closed: bool,
    /// Whether the restaurant has any shift: without, its book takes
    /// reservations as it always did.
    pub bookable: bool,
    pub shifts: Json<Vec<ShiftRule>>,
    pub turn_times: Option<Json<TurnTimes>>,
    pub combinations: Json<Vec<FloorCombination>>,
    pub table_ids: Vec<Uuid>,
    pub table_numbers: Vec<String>,
    pub capacities: Vec<i32>,
    pub block_tables: Vec<Uuid>,
    pub block_froms: Vec<DateTime<Utc>>,
    pub block_untils: Vec<DateTime<Utc>>,
    pub seated_tables: Vec<Uuid>,
    pub seated_since: Vec<DateTime<Utc>>,
    pub seated_sizes: Vec<i32>,
    pub booked_at: Vec<DateTime<Utc>>,
    pub booked_sizes: Vec<i32>,
    pub booked_online: Vec<bool>,
    pub booked_unplaced: Vec<bool>,
    pub held_at: Vec<DateTime<Utc>>,
    pub held_sizes: Vec<i32>,
}

impl DayRecord {
    /// The table blocks live now.
    pub fn blocks(&self) -> impl Iterator<Item = Busy> + '_ {
        let times = self.block_froms.iter().zip(&self.block_untils);
        self.block_tables
            .iter()
            .zip(times)
            .map(|(&table_id, (&from, &until))| Busy {
                table_id,
                from,
                until,
            })
    }

    /// Reservations and live holds by the time their covers start.
    pub fn booked(&self) -> impl Iterator<Item = Booked> + '_ {
        let flags = self.booked_online.iter().zip(&self.booked_unplaced);
        let reservations = self
            .booked_at
            .iter()
            .zip(&self.booked_sizes)
            .zip(flags)
            .map(|((&at, &party_size), (&online, &unplaced))| Booked {
                at,
                party_size,
                online,
                unplaced,
            });
        let holds = self
            .held_at
            .iter()
            .zip(&self.held_sizes)
            .map(|(&at, &party_size)| Booked {
                at,
                party_size,
                online: true,
                unplaced: false,
            });
        reservations.chain(holds)
    }
}

pub async fn select_day(tx: &mut TenantTx, date: NaiveDate) -> ApiResult<DayRecord> {
    let midnight = date.and_time(NaiveTime::MIN).and_utc();
    Ok(db::query_as(DAY)
        .bind(date)
        .bind(midnight - Duration::days(1))
        .bind(midnight + Duration::days(2))
        .fetch_one(tx.conn())
        .await?)
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
