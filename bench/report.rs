//! The one table the bench prints, in Markdown so it drops straight into
//! docs/performance.md, each figure beside its target.

use std::time::Duration;

use crate::{
    booking::RaceRun,
    floor::FloorRun,
    host_stand::MicroRun,
    http_load::{Load, WrkRun},
    live::LiveRound,
    login::LoginRun,
    soak::{Delivery, Soak},
    stats::Figure,
};

struct Row {
    measure: String,
    result: String,
    target: String,
    met: Option<bool>,
}

pub struct Report {
    header: String,
    http: Vec<String>,
    rows: Vec<Row>,
    /// Each load's req/s and p99 by connections, for the loads compared with it.
    measured: Vec<(Load, u32, Figure, Figure)>,
}

impl Report {
    /// A report whose figures were measured as `method` says.
    pub fn new(method: &str, postgres_version: &str) -> Self {
        let cpu = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|info| {
                info.lines()
                    .find_map(|line| line.strip_prefix("model name"))
                    .map(|name| name.trim_start_matches([' ', '\t', ':']).to_owned())
            })
            .unwrap_or_else(|| "unknown CPU".into());
        let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
        let header = format!(
            "{} UTC; {cpu}, {cores} cores, PostgreSQL {postgres_version}; server, database and load \
             generators on the same machine. {method}",
            chrono::Utc::now().format("%Y-%m-%d %H:%M")
        );
        Self {
            header,
            http: Vec::new(),
            rows: Vec::new(),
            measured: Vec::new(),
        }
    }

    fn row(&mut self, measure: impl Into<String>, result: String, target: &str, met: Option<bool>) {
        self.rows.push(Row {
            measure: measure.into(),
            result,
            target: target.into(),
            met,
        });
    }

    pub fn http(&mut self, load: Load, connections: u32, ours: &[WrkRun], floor: &[FloorRun]) {
        let rps = Figure::of_each(ours, |r| r.requests_per_sec);
        let p50 = Figure::of_each(ours, |r| r.p50_ms);
        let p99 = Figure::of_each(ours, |r| r.p99_ms);
        let tps = Figure::of_each(floor, |r| r.transactions_per_sec);
        let floor_p50 = Figure::of_each(floor, |r| r.p50_ms);
        let floor_p99 = Figure::of_each(floor, |r| r.p99_ms);
        let errors: u64 = ours.iter().map(|r| r.errors).sum();
        let share = 100.0 * rps.median / tps.median;
        self.http.push(format!(
            "| {} | {connections} | {rps} | {p50} | {p99} | {tps} | {floor_p50} | {floor_p99} | {share:.0}% | {} |",
            load.label(),
            if errors == 0 { "none".to_owned() } else { format!("**{errors} non-2xx or socket errors**") }
        ));
        let floor_target = match load {
            Load::GetTables => Some(60.0),
            Load::PutTableStatus => Some(50.0),
            _ => None,
        };
        if let Some(target) = floor_target {
            self.row(
                format!(
                    "{} at {connections} connections, share of the pgbench floor",
                    load.label()
                ),
                format!("{share:.0}%"),
                &format!(">= {target:.0}%"),
                Some(share >= target),
            );
        }
        if connections == 64 {
            self.row(
                format!("{} p99 at 64 connections", load.label()),
                format!("{p99} ms"),
                "< 20 ms",
                Some(p99.median < 20.0 && errors == 0),
            );
        }
        self.compare(load, connections, rps, p99);
        self.measured.push((load, connections, rps, p99));
    }

    /// `load`'s req/s as a share of its baseline's in the same run.
    fn compare(&mut self, load: Load, connections: u32, rps: Figure, p99: Figure) {
        let Some((base, target)) = load.baseline() else {
            return;
        };
        let Some(&(_, _, base_rps, base_p99)) = self
            .measured
            .iter()
            .find(|(l, c, _, _)| *l == base && *c == connections)
        else {
            return;
        };
        let share = 100.0 * rps.median / base_rps.median;
        self.row(
            format!(
                "{} at {connections} connections, share of {}",
                load.label(),
                base.label()
            ),
            format!(
                "{share:.0}% ({rps} against {base_rps} req/s; p99 {p99} against {base_p99} ms)"
            ),
            &format!(">= {target:.0}%"),
            Some(share >= target),
        );
    }

    pub fn live(&mut self, scenario: &str, rounds: &[LiveRound]) {
        let p50 = Figure::of_each(rounds, |r| r.p50_ms);
        let p99 = Figure::of_each(rounds, |r| r.p99_ms);
        let lost: usize = rounds.iter().map(|r| r.lost).sum();
        self.row(
            format!("Live delivery, {scenario}: write response to receipt"),
            format!("p50 {p50} ms, p99 {p99} ms, {lost} lost"),
            "p99 < 50 ms, 0 lost",
            Some(p99.median < 50.0 && lost == 0),
        );
    }

    pub fn startup(&mut self, start_ms: Figure, idle_mib: Figure, per_socket_kib: Figure) {
        self.row(
            "Start to healthy, external database",
            format!("{start_ms} ms"),
            "< 500 ms",
            Some(start_ms.median < 500.0),
        );
        self.row(
            "Idle RSS after start",
            format!("{idle_mib} MiB"),
            "< 30 MiB",
            Some(idle_mib.median < 30.0),
        );
        self.row(
            "Server memory per idle WebSocket (10,000 open)",
            format!("{per_socket_kib} KiB"),
            "<= 16 KiB",
            Some(per_socket_kib.median <= 16.0),
        );
    }

    pub fn login(&mut self, runs: &[LoginRun]) {
        let p50 = Figure::of_each(runs, |r| r.p50_ms);
        let p99 = Figure::of_each(runs, |r| r.p99_ms);
        let logins: usize = runs.iter().map(|r| r.logins).sum();
        self.row(
            "Login latency, 8 concurrent",
            format!("p50 {p50} ms, p99 {p99} ms ({logins} logins)"),
            "",
            None,
        );
        let tables = Figure::of_each(runs, |r| r.get_tables.p99_ms);
        let errors: u64 = runs.iter().map(|r| r.get_tables.errors).sum();
        self.row(
            "GET tables p99 (16 connections) while 8 logins run",
            format!("{tables} ms"),
            "< 20 ms",
            Some(tables.median < 20.0 && errors == 0),
        );
    }

    /// The host-stand quote: pure (µs per call) and over HTTP beside GET
    /// tables of the same restaurant.
    pub fn quote(&mut self, micro: &[MicroRun], quotes: &[WrkRun], tables: &[WrkRun]) {
        let p50 = Figure::of_each(micro, |r| r.p50_us);
        let p99 = Figure::of_each(micro, |r| r.p99_us);
        self.row(
            "Quote, pure function (100 tables, 60 waiting)",
            format!("p50 {p50} µs, p99 {p99} µs"),
            "",
            None,
        );
        let rps = Figure::of_each(quotes, |r| r.requests_per_sec);
        let quote_p99 = Figure::of_each(quotes, |r| r.p99_ms);
        let tables_rps = Figure::of_each(tables, |r| r.requests_per_sec);
        let tables_p99 = Figure::of_each(tables, |r| r.p99_ms);
        let errors: u64 = quotes.iter().chain(tables).map(|r| r.errors).sum();
        self.row(
            "GET waitlist quote, 16 connections",
            format!("{rps} req/s, p99 {quote_p99} ms"),
            "",
            None,
        );
        self.row(
            "GET tables (100 rows) of the same restaurant, same run",
            format!("{tables_rps} req/s, p99 {tables_p99} ms"),
            "",
            None,
        );
        let share = 100.0 * rps.median / tables_rps.median;
        self.row(
            "Quote req/s as a share of GET tables' req/s",
            format!("{share:.0}%"),
            ">= 50%",
            Some(share >= 50.0 && errors == 0),
        );
    }

    pub fn booking(&mut self, reads: &[WrkRun], tables: &[WrkRun], races: &[RaceRun]) {
        let rps = Figure::of_each(reads, |r| r.requests_per_sec);
        let p99 = Figure::of_each(reads, |r| r.p99_ms);
        let tables_rps = Figure::of_each(tables, |r| r.requests_per_sec);
        let tables_p99 = Figure::of_each(tables, |r| r.p99_ms);
        let errors: u64 = reads.iter().chain(tables).map(|r| r.errors).sum();
        self.row(
            "GET public availability of a day (40 tables, 2 shifts, 300 reservations), 16 connections",
            format!("{rps} req/s, p99 {p99} ms"),
            "",
            None,
        );
        self.row(
            "GET tables (40 rows) of the same restaurant, same run",
            format!("{tables_rps} req/s, p99 {tables_p99} ms"),
            "",
            None,
        );
        let share = 100.0 * rps.median / tables_rps.median;
        self.row(
            "Availability req/s as a share of GET tables' req/s",
            format!("{share:.0}%"),
            ">= 50%",
            Some(share >= 50.0 && errors == 0),
        );
        let winners: Vec<usize> = races.iter().map(|r| r.last_table_winners).collect();
        self.row(
            "64 holds at once for a slot's last table: winners per run",
            format!("{winners:?}"),
            "1 each",
            Some(winners.iter().all(|&w| w == 1)),
        );
        let attempts = Figure::of_each(races, |r| r.attempts_per_sec);
        let holds = Figure::of_each(races, |r| r.holds_per_sec);
        let oversold: i64 = races.iter().map(|r| r.oversold).sum();
        let race_errors: usize = races.iter().map(|r| r.errors).sum();
        self.row(
            "Hold race, 64 clients over a month of slots: attempts/s, holds granted/s",
            format!("{attempts} attempts/s, {holds} holds/s, {race_errors} errors"),
            "",
            None,
        );
        self.row(
            "Holds oversold (a table twice for one time, or a slot past its covers)",
            oversold.to_string(),
            "0",
            Some(oversold == 0 && race_errors == 0),
        );
    }

    /// Three instances through a crash (`BENCH_ONLY=soak`).
    pub fn soak(&mut self, soak: &Soak) {
        self.row(
            "Acknowledged writes lost (PUT table, POST reservation)",
            format!("{} of {}", soak.lost_writes, soak.acked_writes),
            "0",
            Some(soak.lost_writes == 0),
        );
        let Delivery {
            lost,
            duplicated,
            out_of_order,
            unexpected,
        } = soak.delivery;
        self.row(
            "Live events lost / duplicated / out of order / not in the log, per socket after reconnecting with `since`",
            format!(
                "{lost} / {duplicated} / {out_of_order} / {unexpected} of {} deliveries owed; \
                 {} resync_required; {} gaps in the log",
                soak.events, soak.resyncs, soak.log_gaps
            ),
            "all 0",
            Some(soak.delivery.is_exact() && soak.resyncs == 0 && soak.log_gaps == 0),
        );
        let (killed, killed_dropped) = soak.sockets_killed;
        let (others, others_dropped) = soak.sockets_surviving;
        self.row(
            "Sockets dropped: on the killed instance / on the others",
            format!("{killed_dropped} of {killed} / {others_dropped} of {others}"),
            "all / none",
            Some(killed_dropped == killed && others_dropped == 0),
        );
        self.row(
            "Last dropped socket's new `hello`, after the kill",
            format!("{:.2} s", soak.reconnected_within.as_secs_f64()),
            "",
            None,
        );
        // When each kind failed, counted from the kill.
        let since_kill = |at: Duration| at.as_secs_f64() - soak.kill_at.as_secs_f64();
        let kinds: Vec<String> = soak
            .failures
            .iter()
            .map(|kind| {
                format!(
                    "{} {} at {:+.1} to {:+.1} s",
                    kind.count,
                    kind.what,
                    since_kill(kind.first),
                    since_kill(kind.last)
                )
            })
            .collect();
        self.row(
            "Client errors: requests in flight at the kill / any other",
            format!(
                "{} / {} ({}; of {} writes and {} reads acknowledged)",
                soak.failed_in_flight,
                soak.failed_otherwise,
                if kinds.is_empty() {
                    "none".to_owned()
                } else {
                    kinds.join(", ")
                },
                soak.acked_writes,
                soak.reads
            ),
            "any / 0",
            Some(soak.failed_otherwise == 0),
        );
    }

    pub fn load_rss(&mut self, mib: f64) {
        self.row(
            "RSS after all the load above",
            format!("{mib:.1} MiB"),
            "",
            None,
        );
    }

    pub fn print(&self) {
        println!("{}\n", self.header);
        if !self.http.is_empty() {
            println!(
                "| Request | Conns | req/s | p50 ms | p99 ms | pgbench floor tps | floor p50 ms | floor p99 ms | Share of floor | Errors |"
            );
            println!("|---|---|---|---|---|---|---|---|---|---|");
            for line in &self.http {
                println!("{line}");
            }
            println!();
        }
        println!("| Measure | Result | Target | Met |");
        println!("|---|---|---|---|");
        for row in &self.rows {
            let met = match row.met {
                Some(true) => "yes",
                Some(false) => "**no**",
                None => "",
            };
            println!(
                "| {} | {} | {} | {met} |",
                row.measure, row.result, row.target
            );
        }
    }
}
