//! The test database server: `TEST_DATABASE_URL` when set, otherwise a
//! throwaway cluster started once per test process with the service's own
//! embedded-PostgreSQL code. It stops (and deletes itself) when the process
//! exits, however it exits. A template database is migrated once; each test
//! gets its own copy.

use std::{str::FromStr, sync::LazyLock};

use qtable::embedded_pg::{ClusterOptions, EmbeddedPostgres, quote_ident};
use sqlx::{ConnectOptions, Connection, PgPool, postgres::PgConnectOptions};

pub struct TestServer {
    /// A superuser connection to the server's `postgres` database.
    pub admin: PgConnectOptions,
    /// The server's URL with `{db}` in place of the database name.
    url_pattern: String,
    template: String,
    _cluster: Option<EmbeddedPostgres>,
}

static SERVER: LazyLock<TestServer> = LazyLock::new(|| {
    // Started on a thread of its own: the caller is inside an async runtime.
    std::thread::spawn(|| start().expect("starting the test database server"))
        .join()
        .expect("test database thread")
});

pub fn server() -> &'static TestServer {
    &SERVER
}

fn start() -> anyhow::Result<TestServer> {
    let (admin, cluster, url_pattern) = match std::env::var("TEST_DATABASE_URL") {
        Ok(url) => (
            PgConnectOptions::from_str(&url)?,
            None,
            with_database_placeholder(&url),
        ),
        Err(_) => {
            let root = tempfile::Builder::new()
                .prefix("qtable-test-")
                .tempdir()?
                .keep();
            let cluster = EmbeddedPostgres::start(&ClusterOptions {
                root,
                ephemeral: true,
                max_connections: 400,
            })?;
            let admin = cluster.connect_options("postgres");
            let socket = admin.get_socket().expect("a socket").display().to_string();
            let pattern = format!("postgres://postgres@localhost/{{db}}?host={socket}");
            (admin, Some(cluster), pattern)
        }
    };
    let template = format!("qtable_template_{}", uuid::Uuid::new_v4().simple());
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(create_template(&admin, &template))?;
    Ok(TestServer {
        admin,
        url_pattern,
        template,
        _cluster: cluster,
    })
}

async fn create_template(admin: &PgConnectOptions, template: &str) -> anyhow::Result<()> {
    execute(admin, &format!("create database {}", quote_ident(template))).await?;
    let mut conn = admin.clone().database(template).connect().await?;
    qtable::db::MIGRATOR.run(&mut conn).await?;
    conn.close().await?;
    Ok(())
}

/// Runs one statement on the server's `postgres` database.
pub async fn execute(admin: &PgConnectOptions, statement: &str) -> anyhow::Result<()> {
    let mut conn = admin.connect().await?;
    sqlx::raw_sql(sqlx::AssertSqlSafe(statement.to_owned()))
        .execute(&mut conn)
        .await?;
    conn.close().await?;
    Ok(())
}

/// `postgres://u:p@h:5432/db?x` -> `postgres://u:p@h:5432/{db}?x`.
fn with_database_placeholder(url: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    let mut pattern = format!("{}/{{db}}", &base[..host_end]);
    if let Some(query) = query {
        pattern = format!("{pattern}?{query}");
    }
    pattern
}

impl TestServer {
    /// A URL for `database` on this server, as `DATABASE_URL` takes it.
    pub fn url_for(&self, database: &str) -> String {
        self.url_pattern.replace("{db}", database)
    }

    /// A new, empty database (no migrations).
    pub async fn create_empty_database(&self) -> String {
        let name = format!("e_{}", uuid::Uuid::new_v4().simple());
        execute(
            &self.admin,
            &format!("create database {}", quote_ident(&name)),
        )
        .await
        .expect("creating a database");
        name
    }

    /// A fresh database, a copy of the migrated template.
    pub async fn create_database(&self) -> PgConnectOptions {
        let name = format!("t_{}", uuid::Uuid::new_v4().simple());
        let statement = format!(
            "create database {} template {}",
            quote_ident(&name),
            quote_ident(&self.template)
        );
        execute(&self.admin, &statement)
            .await
            .expect("creating a test database");
        self.admin.clone().database(&name)
    }
}

/// A small superuser pool for a test's own assertions.
pub async fn superuser_pool(options: PgConnectOptions) -> PgPool {
    qtable::db::pool_options(4)
        .connect_with(options)
        .await
        .expect("connecting to the test database")
}

/// Options for a cluster of a test's own, kept (not deleted) when it stops.
pub fn private_cluster_options(prefix: &str) -> ClusterOptions {
    let root = tempfile::Builder::new()
        .prefix(prefix)
        .tempdir()
        .expect("temp dir")
        .keep();
    ClusterOptions {
        root,
        ephemeral: false,
        max_connections: 20,
    }
}

/// A cluster of a test's own (so stopping it disturbs no other test), started off the runtime.
pub async fn start_private_cluster(options: &ClusterOptions) -> EmbeddedPostgres {
    let options = options.clone();
    tokio::task::spawn_blocking(move || {
        EmbeddedPostgres::start(&options).expect("starting a cluster")
    })
    .await
    .expect("cluster thread")
}

/// Stops a cluster, off the runtime.
pub async fn stop_private_cluster(cluster: EmbeddedPostgres) {
    tokio::task::spawn_blocking(move || cluster.stop().expect("stopping a cluster"))
        .await
        .expect("cluster thread");
}

/// Starts a stopped private cluster again on its data; this time it deletes
/// itself when it stops.
pub async fn restart_private_cluster(options: ClusterOptions) -> EmbeddedPostgres {
    start_private_cluster(&ClusterOptions {
        ephemeral: true,
        ..options
    })
    .await
}
