//! `BENCH_ONLY=import`: the import's figure (issue 16). A source database of
//! the Python schema is generated with set-based SQL (100 restaurants of 40
//! tables, 5,000 reservations, 2,000 guests and 10 users by default), then
//! the release `qtable import` brings it into a migrated database, twice:
//! the first run writes everything, the second finds nothing to change.

use std::{path::Path, process::Command, time::Instant};

use anyhow::Context;
use qtable::embedded_pg::{ClusterOptions, EmbeddedPostgres, ensure_database};
use sqlx::{ConnectOptions, Connection, Executor, PgConnection, postgres::PgConnectOptions};

const SCHEMA: &str = include_str!("../tests/fixtures/python-original-schema.sql");

/// Rows per restaurant.
const TABLES: i32 = 40;
const RESERVATIONS: i32 = 5_000;
const GUESTS: i32 = 2_000;
const USERS: i32 = 10;
/// Guests are visits: 2,000 rows of 800 people, by phone number.
const PEOPLE: i32 = 800;

/// Each statement takes the restaurant count ($1), its per-restaurant count
/// ($2), a bcrypt hash ($3) and how many people the guests are ($4).
const GENERATE: [(&str, i32); 5] = [
    (
        "insert into restaurants (id, name, slug, email, timezone, settings, is_active, created_at)
         select 'bench-' || r, 'Bench ' || r, 'bench-' || r, 'r' || r || '@bench.test', 'Europe/Paris', '{}', true,
                timestamp '2025-01-01' + r * interval '1 minute'
         from generate_series(1, $1) r where $2 = 1",
        1,
    ),
    (
        "insert into users (id, restaurant_id, email, password_hash, first_name, last_name, role, is_active, last_login_at)
         select 'u-' || r || '-' || i, 'bench-' || r, 'host' || r || '-' || i || '@bench.test', $3, 'Host', 'No ' || i,
                case i when 1 then 'owner' when 2 then 'manager' when 3 then null else 'staff' end, true,
                timestamp '2025-08-01' + i * interval '1 hour'
         from generate_series(1, $1) r, generate_series(1, $2) i",
        USERS,
    ),
    (
        "insert into restaurant_tables (id, restaurant_id, table_number, capacity, position_x, position_y, shape, section, status, is_active)
         select 'table-' || r || '-' || i, 'bench-' || r, (1 + i % 38)::text, 2 + i % 6,
                (i % 8) * 100, (i / 8) * 100, 'round', 'Main', case when i <= 20 then 'occupied' else 'available' end, i <> 40
         from generate_series(1, $1) r, generate_series(1, $2) i",
        TABLES,
    ),
    (
        "insert into guests (id, restaurant_id, first_name, last_name, email, phone, party_size, status, table_id,
                             seated_time, finished_time, total_visits, dietary_restrictions, created_at, updated_at)
         select 'guest-' || r || '-' || i, 'bench-' || r, 'Guest', 'Person ' || (i % $4),
                case when i % 3 = 0 then 'guest' || (i % $4) || '@bench.test' end,
                '(202) 555-' || lpad((i % $4)::text, 4, '0'), 1 + i % 6,
                case when i <= 20 then 'Seated' else (array['Finished', 'finished', 'Waitlist', 'No Show', 'Cancelled'])[1 + i % 5] end,
                case when i <= 20 then 'table-' || r || '-' || i end,
                timestamp '2026-11-01' + i * interval '17 minutes', timestamp '2026-11-01' + i * interval '17 minutes' + interval '1 hour',
                i % 12, '[\"gluten\"]', timestamp '2026-11-01' + i * interval '17 minutes', timestamp '2026-11-01' + i * interval '17 minutes'
         from generate_series(1, $1) r, generate_series(1, $2) i",
        GUESTS,
    ),
    (
        "insert into reservations (id, restaurant_id, guest_id, party_size, reservation_time, guest_name, guest_phone,
                                   status, notes, created_at, updated_at)
         select 'res-' || r || '-' || i, 'bench-' || r, case when i % 2 = 0 then 'guest-' || r || '-' || (1 + i % 2000) end,
                1 + i % 8, timestamp '2026-12-01' + i * interval '7 minutes', 'Guest Person ' || (i % $4),
                case when i % 2 = 1 then '202-555-' || lpad((i % $4)::text, 4, '0') end,
                (array['confirmed', 'finished', 'cancelled', 'noShow', 'waitlist'])[1 + i % 5], 'window',
                timestamp '2026-11-01' + i * interval '3 minutes', timestamp '2026-11-01' + i * interval '3 minutes'
         from generate_series(1, $1) r, generate_series(1, $2) i",
        RESERVATIONS,
    ),
];

