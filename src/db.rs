//! The connection pool, migrations, and where the database comes from: the
//! `DATABASE_URL` server, or the embedded cluster in development.

use std::{str::FromStr, time::Duration};

use anyhow::Context;
use sqlx::{
    PgConnection, PgPool, Postgres, Transaction,
    migrate::Migrator,
    postgres::{PgConnectOptions, PgPoolOptions},
};

use uuid::Uuid;

use crate::{
    config::Config,
    embedded_pg::{self, ClusterOptions, EmbeddedPostgres},
    error::ApiResult,
    role::StaffRole,
};

/// One SQL statement of the service, named by where it is declared. Every
/// statement is declared with `statements!`, so the whole list is known, and
/// a test prepares each one against the schema it runs on: a renamed column
/// fails that test, not a request.
#[derive(Debug)]
pub struct Statement {
    pub name: &'static str,
    pub sql: &'static str,
    pub schema: Schema,
}

/// The schema a statement is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schema {
    /// QTable's own, as `migrations/` makes it.
    Service,
    /// The Python service's database that `qtable import` reads
    /// (`tests/fixtures/python-original-schema.sql`).
    PythonOriginal,
}

inventory::collect!(Statement);

/// Every statement the service runs (the reservation list, composed of
/// constant fragments, is checked through its builder).
pub fn all_statements() -> impl Iterator<Item = &'static Statement> {
    inventory::iter::<Statement>.into_iter()
}

/// Declares constant SQL statements and registers each in `all_statements()`;
/// `python_original:` first marks statements on the import's source.
macro_rules! statements {
    (python_original: $($rest:tt)+) => {
        $crate::db::statements!(@on PythonOriginal $($rest)+);
    };
    (@on $schema:ident $($(#[$doc:meta])* $name:ident = $sql:expr;)+) => {$(
        $(#[$doc])*
        const $name: &str = $sql;
        inventory::submit! {
            $crate::db::Statement {
                name: concat!(module_path!(), "::", stringify!($name)),
                sql: $name,
                schema: $crate::db::Schema::$schema,
            }
        }
    )+};
    ($($rest:tt)+) => {
        $crate::db::statements!(@on Service $($rest)+);
    };
}
pub(crate) use statements;

statements! {
    BEGIN_REQUEST = "select app.begin_request($1, $2)";
    REVOKE_USER_SESSIONS = "update sessions set revoked_at = now()
         where user_id = $1 and revoked_at is null and id is distinct from $2";
}

/// Every migration in `migrations/`, compiled into the binary.
pub static MIGRATOR: Migrator = sqlx::migrate!();

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
                embedded_pg::ensure_database(&cluster.connect_options("postgres")).await?;
                (
                    cluster.connect_options(embedded_pg::DATABASE),
                    Some(cluster),
                )
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

/// A transaction scoped to one restaurant: it runs as `qtable_app` (no
/// BYPASSRLS) with the tenant set transaction-locally, so row-level security
/// filters every statement in it. This is the only way handlers reach tenant data.
pub struct TenantTx {
    tx: Transaction<'static, Postgres>,
    restaurant_id: Uuid,
}

impl TenantTx {
    /// For the paths that act before a session exists (register, login, refresh).
    pub async fn begin(pool: &PgPool, restaurant_id: Uuid) -> Result<Self, sqlx::Error> {
        Ok(Self::open(pool, restaurant_id, None).await?.0)
    }

    /// Opens the context and returns the session's current role, or `None`
    /// when the session is revoked or its user inactive or deleted.
    pub async fn begin_session(
        pool: &PgPool,
        restaurant_id: Uuid,
        session_id: Uuid,
    ) -> Result<(Self, Option<StaffRole>), sqlx::Error> {
        Self::open(pool, restaurant_id, Some(session_id)).await
    }

    /// Nothing has happened yet when this fails, so a connection that died
    /// with a restarted database (discarded on that error) is retried once.
    async fn open(
        pool: &PgPool,
        restaurant_id: Uuid,
        session_id: Option<Uuid>,
    ) -> Result<(Self, Option<StaffRole>), sqlx::Error> {
        match Self::try_open(pool, restaurant_id, session_id).await {
            Err(sqlx::Error::Io(_)) => Self::try_open(pool, restaurant_id, session_id).await,
            other => other,
        }
    }

    async fn try_open(
        pool: &PgPool,
        restaurant_id: Uuid,
        session_id: Option<Uuid>,
    ) -> Result<(Self, Option<StaffRole>), sqlx::Error> {
        let mut tx = pool.begin().await?;
        let role = sqlx::query_scalar(BEGIN_REQUEST)
            .bind(restaurant_id)
            .bind(session_id)
            .fetch_one(&mut *tx)
            .await?;
        Ok((Self { tx, restaurant_id }, role))
    }

    pub fn restaurant_id(&self) -> Uuid {
        self.restaurant_id
    }

    pub fn conn(&mut self) -> &mut PgConnection {
        &mut self.tx
    }

    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }

    /// Ends every session of a user, except `keep` (the caller's own) if
    /// given. Sessions are what every tenant transaction checks, so their end
    /// lives beside that check.
    pub async fn revoke_user_sessions(
        &mut self,
        user_id: Uuid,
        keep: Option<Uuid>,
    ) -> ApiResult<()> {
        sqlx::query(REVOKE_USER_SESSIONS)
            .bind(user_id)
            .bind(keep)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Ends a transaction that only read. There is nothing to commit:
    /// dropping it queues its ROLLBACK, which sqlx sends together with the
    /// check it makes as the connection returns to the pool, so nobody waits
    /// a round trip for it.
    pub fn end_read(self) {}
}
