//! `qtable-bench`: provisions a throwaway PostgreSQL, seeds it, starts the
//! release server, drives it over loopback with wrk and WebSocket clients,
//! runs the same transactions through pgbench for the floor, and prints one
//! table. Run it with `scripts/bench`; see docs/performance.md.

mod booking;
mod floor;
mod host_stand;
mod http_load;
mod import;
mod live;
mod login;
mod report;
mod seed;
mod server;
mod soak;
mod stats;
mod tool;

use std::{
    path::{Path, PathBuf},
    time::Duration,
};

use anyhow::Context;
use qtable::{
    config::Secret,
    embedded_pg::{ClusterOptions, DATABASE, EmbeddedPostgres, ensure_database},
    tokens::TokenKeys,
};
use sqlx::postgres::PgPoolOptions;
use uuid::Uuid;

use crate::{
    floor::{Floor, FloorRun},
    http_load::{Load, Target, WrkRun},
    report::Report,
    seed::Shape,
    server::Server,
    stats::Figure,
};

/// Idle sockets held open at once for the memory figure.
const IDLE_SOCKETS: usize = 10_000;
/// Descriptors each of the bench and the server (which inherits our limit)
/// need: one per idle socket, plus headroom.
const FILES_NEEDED: u64 = IDLE_SOCKETS as u64 + 2_048;

/// What `BENCH_ONLY` may name: a section, or one request of the HTTP section.
const PARTS: [&str; 14] = [
    "import",
    "booking",
    "soak",
    "startup",
    "http",
    "live",
    "login",
    "quote",
    "get_tables",
    "put_table",
    "post_reservation",
    "get_day",
    "get_day_linked",
    "guest_search",
];

/// Knobs, from the environment, with the documented defaults.
struct Settings {
    seconds: u32,
    runs: usize,
    shape: Shape,
    server_binary: PathBuf,
    /// One section (`startup`, `http`, `live`, `login`, `quote`, `booking`,
    /// and the two only run when named: `import`, `soak`) or one request
    /// (`get_tables`, `put_table`, `post_reservation`, `get_day`,
    /// `get_day_linked`, `guest_search`); all when unset.
    only: Option<String>,
}

impl Settings {
    fn from_env() -> anyhow::Result<Self> {
        let number = |name: &str, default: u32| -> anyhow::Result<u32> {
            std::env::var(name).map_or(Ok(default), |v| {
                v.parse::<std::num::NonZeroU32>()
                    .map(u32::from)
                    .with_context(|| format!("{name} must be a positive whole number, not {v:?}"))
            })
        };
        let only = std::env::var("BENCH_ONLY").ok();
        if let Some(part) = only.as_deref()
            && !PARTS.contains(&part)
        {
            anyhow::bail!(
                "BENCH_ONLY must be one of {}, not {part:?}",
                PARTS.join(", ")
            );
        }
        let beside_us = std::env::current_exe()?.with_file_name("qtable");
        let mut settings = Self {
            seconds: number("BENCH_SECONDS", 5)?,
            runs: number("BENCH_RUNS", 3)?.max(3) as usize,
            shape: Shape {
                restaurants: number("BENCH_RESTAURANTS", 100)?,
                tables: 40,
                reservations: 300,
                staff: 4,
                guest_book: 0,
            },
            server_binary: std::env::var_os("QTABLE_BIN").map_or(beside_us, PathBuf::from),
            only,
        };
        // The 100,000 profiles take a while to index: only when searched.
        if settings.wants_load(Load::GuestSearch) {
            settings.shape.guest_book = 100_000;
        }
        Ok(settings)
    }

    /// Whether `load` is measured: all of the HTTP section, or that request,
    /// or a request compared with it (so the two share one run).
    fn wants_load(&self, load: Load) -> bool {
        let compared = Load::ALL
            .iter()
            .any(|other| other.is_compared_with(load) && self.wants(other.slug()));
        self.wants("http") || self.wants(load.slug()) || compared
    }