pub async fn run(restaurants: u32, server_binary: &Path, work_dir: &Path) -> anyhow::Result<()> {
    let options = ClusterOptions {
        root: work_dir.join("postgres"),
        ephemeral: false,
        max_connections: 50,
    };
    let cluster = tokio::task::spawn_blocking(move || EmbeddedPostgres::start(&options)).await??;
    let admin = cluster.connect_options("postgres");
    ensure_database(&admin).await?;
    let source = generate_source(&admin, restaurants).await?;
    let target = url_of(&cluster.connect_options(qtable::embedded_pg::DATABASE))?;
    for attempt in ["first run", "second run"] {
        eprintln!("bench: qtable import, {attempt}");
        let started = Instant::now();
        let output = Command::new(server_binary)
            .args(["import", "--from", &url_of(&source)?])
            .env("DATABASE_URL", &target)
            .env("RUST_LOG", "error")
            .output()
            .context("running qtable import")?;
        let took = started.elapsed();
        let report = String::from_utf8_lossy(&output.stdout);
        anyhow::ensure!(
            output.status.success(),
            "import failed: {report}{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let summary: Vec<&str> = report.lines().take(3).collect();
        println!(
            "| import, {attempt} | {restaurants} restaurants | {:.1} s | {} |",
            took.as_secs_f64(),
            summary[2]
        );
    }
    tokio::task::spawn_blocking(move || cluster.stop()).await??;
    Ok(())
}

/// A database of the Python schema holding the generated restaurants.
async fn generate_source(
    admin: &PgConnectOptions,
    restaurants: u32,
) -> anyhow::Result<PgConnectOptions> {
    let mut conn = admin.connect().await?;
    let name = "python_source";
    conn.execute("create database python_source").await?;
    conn.close().await?;
    let options = admin.clone().database(name);
    let mut conn = options.connect().await?;
    sqlx::raw_sql(SCHEMA).execute(&mut conn).await?;
    eprintln!("bench: generating {restaurants} restaurants of the Python schema");
    let hash = bcrypt::hash("bench-password", 4)?;
    for (statement, per_restaurant) in GENERATE {
        generate(&mut conn, statement, restaurants, per_restaurant, &hash).await?;
    }
    conn.execute("analyze").await?;
    conn.close().await?;
    Ok(options)
}

/// Every statement gets the same four values; each uses those it needs.
async fn generate(
    conn: &mut PgConnection,
    statement: &'static str,
    restaurants: u32,
    per_restaurant: i32,
    hash: &str,
) -> anyhow::Result<()> {
    sqlx::query(statement)
        .bind(restaurants as i32)
        .bind(per_restaurant)
        .bind(hash)
        .bind(PEOPLE)
        .execute(conn)
        .await?;
    Ok(())
}

/// `postgres://postgres@localhost/<db>?host=<socket dir>`.
fn url_of(options: &PgConnectOptions) -> anyhow::Result<String> {
    let socket = options.get_socket().context("cluster without a socket")?;
    Ok(format!(
        "postgres://postgres@localhost/{}?host={}",
        options.get_database().unwrap_or_default(),
        socket.display()
    ))
}
