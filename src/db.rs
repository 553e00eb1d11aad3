//! The connection pool, migrations, and where the database comes from: the
//! `DATABASE_URL` server, or the embedded cluster in development.

use std::{
    str::FromStr,
    sync::atomic::{AtomicBool, Ordering},
    time::Duration,
};

use anyhow::Context;
use sqlx::{
    Connection, FromRow, PgConnection, PgPool, Postgres, Transaction,
    migrate::Migrator,
    postgres::{PgArgumentBuffer, PgArguments, PgConnectOptions, PgPoolOptions, PgRow, PgTypeInfo},
    query::{Query, QueryAs, QueryScalar},
};

use uuid::Uuid;

use crate::{
    config::{Config, Pooler, Secret},
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
    /// Before any other statement of the transaction: every read after it
    /// sees the database as it was at the first.
    SNAPSHOT = "set transaction isolation level repeatable read, read only";
    REVOKE_USER_SESSIONS = "update sessions set revoked_at = now()
         where user_id = $1 and revoked_at is null and id is distinct from $2";
    APPLIED_MIGRATIONS = "select version from _sqlx_migrations where success";
    ENUM_TYPES = "select typname::text from pg_type where typtype = 'e' and typnamespace = 'public'::regnamespace";
    LEARN_TYPE = "select $1";
    /// The public booking surface's two narrow lookups across tenants.
    RESTAURANT_BY_SLUG = "select auth_private.restaurant_by_slug($1)";
    MANAGED_BOOKING = "select auth_private.managed_booking($1, $2)";
}

/// Whether statements are prepared once per connection by name and reused
/// (the default), or sent unnamed and parsed each time: behind a transaction
/// pooler (`DATABASE_POOLER=transaction`) each transaction may run on another
/// server connection, and PgBouncer before 1.21 does not carry named
/// statements across them (`prepared statement "sqlx_s_1" already exists`).
/// A process talks to one database, so this is one switch for the process,
/// set before its pool opens; every statement is run through `query`,
/// `query_as` or `query_scalar` below, which read it.
static NAMED_STATEMENTS: AtomicBool = AtomicBool::new(true);

pub fn named_statements() -> bool {
    NAMED_STATEMENTS.load(Ordering::Relaxed)
}

