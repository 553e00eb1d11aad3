//! The floor: the statements each request runs, replayed by pgbench straight
//! against PostgreSQL with no HTTP, no JSON and no server in between. Each
//! script is one request's transaction, round trip for round trip.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::Context;
use qtable::reservations::{model::ReservationQuery, push_list_query};
use sqlx::{Postgres, QueryBuilder};

use crate::{
    http_load::{Load, WALK_UP_CONTACT},
    seed::{BUSY_DAY, GUEST_DAY, SEARCHES},
    stats::percentile,
    tool,
};

/// The server's own statement named `suffix` (see `qtable::db::all_statements`).
fn statement(suffix: &str) -> &'static str {
    qtable::db::all_statements()
        .find(|s| s.name.ends_with(suffix))
        .unwrap_or_else(|| panic!("the server declares no statement {suffix}"))
        .sql
}

/// `sql` with each `$n` replaced by `values[n - 1]`: pgbench variables and
/// literals standing for the values the server binds.
fn bind(sql: &str, values: &[&str]) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut rest = sql;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let digits = rest[at + 1..]
            .chars()
            .take_while(char::is_ascii_digit)
            .count();
        let n: usize = rest[at + 1..at + 1 + digits]
            .parse()
            .expect("a numbered parameter");
        out.push_str(values[n - 1]);
        rest = &rest[at + 1 + digits..];
    }
    out.push_str(rest);
    out
}

const RESTAURANT: &str = "md5('r' || :n)::uuid";
const TABLE: &str = "md5('t' || :n || '-' || :k)::uuid";

/// Every request opens its transaction the same way: role, tenant and session in one statement.
fn begin() -> String {
    let session = "md5('s' || :n)::uuid";
    format!(
        "BEGIN;\n{};\n",
        bind(statement("db::BEGIN_REQUEST"), &[RESTAURANT, session])
    )
}

/// The journal's single statement, as the server sends it.
fn journal(action: &str, entity_type: &str, event: &str, entity: &str, before: &str) -> String {
    let user = "md5('u' || :n || '-1')::uuid";
    let (action, entity_type, event) = (
        format!("'{action}'"),
        format!("'{entity_type}'"),
        format!("'{event}'"),
    );
    // An update's changed keys, as the server computes them (a creation has none).
    let changed = if before == "null" {
        "null::text[]"
    } else {
        "'{lastUpdated,status}'::text[]"
    };
    let values = [
        RESTAURANT,
        &event,
        entity,
        ":entity::jsonb",
        user,
        &action,
        &entity_type,
        before,
        ":entity::jsonb",
        changed,
    ];
    format!(
        "{};\n",
        bind(statement("journal::queries::RECORD_CHANGE"), &values)
    )
}

fn put_table_status() -> String {
    let status = "(case when :s = 0 then 'reserved' else 'available' end)::table_status";
    let unchanged = [
        "null::text",
        "null::int",
        "null::float8",
        "null::float8",
        "null::table_shape",
        "null::text",
    ];
    let mut update = vec![TABLE];
    update.extend(unchanged);
    update.push(status);
    format!(
        "{};\n{};\n{}",
        bind(statement("floor::queries::LOCK_TABLE"), &[TABLE]),
        bind(statement("tables::queries::UPDATE_TABLE"), &update),
        journal(
            "table.update",
            "table",
            "table_update",
            TABLE,
            ":entity::jsonb"
        )
    )
}

fn post_reservation() -> String {
    // The server reads the restaurant's region before it reads the contact,
    // which then links nothing (see the test below).
    let region = format!("{};\n", statement("guest_profiles::queries::SELECT_REGION"));
    // Without shifts the booking engine only looks, and takes no lock.
    let day = format!(
        "{};\n",
        bind(
            statement("booking::availability::queries::LOCK_DAY"),
            &["'2026-12-05 19:30+00'::timestamptz"]
        )
    );
    let contact = format!("'{WALK_UP_CONTACT}'");
    let values = [
        RESTAURANT,
        "'Bench walk-up'",
        ":k % 6 + 1",
        "'confirmed'",
        "'2026-12-05 19:30+00'::timestamptz",
        &contact,
        "null",
        "null",
        "null",
        "null",
        "false",
    ];
    format!(
        "{day}{region}{};\n{}",
        bind(
            statement("reservations::queries::INSERT_RESERVATION"),
            &values
        ),
        journal(
            "reservation.create",
            "reservation",
            "reservation_update",
            "gen_random_uuid()",
            "null"
        )
    )
}

/// The day list exactly as the server composes it for `?date=`.
fn get_day(day: &str) -> String {
    let query = ReservationQuery {
        date: Some(day.parse().expect("a seeded day is a date")),
        ..ReservationQuery::default()
    };
    let mut list = QueryBuilder::<Postgres>::new("");
    push_list_query(&mut list, &query, 500);
    let date = format!("'{day}'::date");
    format!("{};\n", bind(list.sql().as_str(), &[&date, &date, "500"]))
}

/// The first page of a search, no cursor, the default limit of 25. The
/// query rotates as wrk rotates it, picked by `:q` from the same list.
fn guest_search() -> String {
    let quoted: Vec<String> = SEARCHES.iter().map(|q| format!("'{q}'")).collect();
    let q = format!("(array[{}])[:q]", quoted.join(", "));
    let values = [q.as_str(), "null::float8", "null::uuid", "25"];
    format!(
        "{};\n",
        bind(
            statement("guest_profiles::queries::SEARCH_PROFILES"),
            &values
        )
    )
}

fn script(load: Load) -> String {
    let body = match load {
        Load::GetTables => format!("{};\n", statement("tables::queries::SELECT_TABLES")),
        Load::PutTableStatus => put_table_status(),
        Load::PostReservation => post_reservation(),
        Load::GetDay => get_day(BUSY_DAY),
        Load::GetDayLinked => get_day(GUEST_DAY),
        Load::GuestSearch => guest_search(),
    };
    // Reads end as the server ends them (see `Tenant::end_read`).
    let end = match load {
        Load::GetTables | Load::GetDay | Load::GetDayLinked | Load::GuestSearch => "ROLLBACK",
        Load::PutTableStatus | Load::PostReservation => "COMMIT",
    };
    // The guest book is restaurant 1's alone.
    let restaurant = match load {
        Load::GuestSearch => "1".to_owned(),
        _ => "random(1, :restaurants)".to_owned(),
    };
    format!(
        "\\set n {restaurant}\n\\set k random(1, :tables)\n\\set s random(0, 1)\n\\set q random(1, {})\n{}{body}{end};\n",
        SEARCHES.len(),
        begin()
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

#[cfg(test)]
mod tests {
    use qtable::guest_profiles::contact::Contact;

    use super::*;

    #[test]
    fn parameters_are_replaced_by_their_whole_number() {
        let values = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];
        assert_eq!(bind("$1, $10 and $2", &values), "a, j and b");
    }

    #[test]
    fn the_walk_up_contact_links_no_profile() {
        assert_eq!(Contact::recognise(WALK_UP_CONTACT, "US"), None);
    }

    #[test]
    fn every_script_names_only_statements_the_server_declares() {
        for load in Load::ALL {
            let script = script(load);
            assert!(!script.contains('$'), "{script}");
            assert!(script.starts_with("\\set n"), "{script}");
        }
    }
}
