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
    let turn_times = record.turn_times.clone().map(|t| t.0).unwrap_or_default();
    let seated = record
        .seated_tables
        .iter()
        .zip(&record.seated_since)
        .zip(&record.seated_sizes);
    let seated = seated.map(|((&table_id, &since), &party_size)| Busy {
        table_id,
        from: record.now,
        until: seated_until(record.now, since, &turn_times, party_size),
    });
    let busy = record.blocks().chain(seated).collect();
    let mut tables: Vec<(&String, DayTable)> = record
        .table_numbers
        .iter()
        .zip(record.table_ids.iter().zip(&record.capacities))
        .map(|(number, (&id, &capacity))| (number, DayTable { id, capacity }))
        .collect();
    tables.sort_by(|(a, x), (b, y)| natural_cmp(a, b).then(x.id.cmp(&y.id)));
    Ok(Some(Day {
        date,
        zone: record.timezone.parse().unwrap_or(chrono_tz::UTC),
        now: record.now,
        today: record.today,
        closed: record.closed,
        shifts: record.shifts.0.clone(),
        turn_times,
        tables: tables.into_iter().map(|(_, table)| table).collect(),
        combinations: record.combinations.0.clone(),
        busy,
        booked: record.booked().collect(),
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
