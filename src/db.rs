//! The connection pool, migrations, and where the database comes from: the
//! `DATABASE_URL` server, or the embedded cluster in development.

use std::{str::FromStr, time::Duration};

use anyhow::Context;
use sqlx::{
    PgPool,
    migrate::Migrator,
    postgres::{PgConnectOptions, PgPoolOptions},
};

use crate::{
    config::Config,
    embedded_pg::{self, ClusterOptions, EmbeddedPostgres},
};

/// Every migration in `migrations/`, compiled into the binary.
pub static MIGRATOR: Migrator = sqlx::migrate!();

/// The database the embedded cluster serves.
pub const EMBEDDED_DATABASE: &str = "qtable";

/// Waiting longer than this for a connection means the database is in trouble:
/// answer 503 rather than hang.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);

/// A connected pool, plus the embedded cluster behind it when there is one
/// (stop it after the pool is closed).
pub struct Database {
    pub pool: PgPool,
    pub embedded: Option<EmbeddedPostgres>,
}

impl Database {
    /// Connects to `DATABASE_URL`, or starts the embedded cluster when it is unset.
    pub async fn open(config: &Config) -> anyhow::Result<Self> {
        let (options, embedded) = match &config.database_url {
            Some(url) => {
                let options = PgConnectOptions::from_str(url.expose())
                    .context("DATABASE_URL: not a valid PostgreSQL URL")?;
                (options, None)
            }
            None => {
                let root = config.data_dir.join("postgres");
                let cluster = tokio::task::spawn_blocking(move || {
                    EmbeddedPostgres::start(&ClusterOptions {
                        root,
                        ephemeral: false,
                        max_connections: 100,
                    })
                })
                .await??;
                embedded_pg::ensure_database(
                    &cluster.connect_options("postgres"),
                    EMBEDDED_DATABASE,
                )
                .await?;
                (cluster.connect_options(EMBEDDED_DATABASE), Some(cluster))
            }
        };
        tracing::info!(database = %describe(&options), embedded = embedded.is_some(), "using database");
        let pool = pool_options(config.db_pool_size)
            .connect_with(options)
            .await
            .context("connecting to the database")?;
        Ok(Self { pool, embedded })
    }

    /// Closes the pool, then stops the embedded cluster, if any.
    pub async fn close(self) -> anyhow::Result<()> {
        self.pool.close().await;
        if let Some(cluster) = self.embedded {
            tokio::task::spawn_blocking(move || cluster.stop()).await??;
        }
        Ok(())
    }
}

pub fn pool_options(size: u32) -> PgPoolOptions {
    PgPoolOptions::new()
        .max_connections(size)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        // A broken connection fails its query and is discarded; pinging before
        // every checkout would double the round trips of every request.
        .test_before_acquire(false)
}

pub async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    MIGRATOR.run(pool).await.context("applying migrations")
}

/// `postgres://user@host:port/db` (or the socket directory), never the password.
pub fn describe(options: &PgConnectOptions) -> String {
    let host = options.get_socket().map_or_else(
        || format!("{}:{}", options.get_host(), options.get_port()),
        |s| s.display().to_string(),
    );
    format!(
        "postgres://{}@{}/{}",
        options.get_username(),
        host,
        options.get_database().unwrap_or_default()
    )
}
