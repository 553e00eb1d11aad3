//! Online booking's figures (issue 18): public availability of a day for a
//! restaurant of 40 tables, 2 shifts and 300 reservations over its booking
//! window, beside GET tables of the same restaurant in the same run; then
//! the hold race: 64 clients at once for the last table of a slot (one may
//! win), and 64 clients holding slot after slot of a month for a while
//! (holds/s), with the book checked afterwards for anything sold twice.

use std::{
    path::Path,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use chrono::{NaiveDate, Utc};
use sqlx::PgPool;

use crate::{
    host_stand::CONNECTIONS,
    http_load::{self, Load, Target, WrkRun},
    owner_target,
};

/// The race's clients.
pub const CLIENTS: usize = 64;
/// Days ahead the availability bench reads, inside the window.
const READ_DAY: i64 = 7;
/// The race restaurant's tables, each seating two, and its days.
const RACE_TABLES: i32 = 10;
const RACE_DAYS: i64 = 30;
/// Slots of the race's shift: 17:00 to 21:00 every 15 minutes.
const RACE_SLOTS: i64 = 17;

/// Writes both restaurants: their owners and sessions, tables, shifts and,
/// for the first, 300 reservations over its window.
pub async fn seed(pool: &PgPool) -> anyhow::Result<()> {
    let statements = [
        "insert into restaurants (id, name, slug, timezone)
         values (md5('booking')::uuid, 'Bench booking', 'bench-booking', 'Europe/Paris'),
                (md5('race')::uuid, 'Bench race', 'bench-race', 'UTC')",
        "insert into users (id, restaurant_id, email, password_hash, first_name, last_name, role)
         values (md5('booking-owner')::uuid, md5('booking')::uuid, 'booking@bench.qtable.test',
                 'none: the bench signs tokens for this owner', 'Book', 'Ings', 'owner')",
        "insert into sessions (id, restaurant_id, user_id)
         values (md5('booking-session')::uuid, md5('booking')::uuid, md5('booking-owner')::uuid)",
        "insert into dining_tables (id, restaurant_id, table_number, capacity)
         select md5('booking-t' || k)::uuid, md5('booking')::uuid, 'T' || k, 2 + 2 * (k % 3)
         from generate_series(1, 40) k",
        "insert into dining_tables (restaurant_id, table_number, capacity)
         select md5('race')::uuid, 'R' || k, 2 from generate_series(1, 10) k",
        "insert into shifts (restaurant_id, name, days_of_week, start_time, last_seating_time, end_time,
             slot_minutes, covers_per_slot, online_covers_per_slot, min_notice_minutes, max_advance_days)
         values (md5('booking')::uuid, 'Lunch', '{1,2,3,4,5,6,7}', '11:30', '14:00', '15:30', 15, 40, 30, 60, 60),
                (md5('booking')::uuid, 'Dinner', '{1,2,3,4,5,6,7}', '18:00', '22:00', '23:30', 15, 40, 30, 60, 60),
                (md5('race')::uuid, 'Dinner', '{1,2,3,4,5,6,7}', '17:00', '21:00', '23:00', 15, 100, 100, 0, 60)",
        // Five a day over the next 60 days, a third of them on a table.
        "insert into reservations (restaurant_id, guest_name, party_size, status, reservation_time, assigned_table_id)
         select md5('booking')::uuid, 'Booked ' || k, 2 + k % 3, 'confirmed',
                (current_date + 1 + k / 5)::timestamp at time zone 'Europe/Paris'
                    + interval '18 hours' + (k % 5) * interval '45 minutes',
                case when k % 3 = 0 then md5('booking-t' || (1 + k % 40))::uuid end
         from generate_series(0, 299) k",
        "vacuum analyze",
    ];
    for sql in statements {
        sqlx::raw_sql(sql).execute(pool).await?;
    }
    Ok(())
}

/// The booking restaurant, with a token for its owner's session.
pub fn target(keys: &qtable::tokens::TokenKeys) -> Target {
    owner_target(keys, "booking", Vec::new())
}

fn availability_lua(day: NaiveDate) -> String {
    format!(
        r#"return wrk.format("GET", "/public/restaurants/bench-booking/availability?date={day}&partySize=" .. (i % 4 + 2))"#
    )
}

/// Public availability and GET tables of the same restaurant, alternating,
/// `runs` times each.
pub fn http(
    dir: &Path,
    base_url: &str,
    target: Target,
    (runs, seconds): (usize, u32),
) -> anyhow::Result<(Vec<WrkRun>, Vec<WrkRun>)> {
    let targets = [target];
    let day = Utc::now().date_naive() + chrono::Duration::days(READ_DAY);
    let availability = http_load::write_lua(dir, "availability", &availability_lua(day), &targets)?;
    let tables = http_load::write_lua(
        dir,
        "booking_tables",
        &Load::GetTables.lua_request(),
        &targets,
    )?;
    http_load::alternate(
        (&availability, &tables),
        base_url,
        CONNECTIONS,
        (runs, seconds),
    )
}

