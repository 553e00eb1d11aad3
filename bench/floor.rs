//! The floor: the statements each request runs, replayed by pgbench straight
//! against PostgreSQL with no HTTP, no JSON and no server in between. Each
//! script is one request's transaction, round trip for round trip.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::Context;
// The server's own column lists, so the floor reads exactly what it reads.
use qtable::{
    reservations::queries::COLUMNS as RESERVATION_COLUMNS,
    tables::queries::COLUMNS as TABLE_COLUMNS,
};

use crate::{http_load::Load, seed::BUSY_DAY, stats::percentile, tool};

/// Every request opens its transaction the same way: role, tenant and session in one statement.
const BEGIN: &str =
    "BEGIN;\nselect app.begin_request(md5('r' || :n)::uuid, md5('s' || :n)::uuid);\n";

/// The journal's single statement, as `activity::queries::record` sends it.
fn journal(action: &str, entity_type: &str, event: &str, entity: &str, before: &str) -> String {
    format!(
        "with counter as (
    insert into event_counters as c (restaurant_id, last_seq) values (md5('r' || :n)::uuid, 1)
    on conflict (restaurant_id) do update set last_seq = c.last_seq + 1
    returning last_seq
), entry as (
    insert into activity (restaurant_id, user_id, action, entity_type, entity_id, before, after)
    values (md5('r' || :n)::uuid, md5('u' || :n || '-1')::uuid, '{action}', '{entity_type}', {entity}, {before}, :entity::jsonb)
)
insert into events (restaurant_id, seq, type, entity_id, data)
select md5('r' || :n)::uuid, last_seq, '{event}', {entity}, :entity::jsonb from counter
returning type, data, created_at, restaurant_id, seq;\n"
    )
}

fn script(load: Load) -> String {
    let table = "md5('t' || :n || '-' || :k)::uuid";
    let body = match load {
        Load::GetTables => format!("select {TABLE_COLUMNS} from dining_tables;\n"),
        Load::PutTableStatus => format!(
            "select {TABLE_COLUMNS} from dining_tables where id = {table} for update;
update dining_tables set
    table_number = coalesce(null::text, table_number), capacity = coalesce(null::int, capacity),
    position_x = coalesce(null::float8, position_x), position_y = coalesce(null::float8, position_y),
    shape = coalesce(null::table_shape, shape), section = coalesce(null::text, section),
    status = coalesce((case when :s = 0 then 'reserved' else 'available' end)::table_status, status),
    version = version + 1, updated_at = now()
where id = {table}
returning {TABLE_COLUMNS};
{}",
            journal("table.update", "table", "table_update", table, ":entity::jsonb")
        ),
        Load::PostReservation => format!(
            "insert into reservations (restaurant_id, guest_name, party_size, status, reservation_time, contact_info, notes, assigned_table_id)
values (md5('r' || :n)::uuid, 'Bench walk-up', :k % 6 + 1, 'confirmed', '2026-12-05 19:30+00'::timestamptz, '+33 1 00 00 00 00', null, null)
returning {RESERVATION_COLUMNS};
{}",
            journal(
                "reservation.create",
                "reservation",
                "reservation_update",
                "gen_random_uuid()",
                "null"
            )
        ),
        Load::GetDay => format!(
            "select {RESERVATION_COLUMNS} from reservations r
where r.booked_at >= cast('{BUSY_DAY}'::date as timestamp) at time zone (select timezone from restaurants)
  and r.booked_at < cast('{BUSY_DAY}'::date + 1 as timestamp) at time zone (select timezone from restaurants)
order by r.booked_at, r.id limit 500;\n"
        ),
    };
    // Reads end as the server ends them (see `Tenant::end_read`).
    let end = match load {
        Load::GetTables | Load::GetDay => "ROLLBACK",
        Load::PutTableStatus | Load::PostReservation => "COMMIT",
    };
    format!(
        "\\set n random(1, :restaurants)\n\\set k random(1, :tables)\n\\set s random(0, 1)\n{BEGIN}{body}{end};\n"
    )
}

/// A representative entity as the server would journal it (bound as one parameter).
const ENTITY_JSON: &str = r#"{"id": "6f1c0d0e-3c55-4b8e-9a51-1f0c2b7d9e10", "tableNumber": "A12", "capacity": 4, "status": "reserved", "position": {"x": 0.5, "y": 0.33}, "shape": "round", "section": "Main", "currentGuestId": null, "version": 7, "updatedAt": "2026-12-03T19:00:00.000Z", "createdAt": "2026-11-28T10:00:00.000Z"}"#;

/// What one pgbench run measured.
#[derive(Debug, Clone, Copy)]
pub struct FloorRun {
    pub transactions_per_sec: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
}

/// Where pgbench finds the database and the seeded data's size.
pub struct Floor {
    pub socket_dir: PathBuf,
    pub database: String,
    pub restaurants: u32,
    pub tables: u32,
    pub work_dir: PathBuf,
}

impl Floor {
    pub fn write_script(&self, load: Load) -> anyhow::Result<PathBuf> {
        let path = self.work_dir.join(format!("{}.sql", load.slug()));
        std::fs::write(&path, script(load))?;
        Ok(path)
    }

    /// Runs `script` on `clients` connections for `seconds`, as prepared statements.
    pub fn run(&self, script: &Path, clients: u32, seconds: u32) -> anyhow::Result<FloorRun> {
        let log_dir = self.work_dir.join("pgbench-log");
        let _ = std::fs::remove_dir_all(&log_dir);
        std::fs::create_dir_all(&log_dir)?;
        let mut pgbench = Command::new("pgbench");
        pgbench
            .args(["-n", "-M", "prepared", "-j", "2", "-U", "postgres"])
            .args(["-c", &clients.to_string(), "-T", &seconds.to_string()])
            .arg("-h")
            .arg(&self.socket_dir)
            .args(["-D", &format!("restaurants={}", self.restaurants)])
            .args(["-D", &format!("tables={}", self.tables)])
            .args(["-D", &format!("entity={ENTITY_JSON}")])
            .arg("-l")
            .arg(format!("--log-prefix={}", log_dir.join("tx").display()))
            .arg("-f")
            .arg(script)
            .arg(&self.database)
            .current_dir(&log_dir);
        let report = tool::stdout_of(&mut pgbench, "it comes with PostgreSQL's client package")?;
        let transactions_per_sec = report
            .lines()
            .find_map(|line| line.strip_prefix("tps = "))
            .and_then(|rest| rest.split_whitespace().next())
            .context("no tps in pgbench's report")?
            .parse()?;
        let mut latencies = transaction_latencies_ms(&log_dir)?;
        Ok(FloorRun {
            transactions_per_sec,
            p50_ms: percentile(&mut latencies, 50.0),
            p99_ms: percentile(&mut latencies, 99.0),
        })
    }
}

/// pgbench's per-transaction log: `client tx_no latency_us script epoch us`.
fn transaction_latencies_ms(log_dir: &Path) -> anyhow::Result<Vec<f64>> {
    let mut latencies = Vec::new();
    for entry in std::fs::read_dir(log_dir)? {
        let text = std::fs::read_to_string(entry?.path())?;
        latencies.extend(
            text.lines()
                .filter_map(|line| line.split_whitespace().nth(2)?.parse::<f64>().ok())
                .map(|us| us / 1000.0),
        );
    }
    Ok(latencies)
}