    fn wants(&self, part: &str) -> bool {
        self.only.as_deref().is_none_or(|only| only == part)
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let settings = Settings::from_env()?;
    raise_file_limit()?;
    let work_dir = std::env::temp_dir().join(format!("qtable-bench-{}", std::process::id()));
    std::fs::create_dir_all(&work_dir)?;
    let result = run(&settings, &work_dir).await;
    let _ = std::fs::remove_dir_all(&work_dir);
    result
}

async fn run(settings: &Settings, work_dir: &Path) -> anyhow::Result<()> {
    // The import's figure needs a source database, not the seeded service.
    if settings.only.as_deref() == Some("import") {
        let restaurants = settings.shape.restaurants;
        return import::run(restaurants, &settings.server_binary, work_dir).await;
    }
    let database = Database::provision(settings, work_dir).await?;
    let secret = hex::encode(rand::random::<[u8; 32]>());
    let bench = Bench {
        settings,
        work_dir,
        targets: targets(&secret, &settings.shape),
        database_url: format!(
            "postgres://postgres@localhost/{DATABASE}?host={}",
            database.socket_dir.display()
        ),
        secret,
        data_dir: work_dir.join("server"),
    };
    // A minute of its own, with HAProxy and Redis to install: only when named.
    if settings.only.as_deref() == Some("soak") {
        let method =
            "One run of 60 s: three instances behind HAProxy, one killed with SIGKILL at 30 s.";
        let mut report = Report::new(method, &database.postgres_version);
        report.soak(&soak::run(&bench).await?);
        report.print();
        return Ok(());
    }
    let (runs, seconds) = (settings.runs, settings.seconds);
    let method = format!(
        "Each figure: median of {runs} runs of {seconds} s, ± half the spread between the lowest and highest run."
    );
    let mut report = Report::new(&method, &database.postgres_version);

    if settings.wants("startup") {
        bench.startup(&mut report).await?;
    }
    let (server, _) = bench.start_server().await?;
    bench.http(&server, &database, &mut report)?;
    if settings.wants("quote") {
        bench.host_stand(&server, &mut report)?;
    }
    if settings.wants("live") {
        bench.live(&server, &mut report).await?;
    }
    if settings.wants("login") {
        bench.login(&server, &mut report).await?;
    }
    if settings.wants("booking") {
        bench.booking(&server, &mut report).await?;
    }
    report.load_rss(server.rss_bytes()? as f64 / 1024.0 / 1024.0);
    server.stop().await?;
    report.print();
    drop(database);
    Ok(())
}

/// The throwaway cluster, migrated and seeded, for the bench's lifetime.
struct Database {
    /// Stops the cluster when dropped.
    _cluster: EmbeddedPostgres,
    socket_dir: PathBuf,
    postgres_version: String,
}

impl Database {
    async fn provision(settings: &Settings, work_dir: &Path) -> anyhow::Result<Self> {
        let options = ClusterOptions {
            root: work_dir.join("postgres"),
            ephemeral: false,
            max_connections: 200,
        };
        eprintln!(
            "bench: starting a throwaway PostgreSQL in {}",
            options.root.display()
        );
        let cluster =
            tokio::task::spawn_blocking(move || EmbeddedPostgres::start(&options)).await??;
        ensure_database(&cluster.connect_options("postgres")).await?;
        let db_options = cluster.connect_options(DATABASE);
        let socket_dir = db_options
            .get_socket()
            .context("cluster without a socket")?
            .clone();
        let pool = PgPoolOptions::new()
            .max_connections(2)
            .connect_with(db_options)
            .await?;
        qtable::db::migrate(&pool).await?;
        eprintln!(
            "bench: seeding {} restaurants x {} tables x {} reservations",
            settings.shape.restaurants, settings.shape.tables, settings.shape.reservations
        );
        if settings.shape.guest_book > 0 {
            eprintln!(
                "bench: and {} guest profiles in restaurant 1 (a few minutes)",
                settings.shape.guest_book
            );
        }
        seed::seed(&pool, &settings.shape).await?;
        host_stand::seed(&pool).await?;
        booking::seed(&pool).await?;
        let postgres_version: String = sqlx::query_scalar("show server_version")
            .fetch_one(&pool)
            .await?;
        pool.close().await;
        Ok(Self {
            _cluster: cluster,
            socket_dir,
            postgres_version,
        })
    }
}

/// What every section needs: the settings, the seeded restaurants and how to
/// start a server against them.
struct Bench<'a> {
    settings: &'a Settings,
    work_dir: &'a Path,
    targets: Vec<Target>,
    database_url: String,
    secret: String,
    data_dir: PathBuf,
}

