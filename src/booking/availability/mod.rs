//! Reading a day's availability, and the lock under which a booking
//! re-reads it before consuming capacity.

mod queries;
pub mod rules;

use chrono::{DateTime, NaiveDate, Utc};

use rules::{Busy, Day, DayTable, seated_until};

use crate::{error::ApiResult, tables::model::natural_cmp, tenant::Tenant};

/// The day's book; `None` when the restaurant has no shifts (its book then
/// takes reservations as it always has, unchecked).
pub async fn day(tenant: &mut Tenant, date: NaiveDate) -> ApiResult<Option<Day>> {
    let record = queries::select_day(tenant.tx(), date).await?;
    if !record.bookable {
        return Ok(None);
    }
    let turn_times = record.turn_times.unwrap_or_default();
    let mut tables = record.tables;
    tables.sort_by(|a, b| natural_cmp(&a.number, &b.number).then(a.id.cmp(&b.id)));
    let seated: Vec<Busy> = record
        .seated
        .iter()
        .map(|s| Busy {
            table_id: s.table_id,
            from: record.now,
            until: seated_until(record.now, s.since, &turn_times, s.party_size),
        })
        .collect();
    let mut booked = record.booked;
    booked.extend(record.held);
    Ok(Some(Day {
        date,
        zone: record.timezone.parse().unwrap_or(chrono_tz::UTC),
        now: record.now,
        today: record.today,
        closed: record.closed,
        shifts: record.shifts,
        turn_times,
        tables: tables
            .into_iter()
            .map(|t| DayTable {
                id: t.id,
                capacity: t.capacity,
            })
            .collect(),
        combinations: record.combinations,
        busy: record.blocks.into_iter().chain(seated).collect(),
        booked,
    }))
}

/// The book of the local day of `at`, read under that day's lock, held
/// until commit: what a write decides from it stays true when it commits.
/// `None` when the restaurant has no shifts.
pub async fn locked_day(tenant: &mut Tenant, at: DateTime<Utc>) -> ApiResult<Option<Day>> {
    match queries::lock_day(tenant.tx(), at).await? {
        Some(date) => day(tenant, date).await,
        None => Ok(None),
    }
}
