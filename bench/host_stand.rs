//! The host-stand engine's figures (issue 17): the quote for a restaurant of
//! 100 tables with 60 parties waiting, as the pure function alone and over
//! HTTP, beside GET tables of the same restaurant in the same run. The
//! seeded restaurant and the in-memory floor have the same shape.

use std::{hint::black_box, path::Path, time::Instant};

use chrono::{Duration, Utc};
use qtable::floor::{
    quote::{Floor, FloorCombination, FloorTable, Hold, replay},
    turn_times::model::{TurnBand, TurnTimes},
};
use sqlx::PgPool;
use uuid::Uuid;

use crate::{
    http_load::{self, Load, Target, WrkRun},
    owner_target, seeded_id,
    stats::percentile,
};

pub const TABLES: i32 = 100;
/// Tables 1 to 70 have a party seated, 1 to 70 minutes ago.
pub const SEATED: i32 = 70;
pub const WAITING: i32 = 60;
/// Free tables 71 to 80 are held by a reservation 10, 20, ... 100 minutes away.
const HELD: i32 = 10;
/// Tables 81 to 100 pair up into ten combinations.
const COMBINED_FROM: i32 = 81;
/// Connections for the HTTP figures, as the issue asks.
pub const CONNECTIONS: u32 = 16;

fn capacity(k: i32) -> i32 {
    2 + 2 * (k % 3)
}

fn waiting_size(k: i32) -> i32 {
    1 + k % 6
}

/// The seeded restaurant's floor, in memory.
pub fn floor() -> (Floor, Vec<i32>) {
    let now = Utc::now();
    let id = |k: i32| seeded_id(&format!("engine-t{k}"));
    let tables = (1..=TABLES)
        .map(|k| FloorTable {
            id: id(k),
            capacity: capacity(k),
            seatable: true,
            seated: (k <= SEATED).then(|| (now - Duration::minutes(k.into()), capacity(k))),
        })
        .collect();
    let combinations = (0..10)
        .map(|c| FloorCombination {
            id: Uuid::from_u128(c),
            table_ids: vec![
                id(COMBINED_FROM + 2 * c as i32),
                id(COMBINED_FROM + 2 * c as i32 + 1),
            ],
            min_capacity: 5,
            max_capacity: 10,
        })
        .collect();
    let holds = (1..=HELD)
        .map(|k| Hold {
            table_ids: vec![id(SEATED + k)],
            at: now + Duration::minutes((10 * k).into()),
            party_size: 4,
        })
        .collect();
    let turn_times = TurnTimes {
        default_minutes: 120,
        by_party_size: vec![
            TurnBand {
                max_party_size: 2,
                minutes: 75,
            },
            TurnBand {
                max_party_size: 4,
                minutes: 90,
            },
        ],
        ..TurnTimes::default()
    };
    let floor = Floor {
        now,
        turn_times,
        tables,
        combinations,
        holds,
    };
    (floor, (1..=WAITING).map(waiting_size).collect())
}

/// One run of the pure quote: per-call latency percentiles, in microseconds.
#[derive(Debug, Clone, Copy)]
pub struct MicroRun {
    pub p50_us: f64,
    pub p99_us: f64,
}

/// Times `calls` quotes for a party of four joining the queue.
pub fn micro(calls: usize) -> MicroRun {
    let (floor, queue) = floor();
    let mut latencies = Vec::with_capacity(calls);
    for _ in 0..calls {
        let started = Instant::now();
        let expected = replay(black_box(&floor), queue.iter().copied().chain([4]));
        black_box(expected);
        latencies.push(started.elapsed().as_secs_f64() * 1e6);
    }
    MicroRun {
        p50_us: percentile(&mut latencies, 50.0),
        p99_us: percentile(&mut latencies, 99.0),
    }
}