impl Bench<'_> {
    async fn start_server(&self) -> anyhow::Result<(Server, Duration)> {
        Server::start(
            &self.settings.server_binary,
            &self.database_url,
            &self.secret,
            &self.data_dir,
            None,
        )
        .await
    }

    /// Start-up time, idle memory and memory per idle socket, each on a
    /// fresh server.
    async fn startup(&self, report: &mut Report) -> anyhow::Result<()> {
        let runs = self.settings.runs;
        eprintln!(
            "bench: start-up, idle memory and {IDLE_SOCKETS} idle sockets, {runs} fresh servers"
        );
        let (mut start, mut idle, mut per_socket) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..runs {
            let (server, took) = self.start_server().await?;
            start.push(took.as_secs_f64() * 1000.0);
            let before = server.rss_bytes()?;
            idle.push(before as f64 / 1024.0 / 1024.0);
            let plan: Vec<usize> = (0..IDLE_SOCKETS).map(|i| i % self.targets.len()).collect();
            let sockets = live::connect_all(server.port, &self.targets, &plan).await?;
            let after = server.rss_bytes()?;
            per_socket.push(after.saturating_sub(before) as f64 / IDLE_SOCKETS as f64 / 1024.0);
            drop(sockets);
            server.stop().await?;
        }
        report.startup(
            Figure::of(&start),
            Figure::of(&idle),
            Figure::of(&per_socket),
        );
        Ok(())
    }

    /// Each request the settings want, through wrk against `server` and
    /// through pgbench against the floor, at 16 and 64 connections.
    fn http(
        &self,
        server: &Server,
        database: &Database,
        report: &mut Report,
    ) -> anyhow::Result<()> {
        let floor = Floor {
            socket_dir: database.socket_dir.clone(),
            database: DATABASE.into(),
            restaurants: self.settings.shape.restaurants,
            tables: self.settings.shape.tables,
            work_dir: self.work_dir.to_path_buf(),
        };
        let wanted: Vec<Load> = Load::ALL
            .into_iter()
            .filter(|&load| self.settings.wants_load(load))
            .collect();
        for group in paired(&wanted) {
            let mut scripts = Vec::new();
            for &load in &group {
                let targets = self.targets_of(load);
                let http_script = http_load::write_script(self.work_dir, load, targets)?;
                scripts.push((http_script, floor.write_script(load)?));
            }
            for &connections in group[0].connections() {
                let labels: Vec<&str> = group.iter().map(|load| load.label()).collect();
                eprintln!("bench: {} at {connections} connections", labels.join(" | "));
                let measured = self.runs_of(server, &floor, &scripts, connections)?;
                for (&load, (ours, theirs)) in group.iter().zip(&measured) {
                    report.http(load, connections, ours, theirs);
                }
            }
        }
        Ok(())
    }

    /// Each (wrk, pgbench) pair of scripts, run after run in turn, so the
    /// machine's drift hits every load of a comparison alike.
    fn runs_of(
        &self,
        server: &Server,
        floor: &Floor,
        scripts: &[(PathBuf, PathBuf)],
        connections: u32,
    ) -> anyhow::Result<Vec<(Vec<WrkRun>, Vec<FloorRun>)>> {
        let (base, seconds) = (server.base_url(), self.settings.seconds);
        let mut measured = vec![(Vec::new(), Vec::new()); scripts.len()];
        for _ in 0..self.settings.runs {
            for ((http_script, floor_script), (ours, theirs)) in scripts.iter().zip(&mut measured) {
                ours.push(http_load::run(http_script, &base, connections, seconds)?);
                theirs.push(floor.run(floor_script, connections, seconds)?);
            }
        }
        Ok(measured)
    }

    /// The restaurants a load spreads over: search reads restaurant 1's book.
    fn targets_of(&self, load: Load) -> &[Target] {
        match load {
            Load::GuestSearch => &self.targets[..1],
            _ => &self.targets,
        }
    }

    /// Delivery of live events to 1,000 sockets, spread over all restaurants
    /// and all on one.
    async fn live(&self, server: &Server, report: &mut Report) -> anyhow::Result<()> {
        eprintln!("bench: live delivery");
        let (targets, runs) = (&self.targets, self.settings.runs);
        let spread: Vec<usize> = (0..1_000).map(|i| i % targets.len()).collect();
        let rounds = live::measure(server.port, targets, &spread, runs, 100).await?;
        report.live("1,000 sockets over all restaurants", &rounds);
        let one: Vec<usize> = vec![0; 1_000];
        let rounds = live::measure(server.port, targets, &one, runs, 30).await?;
        report.live("1,000 sockets on one restaurant", &rounds);
        Ok(())
    }

    /// The quote for 100 tables and 60 waiting parties: the pure function,
    /// then over HTTP beside GET tables of the same restaurant.
    fn host_stand(&self, server: &Server, report: &mut Report) -> anyhow::Result<()> {
        eprintln!(
            "bench: the quote (100 tables, 60 waiting), pure and over HTTP beside GET tables"
        );
        let runs = self.settings.runs;
        let micro: Vec<_> = (0..runs).map(|_| host_stand::micro(10_000)).collect();
        let dir = self.work_dir.join("host-stand");
        std::fs::create_dir_all(&dir)?;
        let target = host_stand::target(&token_keys(&self.secret));
        let (quotes, tables) = host_stand::http(
            &dir,
            &server.base_url(),
            target,
            (runs, self.settings.seconds),
        )?;
        report.quote(&micro, &quotes, &tables);
        Ok(())
    }

    /// Public availability beside GET tables of the same restaurant, then
    /// the hold race, each `runs` times.
    async fn booking(&self, server: &Server, report: &mut Report) -> anyhow::Result<()> {
        eprintln!(
            "bench: public availability beside GET tables, then {} clients racing for holds",
            booking::CLIENTS
        );
        let (runs, seconds) = (self.settings.runs, self.settings.seconds);
        let dir = self.work_dir.join("booking");
        std::fs::create_dir_all(&dir)?;
        let target = booking::target(&token_keys(&self.secret));
        let (reads, tables) = booking::http(&dir, &server.base_url(), target, (runs, seconds))?;
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .connect(&self.database_url)
            .await?;
        let mut races = Vec::new();
        for _ in 0..runs {
            races.push(booking::race(&server.base_url(), &pool, seconds).await?);
        }
        pool.close().await;
        report.booking(&reads, &tables, &races);
        Ok(())
    }

    /// Concurrent logins while wrk reads the floor plan.
    async fn login(&self, server: &Server, report: &mut Report) -> anyhow::Result<()> {
        eprintln!("bench: 8 concurrent logins beside GET tables");
        let get_tables = http_load::write_script(self.work_dir, Load::GetTables, &self.targets)?;
        let mut runs = Vec::new();
        let base = server.base_url();
        for _ in 0..self.settings.runs {
            runs.push(login::measure(&base, &get_tables, self.settings.seconds).await?);
        }
        report.login(&runs);
        Ok(())
    }
}

