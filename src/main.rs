//! The `qtable` command: `serve` (the default), `migrate`, `openapi`,
//! `import`, `export`, `set-password`.

use std::{
    io::{BufRead, IsTerminal, Write},
    path::{Path, PathBuf},
    process::ExitCode,
};

use anyhow::Context;
use clap::{Parser, Subcommand};
use qtable::{config::Config, db::Database, export::Secrets, startup, telemetry};
use uuid::Uuid;

/// mimalloc (its v2 line): GET tables ran 17% faster than with glibc's
/// allocator, and writes no slower (the v3 line made them 17% slower).
/// Measured with `scripts/bench`; see docs/performance.md.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "qtable", version, about = "QTable host-stand API server")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP and WebSocket server (what a bare `qtable` does).
    Serve,
    /// Apply pending database migrations, then exit.
    Migrate,
    /// Print the OpenAPI document.
    Openapi,
    /// Bring every restaurant over from the Python service's database, or
    /// one restaurant from a `qtable export` document (migrating this
    /// database first); see docs/import.md and docs/deploy.md.
    Import(ImportArgs),
    /// Write one restaurant's whole data as a JSON document (docs/deploy.md).
    Export(ExportArgs),
    /// Give an account a new password, read from stdin, and end its sessions.
    SetPassword(SetPasswordArgs),
}

#[derive(clap::Args)]
#[command(group(clap::ArgGroup::new("source").required(true).args(["from", "from_export"])))]
struct ImportArgs {
    /// The Python service's PostgreSQL URL (only read).
    #[arg(long, value_name = "POSTGRES_URL")]
    from: Option<String>,
    /// A document written by `qtable export` (or `GET /restaurants/{id}/export`).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["dry_run", "restaurants", "source_timezone"])]
    from_export: Option<PathBuf>,
    /// Run everything, print the report, write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Import only this restaurant (its id in the source); repeatable.
    #[arg(long = "restaurant", value_name = "ID")]
    restaurants: Vec<String>,
    /// The zone of the source's zone-less timestamps (default: the source server's TimeZone).
    #[arg(long, value_name = "TZ")]
    source_timezone: Option<String>,
}

#[derive(clap::Args)]
struct ExportArgs {
    /// The restaurant's id.
    #[arg(long, value_name = "UUID")]
    restaurant: Uuid,
    /// Write the document here (created readable by its owner only) instead of stdout.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Carry the staff's password hashes and the hashes of guests' manage
    /// links, so that everyone keeps signing in and every link keeps
    /// working after the move. The document is then a secret.
    #[arg(long)]
    include_password_hashes: bool,
}

#[derive(clap::Args)]
struct SetPasswordArgs {
    /// The account's email (any restaurant). The password is read from stdin, never the command line.
    #[arg(long)]
    email: String,
}

#[tokio::main]
async fn main() -> ExitCode {
    let command = Cli::parse().command.unwrap_or(Command::Serve);
    if let Command::Openapi = command {
        println!(
            "{}",
            startup::openapi()
                .to_pretty_json()
                .expect("OpenAPI serialises")
        );
        return ExitCode::SUCCESS;
    }
    if let Err(error) = dotenvy::dotenv()
        && !error.not_found()
    {
        eprintln!("error: reading .env: {error}");
        return ExitCode::from(2);
    }
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("configuration error: {error}");
            return ExitCode::from(2);
        }
    };
    if let Command::Serve = command {
        telemetry::init(config.log_format);
    } else {
        telemetry::init_for_command(config.log_format);
    }
    let result = match command {
        Command::Migrate => migrate(&config).await,
        Command::Import(args) => import(&config, args).await,
        Command::Export(args) => export(&config, args).await,
        Command::SetPassword(args) => set_password(&config, &args.email).await,
        _ => serve(config).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error:#}");
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn migrate(config: &Config) -> anyhow::Result<()> {
    let database = Database::open(config).await?;
    database.migrate(config).await?;
    tracing::info!("migrations applied");
    database.close().await
}

/// Prints the report; any failed restaurant makes the exit code non-zero.
async fn import(config: &Config, args: ImportArgs) -> anyhow::Result<()> {
    if let Some(file) = &args.from_export {
        return import_export(config, file).await;
    }
    // clap requires one of the two.
    let Some(from) = args.from else {
        anyhow::bail!("--from or --from-export is required");
    };
    let database = Database::open(config).await?;
    qtable::db::migrate(&database.pool).await?;
    let options = qtable::import::Options {
        from,
        dry_run: args.dry_run,
        restaurants: args.restaurants,
        source_timezone: args.source_timezone,
    };
    let report = qtable::import::run(&database.pool, &options).await;
    database.close().await?;
    let report = report?;
    println!("{report}");
    match report.failed() {
        0 => Ok(()),
        n => anyhow::bail!("{n} restaurants failed and were rolled back"),
    }
}

async fn import_export(config: &Config, file: &Path) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let document = qtable::export::parse(&text)?;
    drop(text);
    let database = Database::open(config).await?;
    qtable::db::migrate(&database.pool).await?;
    let loaded = qtable::export::load(&database.pool, document).await;
    database.close().await?;
    let loaded = loaded?;
    println!(
        "imported {} ({}): {}",
        loaded.name,
        loaded.restaurant_id,
        counted(&loaded.counts)
    );
    if !loaded.without_password.is_empty() {
        println!("no password here yet (give one with qtable set-password --email …):");
        for email in &loaded.without_password {
            println!("  {email}");
        }
    }
    Ok(())
}

