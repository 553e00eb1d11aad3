//! The `qtable` command: `serve` (the default), `migrate`, `openapi`, `import`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use qtable::{config::Config, db::Database, startup, telemetry};

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
    /// Bring every restaurant over from the Python service's database
    /// (migrating this one first); see docs/import.md.
    Import(ImportArgs),
}

#[derive(clap::Args)]
struct ImportArgs {
    /// The Python service's PostgreSQL URL (only read).
    #[arg(long, value_name = "POSTGRES_URL")]
    from: String,
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
    telemetry::init(config.log_format);
    let result = match command {
        Command::Migrate => migrate(&config).await,
        Command::Import(args) => import(&config, args).await,
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
    let database = Database::open(config).await?;
    qtable::db::migrate(&database.pool).await?;
    let options = qtable::import::Options {
        from: args.from,
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