/// `loads` in measuring groups: a load alone, or a baseline followed by the
/// loads compared with it.
fn paired(loads: &[Load]) -> Vec<Vec<Load>> {
    loads
        .iter()
        .filter(|load| !loads.iter().any(|&base| load.is_compared_with(base)))
        .map(|&base| {
            let compared = loads.iter().filter(|load| load.is_compared_with(base));
            std::iter::once(base).chain(compared.copied()).collect()
        })
        .collect()
}

/// Every seeded restaurant with a token for its owner's seeded session.
fn targets(secret: &str, shape: &Shape) -> Vec<Target> {
    let keys = token_keys(secret);
    (1..=shape.restaurants)
        .map(|n| {
            let restaurant_id = seeded_id(&format!("r{n}"));
            Target {
                restaurant_id,
                token: keys.issue(
                    seeded_id(&format!("u{n}-1")),
                    restaurant_id,
                    seeded_id(&format!("s{n}")),
                    "owner",
                ),
                table_ids: (1..=shape.tables)
                    .map(|k| seeded_id(&format!("t{n}-{k}")))
                    .collect(),
            }
        })
        .collect()
}

/// The server's keys for `secret`, with tokens that outlast the whole bench.
fn token_keys(secret: &str) -> TokenKeys {
    TokenKeys::new(
        &Secret::new(secret),
        Duration::from_secs(4 * 3600),
        Duration::from_secs(3600),
    )
}

/// The seed's ids: PostgreSQL's `md5(text)::uuid`.
fn seeded_id(key: &str) -> Uuid {
    Uuid::from_bytes(md5::compute(key).0)
}

/// Ten thousand sockets need more descriptors than the usual default of 1,024.
fn raise_file_limit() -> anyhow::Result<()> {
    use nix::sys::resource::{Resource, getrlimit, setrlimit};
    let (soft, hard) = getrlimit(Resource::RLIMIT_NOFILE)?;
    let wanted = FILES_NEEDED.max(soft);
    if hard < wanted {
        anyhow::bail!(
            "open-file limit is {hard}; the bench needs {wanted} (raise it with `ulimit -Hn`)"
        );
    }
    setrlimit(Resource::RLIMIT_NOFILE, wanted, hard)?;
    Ok(())
}