pub fn query(sql: &'static str) -> Query<'static, Postgres, PgArguments> {
    sqlx::query(sql).persistent(named_statements())
}

pub fn query_as<T>(sql: &'static str) -> QueryAs<'static, Postgres, T, PgArguments>
where
    T: for<'r> FromRow<'r, PgRow>,
{
    sqlx::query_as(sql).persistent(named_statements())
}

pub fn query_scalar<T>(sql: &'static str) -> QueryScalar<'static, Postgres, T, PgArguments>
where
    (T,): for<'r> FromRow<'r, PgRow>,
{
    sqlx::query_scalar(sql).persistent(named_statements())
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
        if config.database_pooler == Pooler::Transaction {
            NAMED_STATEMENTS.store(false, Ordering::Relaxed);
        }
        tracing::info!(database = %describe(&options), embedded = embedded.is_some(), "using database");
        let pool = pool_options(config.db_pool_size)
            .connect_with(options)
            .await
            .context("connecting to the database")?;
        Ok(Self { pool, embedded })
    }

    /// Applies pending migrations. The migrator holds a session-level
    /// advisory lock, which a transaction pooler cannot keep, so
    /// `MIGRATION_DATABASE_URL` (a direct connection) is used when set, and
    /// behind a transaction pooler without it nothing is migrated: this
    /// fails if a migration is pending, naming what to run.
    pub async fn migrate(&self, config: &Config) -> anyhow::Result<()> {
        if let Some(url) = &config.migration_database_url {
            return migrate_directly(url).await;
        }
        if config.database_pooler != Pooler::Transaction {
            return migrate(&self.pool).await;
        }
        let mut tx = self.pool.begin().await?;
        let applied: Vec<i64> = query_scalar(APPLIED_MIGRATIONS)
            .fetch_all(&mut *tx)
            .await
            .unwrap_or_default();
        tx.rollback().await?;
        let pending = MIGRATOR
            .iter()
            .filter(|m| !m.migration_type.is_down_migration() && !applied.contains(&m.version))
            .count();
        anyhow::ensure!(
            pending == 0,
            "DATABASE_POOLER=transaction: {pending} migration(s) pending, and migrations cannot \
             run through a transaction pooler; run `qtable migrate` with MIGRATION_DATABASE_URL \
             set to a direct connection to the database"
        );
        tracing::info!(
            "DATABASE_POOLER=transaction: migrations are current, none run through the pooler"
        );
        Ok(())
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
    let options = PgPoolOptions::new()
        .max_connections(size)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        // A broken connection fails its query and is discarded; pinging before
        // every checkout would double the round trips of every request.
        .test_before_acquire(false);
    if named_statements() {
        return options;
    }
    options.after_connect(|conn, _| Box::pin(learn_enum_types(conn)))
}

/// The first time a statement returns a column of a type sqlx has not seen
/// (our enums), sqlx asks the server about it with a query sent between
/// preparing the statement and running it, and that query drops an unnamed
/// statement: "unnamed prepared statement does not exist". So with unnamed
/// statements each new connection first learns every enum of the schema
/// where sqlx can ask safely, as the declared type of a parameter (asked
/// before the statement is prepared). In a transaction, which a transaction
/// pooler keeps on one server connection.
async fn learn_enum_types(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    let mut tx = conn.begin().await?;
    let names: Vec<String> = query_scalar(ENUM_TYPES).fetch_all(&mut *tx).await?;
    for name in names {
        // sqlx keeps type names as `&'static str`; a schema has few enums,
        // learnt once per connection.
        let name: &'static str = name.leak();
        query(LEARN_TYPE)
            .bind(NullOf(name))
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await
}

/// A NULL of the named type: binding one makes sqlx look the type up.
struct NullOf(&'static str);

impl sqlx::Type<Postgres> for NullOf {
    fn type_info() -> PgTypeInfo {
        PgTypeInfo::with_name("unknown")
    }
}

impl sqlx::Encode<'_, Postgres> for NullOf {
    fn encode_by_ref(
        &self,
        _: &mut PgArgumentBuffer,
    ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        Ok(sqlx::encode::IsNull::Yes)
    }

    fn produces(&self) -> Option<PgTypeInfo> {
        Some(PgTypeInfo::with_name(self.0))
    }
}

pub async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    MIGRATOR.run(pool).await.context("applying migrations")
}

async fn migrate_directly(url: &Secret) -> anyhow::Result<()> {
    let options = PgConnectOptions::from_str(url.expose())
        .context("MIGRATION_DATABASE_URL: not a valid PostgreSQL URL")?;
    tracing::info!(database = %describe(&options), "migrating through MIGRATION_DATABASE_URL");
    let pool = pool_options(1)
        .connect_with(options)
        .await
        .context("connecting to MIGRATION_DATABASE_URL")?;
    let migrated = migrate(&pool).await;
    pool.close().await;
    migrated
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
        Ok(Self::open(pool, restaurant_id, None, false).await?.0)
    }

    /// A read-only transaction whose reads are all one point in time
    /// (repeatable read), for an export; with a session, as `begin_session`.
    pub async fn begin_snapshot(
        pool: &PgPool,
        restaurant_id: Uuid,
        session_id: Option<Uuid>,
    ) -> Result<(Self, Option<StaffRole>), sqlx::Error> {
        Self::open(pool, restaurant_id, session_id, true).await
    }

    /// For the public booking surface: the restaurant with this slug, found
    /// in the transaction it then scopes; `None` when no restaurant has it.
    pub async fn begin_by_slug(pool: &PgPool, slug: &str) -> Result<Option<Self>, sqlx::Error> {
        let mut tx = pool.begin().await?;
        let found = query_scalar(RESTAURANT_BY_SLUG)
            .bind(slug)
            .fetch_one(&mut *tx)
            .await?;
        Self::scope(tx, found).await
    }

    /// The same for a guest's own booking: the restaurant of `reservation`
    /// when `token_hash` is its manage token's.
    pub async fn begin_by_manage_token(
        pool: &PgPool,
        reservation: Uuid,
        token_hash: &[u8],
    ) -> Result<Option<Self>, sqlx::Error> {
        let mut tx = pool.begin().await?;
        let found = query_scalar(MANAGED_BOOKING)
            .bind(reservation)
            .bind(token_hash)
            .fetch_one(&mut *tx)
            .await?;
        Self::scope(tx, found).await
    }

    /// Scopes a transaction that looked its tenant up to that tenant.
    async fn scope(
        mut tx: Transaction<'static, Postgres>,
        found: Option<Uuid>,
    ) -> Result<Option<Self>, sqlx::Error> {
        let Some(restaurant_id) = found else {
            return Ok(None);
        };
        query_scalar::<Option<StaffRole>>(BEGIN_REQUEST)
            .bind(restaurant_id)
            .bind(None::<Uuid>)
            .fetch_one(&mut *tx)
            .await?;
        Ok(Some(Self { tx, restaurant_id }))
    }

    /// Opens the context and returns the session's current role, or `None`
    /// when the session is revoked or its user inactive or deleted.
    pub async fn begin_session(
        pool: &PgPool,
        restaurant_id: Uuid,
        session_id: Uuid,
    ) -> Result<(Self, Option<StaffRole>), sqlx::Error> {
        Self::open(pool, restaurant_id, Some(session_id), false).await
    }

    /// Nothing has happened yet when this fails, so a connection that died
    /// with a restarted database (discarded on that error) is retried once.
    async fn open(
        pool: &PgPool,
        restaurant_id: Uuid,
        session_id: Option<Uuid>,
        snapshot: bool,
    ) -> Result<(Self, Option<StaffRole>), sqlx::Error> {
        match Self::try_open(pool, restaurant_id, session_id, snapshot).await {
            Err(sqlx::Error::Io(_)) => {
                Self::try_open(pool, restaurant_id, session_id, snapshot).await
            }
            other => other,
        }
    }

    async fn try_open(
        pool: &PgPool,
        restaurant_id: Uuid,
        session_id: Option<Uuid>,
        snapshot: bool,
    ) -> Result<(Self, Option<StaffRole>), sqlx::Error> {
        let mut tx = pool.begin().await?;
        if snapshot {
            query(SNAPSHOT).execute(&mut *tx).await?;
        }
        let role = query_scalar(BEGIN_REQUEST)
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
        query(REVOKE_USER_SESSIONS)
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