async fn export(config: &Config, args: ExportArgs) -> anyhow::Result<()> {
    let secrets = if args.include_password_hashes {
        Secrets::Included
    } else {
        Secrets::Left
    };
    let database = Database::open(config).await?;
    let written = match &args.output {
        Some(file) => {
            let mut out = std::io::BufWriter::new(private_file(file)?);
            qtable::export::export(&database.pool, args.restaurant, secrets, &mut out).await
        }
        None => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            qtable::export::export(&database.pool, args.restaurant, secrets, &mut out).await
        }
    };
    database.close().await?;
    let written = written?;
    let restaurant = &written.restaurant;
    eprintln!(
        "exported {} ({}, {}): {}",
        restaurant.name,
        restaurant.slug,
        restaurant.id,
        counted(&written.counts)
    );
    Ok(())
}

/// A new file only its owner reads: an export holds guests' details (and
/// perhaps password hashes).
fn private_file(path: &Path) -> anyhow::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("creating {}", path.display()))
}

fn counted(counts: &[(&str, usize)]) -> String {
    let parts: Vec<String> = counts
        .iter()
        .map(|(what, n)| format!("{n} {what}"))
        .collect();
    parts.join(", ")
}

async fn set_password(config: &Config, email: &str) -> anyhow::Result<()> {
    let password = read_password()?;
    let database = Database::open(config).await?;
    let set = qtable::auth::set_password(&database.pool, email, password).await;
    database.close().await?;
    set?;
    eprintln!("password set for {email}; their sessions have ended");
    Ok(())
}

/// One line of stdin, without its line ending; asked for, and not echoed,
/// on a terminal. Never an argument: those show in `ps` and shell history.
fn read_password() -> anyhow::Result<String> {
    use nix::sys::termios::{LocalFlags, SetArg, tcgetattr, tcsetattr};
    let stdin = std::io::stdin();
    let terminal = stdin.is_terminal().then(|| tcgetattr(&stdin)).transpose()?;
    if let Some(settings) = &terminal {
        eprint!("New password: ");
        std::io::stderr().flush()?;
        let mut silent = settings.clone();
        silent.local_flags.remove(LocalFlags::ECHO);
        tcsetattr(&stdin, SetArg::TCSANOW, &silent)?;
    }
    let mut line = String::new();
    let read = stdin.lock().read_line(&mut line);
    if let Some(settings) = &terminal {
        tcsetattr(&stdin, SetArg::TCSANOW, settings)?;
        eprintln!();
    }
    read.context("reading the password from stdin")?;
    Ok(line.trim_end_matches(['\n', '\r']).to_owned())
}

async fn serve(mut config: Config) -> anyhow::Result<()> {
    config.ensure_secret_key()?;
    let database = Database::open(&config).await?;
    database.migrate(&config).await?;
    let app = startup::Application::build(config, database.pool.clone()).await?;
    tracing::info!(port = app.port(), "listening");
    app.run_until_stopped(startup::shutdown_signal()).await?;
    database.close().await?;
    tracing::info!("stopped");
    Ok(())
}