/// What the race measured.
#[derive(Debug, Clone, Copy)]
pub struct RaceRun {
    /// Of `CLIENTS` holds at once for one table.
    pub last_table_winners: usize,
    pub attempts_per_sec: f64,
    pub holds_per_sec: f64,
    /// Holds granted past the book's capacity: tables held twice for one
    /// time, or slots past their covers.
    pub oversold: i64,
    /// Answers other than 201 and 409.
    pub errors: usize,
}

/// One run: a fresh race day set (the previous run's holds are cleared).
pub async fn race(base_url: &str, pool: &PgPool, seconds: u32) -> anyhow::Result<RaceRun> {
    sqlx::raw_sql("delete from holds where restaurant_id = md5('race')::uuid")
        .execute(pool)
        .await?;
    let client = reqwest::Client::new();
    let url = format!("{base_url}/public/restaurants/bench-race/holds");
    let first_day = Utc::now().date_naive() + chrono::Duration::days(1);
    // Nine of the ten tables are held for 19:00 first: one is left.
    let last_slot = slot_time(first_day, 8);
    for _ in 1..RACE_TABLES {
        hold(&client, &url, &last_slot).await?;
    }
    let attempts = (0..CLIENTS).map(|_| hold(&client, &url, &last_slot));
    let outcomes = futures_util::future::try_join_all(attempts).await?;
    let last_table_winners = outcomes.iter().filter(|&&s| s == 201).count();

    let counter = Arc::new(AtomicUsize::new(0));
    let deadline = Instant::now() + Duration::from_secs(seconds.into());
    let started = Instant::now();
    let clients = (0..CLIENTS).map(|_| {
        let (client, url, counter) = (client.clone(), url.clone(), counter.clone());
        tokio::spawn(async move {
            let (mut granted, mut tried, mut errors) = (0usize, 0usize, 0usize);
            while Instant::now() < deadline {
                let n = counter.fetch_add(1, Ordering::Relaxed) as i64;
                let day = first_day + chrono::Duration::days(1 + (n / RACE_SLOTS) % RACE_DAYS);
                match hold(&client, &url, &slot_time(day, n % RACE_SLOTS)).await {
                    Ok(201) => granted += 1,
                    Ok(409) => {}
                    _ => errors += 1,
                }
                tried += 1;
            }
            (granted, tried, errors)
        })
    });
    let mut totals = (0, 0, 0);
    for client in futures_util::future::try_join_all(clients).await? {
        totals = (
            totals.0 + client.0,
            totals.1 + client.1,
            totals.2 + client.2,
        );
    }
    let elapsed = started.elapsed().as_secs_f64();
    let oversold = oversold(pool).await?;
    Ok(RaceRun {
        last_table_winners,
        attempts_per_sec: totals.1 as f64 / elapsed,
        holds_per_sec: totals.0 as f64 / elapsed,
        oversold,
        errors: totals.2 + outcomes.iter().filter(|&&s| s != 201 && s != 409).count(),
    })
}

/// The `index`th slot of the race's shift on `day`, as the wire writes it.
fn slot_time(day: NaiveDate, index: i64) -> String {
    let minutes = 17 * 60 + 15 * index;
    format!("{day}T{:02}:{:02}:00Z", minutes / 60, minutes % 60)
}

async fn hold(client: &reqwest::Client, url: &str, time: &str) -> anyhow::Result<u16> {
    let body = serde_json::json!({"time": time, "partySize": 2});
    Ok(client.post(url).json(&body).send().await?.status().as_u16())
}

/// Pairs of live holds of one table whose turns overlap, plus slots whose
/// held covers pass the shift's online cap, as the database has them.
async fn oversold(pool: &PgPool) -> anyhow::Result<i64> {
    let doubled: i64 = sqlx::query_scalar(
        "select count(*) from table_blocks a join table_blocks b
             on a.table_id = b.table_id and a.hold_id < b.hold_id
            and a.during && b.during and a.live && b.live
         where a.restaurant_id = md5('race')::uuid",
    )
    .fetch_one(pool)
    .await?;
    let over_pace: i64 = sqlx::query_scalar(
        "select count(*) from (
             select starts_at from holds
             where restaurant_id = md5('race')::uuid and expires_at > now()
             group by starts_at
             having sum(party_size) > (select online_covers_per_slot from shifts
                                       where restaurant_id = md5('race')::uuid)) over",
    )
    .fetch_one(pool)
    .await?;
    Ok(doubled + over_pace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn race_slots_run_from_the_shifts_start_to_its_last_seating() {
        let day: NaiveDate = "2026-12-02".parse().unwrap();
        assert_eq!(slot_time(day, 0), "2026-12-02T17:00:00Z");
        assert_eq!(slot_time(day, RACE_SLOTS - 1), "2026-12-02T21:00:00Z");
    }
}
