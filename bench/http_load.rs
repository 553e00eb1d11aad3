//! HTTP load with wrk: one generated Lua script per kind of request, spreading
//! requests over every seeded restaurant with that restaurant's own token.

use std::{fmt::Write as _, path::Path, process::Command};

use anyhow::{Context, bail};
use uuid::Uuid;

use crate::{
    seed::{BUSY_DAY, GUEST_DAY, SEARCHES},
    tool,
};

/// One restaurant as a client sees it.
#[derive(Clone)]
pub struct Target {
    pub restaurant_id: Uuid,
    pub token: String,
    pub table_ids: Vec<Uuid>,
}

/// The contact every bench reservation is made with: a number no region
/// has, so the server links no guest profile and the floor needs no
/// profile lookup (floor.rs tests this).
pub const WALK_UP_CONTACT: &str = "+33 1 00 00 00 00";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Load {
    GetTables,
    PutTableStatus,
    PostReservation,
    GetDay,
    /// The same list on a day whose reservations all carry a guest summary.
    GetDayLinked,
    /// Search of restaurant 1's book of 100,000 guests.
    GuestSearch,
}

impl Load {
    pub const ALL: [Load; 6] = [
        Load::GetTables,
        Load::PutTableStatus,
        Load::PostReservation,
        Load::GetDay,
        Load::GetDayLinked,
        Load::GuestSearch,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Load::GetTables => "GET tables (40 rows)",
            Load::PutTableStatus => "PUT table status",
            Load::PostReservation => "POST reservation",
            Load::GetDay => "GET reservations of a day",
            Load::GetDayLinked => "GET reservations of a day, all with guest summaries",
            Load::GuestSearch => "GET guest-profiles?q= (100,000 profiles)",
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            Load::GetTables => "get_tables",
            Load::PutTableStatus => "put_table",
            Load::PostReservation => "post_reservation",
            Load::GetDay => "get_day",
            Load::GetDayLinked => "get_day_linked",
            Load::GuestSearch => "guest_search",
        }
    }

    /// Connection counts it is measured at: the issue asks search at 16 only.
    pub fn connections(self) -> &'static [u32] {
        match self {
            Load::GuestSearch => &[16],
            _ => &[16, 64],
        }
    }

    /// The load this one is compared with, and the share of its req/s it
    /// must keep: the day list may lose at most 10% to the guest summaries.
    pub fn baseline(self) -> Option<(Load, f64)> {
        match self {
            Load::GetDayLinked => Some((Load::GetDay, 90.0)),
            _ => None,
        }
    }

    pub fn is_compared_with(self, base: Load) -> bool {
        self.baseline().is_some_and(|(load, _)| load == base)
    }

    /// The Lua body of wrk's `request()`: `t` is the target, `i` a per-thread counter.
    pub fn lua_request(self) -> String {
        match self {
            Load::GetTables => {
                r#"return wrk.format("GET", "/restaurants/" .. t[1] .. "/tables", auth(t))"#.into()
            }
            Load::PutTableStatus => r#"local tables = t[3]
  local table_id = tables[math.floor(i / #targets) % #tables + 1]
  local status = math.floor(i / (#targets * #tables)) % 2 == 0 and "reserved" or "available"
  local headers = auth(t)
  headers["Content-Type"] = "application/json"
  return wrk.format("PUT", "/restaurants/" .. t[1] .. "/tables/" .. table_id, headers,
    '{"status":"' .. status .. '"}')"#
                .into(),
            Load::PostReservation => format!(
                r#"local headers = auth(t)
  headers["Content-Type"] = "application/json"
  return wrk.format("POST", "/restaurants/" .. t[1] .. "/reservations", headers,
    '{{"guestName":"Bench walk-up ' .. i .. '","partySize":' .. (i % 6 + 1) ..
    ',"reservationTime":"2026-12-05T19:30:00Z","contactInfo":"{WALK_UP_CONTACT}"}}')"#
            ),
            Load::GetDay => day_list(BUSY_DAY),
            Load::GetDayLinked => day_list(GUEST_DAY),
            // `searches` is declared beside `targets` (see `write_script`).
            Load::GuestSearch => r#"return wrk.format("GET", "/restaurants/" .. t[1] .. "/guest-profiles?q=" .. searches[i % #searches + 1], auth(t))"#.into(),
        }
    }
}

fn day_list(day: &str) -> String {
    format!(
        r#"return wrk.format("GET", "/restaurants/" .. t[1] .. "/reservations?date={day}", auth(t))"#
    )
}

/// The search queries as a Lua list, spaces escaped for the URL.
fn lua_searches() -> String {
    let quoted: Vec<String> = SEARCHES
        .iter()
        .map(|q| format!("\"{}\"", q.replace(' ', "%20")))
        .collect();
    format!("local searches = {{{}}}\n", quoted.join(", "))
}

/// What one wrk run measured.
#[derive(Debug, Clone, Copy)]
pub struct WrkRun {
    pub requests_per_sec: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Socket errors plus responses outside 2xx/3xx.
    pub errors: u64,
}

/// Writes the script for `load` over `targets` into `dir`.
pub fn write_script(
    dir: &Path,
    load: Load,
    targets: &[Target],
) -> anyhow::Result<std::path::PathBuf> {
    write_lua(dir, load.slug(), &load.lua_request(), targets)
}

/// Writes `<slug>.lua` into `dir`: wrk's `request()` runs `request` over
/// `targets` in turn (see `Load::lua_request` for what it may use).
pub fn write_lua(
    dir: &Path,
    slug: &str,
    request: &str,
    targets: &[Target],
) -> anyhow::Result<std::path::PathBuf> {
    let mut lua = String::from("local targets = {\n");
    for target in targets {
        let tables: Vec<String> = target
            .table_ids
            .iter()
            .map(|id| format!("\"{id}\""))
            .collect();
        writeln!(
            lua,
            "  {{\"{}\", \"{}\", {{{}}}}},",
            target.restaurant_id,
            target.token,
            tables.join(",")
        )?;
    }
    lua.push_str("}\n");
    lua.push_str(&lua_searches());
    lua.push_str(
        r#"local threads = 0
function setup(thread)
  thread:set("offset", threads * 7919)
  threads = threads + 1
end
local i = 0
local function auth(t)
  return { ["Authorization"] = "Bearer " .. t[2] }
end
function request()
  i = i + 1
  local t = targets[(i + (offset or 0)) % #targets + 1]
  "#,
    );
    lua.push_str(request);
    lua.push_str("\nend\n");
    let path = dir.join(format!("{slug}.lua"));
    std::fs::write(&path, lua)?;
    Ok(path)
}

/// Two scripts against `base_url`, run after run in turn (so the machine's
/// drift hits both alike), `runs` times each.
pub fn alternate(
    (first, second): (&Path, &Path),
    base_url: &str,
    connections: u32,
    (runs, seconds): (usize, u32),
) -> anyhow::Result<(Vec<WrkRun>, Vec<WrkRun>)> {
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        ours.push(run(first, base_url, connections, seconds)?);
        theirs.push(run(second, base_url, connections, seconds)?);
    }
    Ok((ours, theirs))
}

/// Runs wrk with `connections` for `seconds` against `base_url`.
pub fn run(
    script: &Path,
    base_url: &str,
    connections: u32,
    seconds: u32,
) -> anyhow::Result<WrkRun> {
    let mut wrk = Command::new("wrk");
    wrk.args(["-t", "2", "-c", &connections.to_string()])
        .args([
            "-d",
            &format!("{seconds}s"),
            "--latency",
            "--timeout",
            "5s",
            "-s",
        ])
        .arg(script)
        .arg(base_url);
    let text = tool::stdout_of(&mut wrk, "install it with `apt-get install wrk`")?;
    parse(&text).with_context(|| format!("reading wrk's report:\n{text}"))
}

fn parse(report: &str) -> anyhow::Result<WrkRun> {
    let field = |prefix: &str| {
        report
            .lines()
            .map(str::trim)
            .find_map(|line| line.strip_prefix(prefix))
            .map(str::trim)
    };
    let requests_per_sec = field("Requests/sec:").context("no Requests/sec")?.parse()?;
    let p50_ms = duration_ms(field("50%").context("no 50% latency")?)?;
    let p99_ms = duration_ms(field("99%").context("no 99% latency")?)?;
    let non_2xx: u64 = field("Non-2xx or 3xx responses:").map_or(Ok(0), str::parse)?;
    let socket_errors: u64 = field("Socket errors:").map_or(0, |errors| {
        errors
            .split(',')
            .filter_map(|part| part.split_whitespace().last()?.parse::<u64>().ok())
            .sum()
    });
    Ok(WrkRun {
        requests_per_sec,
        p50_ms,
        p99_ms,
        errors: non_2xx + socket_errors,
    })
}

/// wrk prints durations as `812.00us`, `1.23ms` or `1.05s`.
fn duration_ms(value: &str) -> anyhow::Result<f64> {
    let split = value
        .find(|c: char| c.is_ascii_alphabetic())
        .context("duration without unit")?;
    let (number, unit) = value.split_at(split);
    let number: f64 = number.parse()?;
    Ok(match unit {
        "us" => number / 1000.0,
        "ms" => number,
        "s" => number * 1000.0,
        "m" => number * 60_000.0,
        other => bail!("unknown wrk duration unit {other}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "Running 5s test @ http://127.0.0.1:8000
  2 threads and 16 connections
  Latency Distribution
     50%  812.00us
     75%    1.10ms
     90%    1.50ms
     99%    3.21ms
  52010 requests in 5.00s, 90.12MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:  10401.95
Transfer/sec:     18.02MB
";

    #[test]
    fn reads_throughput_latency_and_errors() {
        let run = parse(REPORT).unwrap();
        assert_eq!(run.requests_per_sec, 10401.95);
        assert_eq!(run.p50_ms, 0.812);
        assert_eq!(run.p99_ms, 3.21);
        assert_eq!(run.errors, 7);
    }
}