/// Writes the restaurant: its owner and session, the floor above, turn times.
pub async fn seed(pool: &PgPool) -> anyhow::Result<()> {
    let statements = [
        "insert into restaurants (id, name, slug, timezone) values (md5('engine')::uuid, 'Bench host stand', 'bench-engine', 'UTC')",
        "insert into users (id, restaurant_id, email, password_hash, first_name, last_name, role)
         values (md5('engine-owner')::uuid, md5('engine')::uuid, 'engine@bench.qtable.test',
                 'none: the bench signs tokens for this owner', 'Host', 'Stand', 'owner')",
        "insert into sessions (id, restaurant_id, user_id)
         values (md5('engine-session')::uuid, md5('engine')::uuid, md5('engine-owner')::uuid)",
        "insert into dining_tables (id, restaurant_id, table_number, capacity, section)
         select md5('engine-t' || k)::uuid, md5('engine')::uuid, 'T' || k, 2 + 2 * (k % 3),
                case when k <= 50 then 'Main' else 'Terrace' end
         from generate_series(1, 100) k",
        "insert into reservations (id, restaurant_id, guest_name, party_size, status, check_in_time, seated_time, assigned_table_id)
         select md5('engine-s' || k)::uuid, md5('engine')::uuid, 'Seated ' || k, 2 + 2 * (k % 3), 'seated',
                now() - k * interval '1 minute', now() - k * interval '1 minute', md5('engine-t' || k)::uuid
         from generate_series(1, 70) k",
        "update dining_tables set status = 'occupied', current_guest_id = md5('engine-s' || substr(table_number, 2))::uuid
         where restaurant_id = md5('engine')::uuid and substr(table_number, 2)::int <= 70",
        "insert into seatings (restaurant_id, reservation_id, table_id, seated_at)
         select md5('engine')::uuid, md5('engine-s' || k)::uuid, md5('engine-t' || k)::uuid, now() - k * interval '1 minute'
         from generate_series(1, 70) k",
        "insert into reservations (restaurant_id, guest_name, party_size, status, created_at)
         select md5('engine')::uuid, 'Waiting ' || k, 1 + k % 6, 'waitlist', now() - (61 - k) * interval '1 minute'
         from generate_series(1, 60) k",
        "insert into reservations (restaurant_id, guest_name, party_size, status, reservation_time, assigned_table_id)
         select md5('engine')::uuid, 'Booked ' || k, 4, 'confirmed', now() + 10 * k * interval '1 minute', md5('engine-t' || (70 + k))::uuid
         from generate_series(1, 10) k",
        "insert into table_combinations (restaurant_id, name, table_ids, min_capacity, max_capacity)
         select md5('engine')::uuid, 'C' || c, array[md5('engine-t' || (81 + 2 * c))::uuid, md5('engine-t' || (82 + 2 * c))::uuid], 5, 10
         from generate_series(0, 9) c",
        r#"insert into turn_times (restaurant_id, default_minutes, by_party_size)
         values (md5('engine')::uuid, 120, '[{"maxPartySize": 2, "minutes": 75}, {"maxPartySize": 4, "minutes": 90}]')"#,
    ];
    for sql in statements {
        sqlx::query(sql).execute(pool).await?;
    }
    Ok(())
}

/// The seeded restaurant, with a token for its owner's session.
pub fn target(keys: &qtable::tokens::TokenKeys) -> Target {
    let tables = (1..=TABLES).map(|k| seeded_id(&format!("engine-t{k}")));
    owner_target(keys, "engine", tables.collect())
}

const QUOTE_LUA: &str = r#"return wrk.format("GET", "/restaurants/" .. t[1] .. "/waitlist/quote?partySize=4", auth(t))"#;

/// The quote and GET tables of the same restaurant over HTTP, alternating,
/// `runs` times each.
pub fn http(
    dir: &Path,
    base_url: &str,
    target: Target,
    (runs, seconds): (usize, u32),
) -> anyhow::Result<(Vec<WrkRun>, Vec<WrkRun>)> {
    let targets = [target];
    let quote = http_load::write_lua(dir, "quote", QUOTE_LUA, &targets)?;
    let tables = http_load::write_lua(
        dir,
        "engine_tables",
        &Load::GetTables.lua_request(),
        &targets,
    )?;
    http_load::alternate((&quote, &tables), base_url, CONNECTIONS, (runs, seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_floor_has_the_issues_shape_and_quotes_every_waiting_party() {
        let (floor, queue) = floor();
        assert_eq!((floor.tables.len(), queue.len()), (100, 60));
        let expected = replay(&floor, queue.iter().copied().chain([4]));
        assert!(expected.iter().all(Option::is_some));
    }

    #[test]
    fn the_micro_bench_reports_ordered_percentiles() {
        let run = micro(50);
        assert!(run.p50_us > 0.0 && run.p50_us <= run.p99_us, "{run:?}");
    }
}
