//! The service behind a real PgBouncer in transaction pooling mode (Debian's
//! 1.18, which keeps no named prepared statements across transactions): it
//! migrates through `MIGRATION_DATABASE_URL` only, and signs in, draws the
//! floor, seats a party and sends the live event, all through the pooler.
//! A test binary of its own: `DATABASE_POOLER=transaction` switches the
//! whole process to unnamed statements (`db::NAMED_STATEMENTS`), which the
//! other tests must not share.

#[path = "api/helpers/mod.rs"]
#[allow(dead_code, unused_imports)]
mod helpers;

use std::{
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use helpers::{TestApp, postgres, test_config, tools, ws::connect};
use qtable::{
    config::{Pooler, Secret},
    db::Database,
};
use serde_json::json;
use sqlx::postgres::PgConnectOptions;

/// A PgBouncer of the test's own, in transaction mode, on a free port, in
/// front of the test cluster; killed when dropped.
struct PgBouncer {
    child: Child,
    port: u16,
    dir: PathBuf,
}

impl PgBouncer {
    fn start(backend: &PgConnectOptions) -> PgBouncer {
        let port = free_port();
        let dir = std::env::temp_dir().join(format!("qtable-pgbouncer-{port}"));
        std::fs::create_dir_all(&dir).unwrap();
        let host = backend.get_socket().map_or_else(
            || backend.get_host().to_owned(),
            |socket| socket.display().to_string(),
        );
        // Fewer server connections than the app's pool: transactions of
        // different client connections share server connections, which is
        // what breaks named statements.
        let ini = format!(
            "[databases]\n* = host={host} port={} user={}\n\n[pgbouncer]\n\
             listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n\
             auth_type = any\npool_mode = transaction\ndefault_pool_size = 2\n\
             ignore_startup_parameters = extra_float_digits\n\
             logfile = {log}\n",
            backend.get_port(),
            backend.get_username(),
            log = dir.join("pgbouncer.log").display(),
        );
        let config = dir.join("pgbouncer.ini");
        std::fs::write(&config, ini).unwrap();
        let child = as_postgres_when_root(Command::new(pgbouncer_binary()), &dir)
            .arg(&config)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("starting pgbouncer");
        let bouncer = PgBouncer { child, port, dir };
        bouncer.wait_until_listening();
        bouncer
    }

    fn wait_until_listening(&self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < deadline, "pgbouncer did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }
}

impl Drop for PgBouncer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Debian puts it in /usr/sbin, which a normal user's PATH may lack.
fn pgbouncer_binary() -> &'static Path {
    let find = || {
        ["/usr/sbin/pgbouncer", "/usr/bin/pgbouncer"]
            .iter()
            .map(Path::new)
            .find(|path| path.exists())
    };
    tools::ensure("pgbouncer", || find().is_some());
    find().expect("pgbouncer")
}

/// PgBouncer refuses to run as root: as root, run it as `postgres`, which
/// must own its directory.
fn as_postgres_when_root(mut command: Command, dir: &Path) -> Command {
    use std::os::unix::process::CommandExt;
    if nix::unistd::geteuid().is_root() {
        let user = nix::unistd::User::from_name("postgres")
            .unwrap()
            .expect("a postgres user");
        std::os::unix::fs::chown(dir, Some(user.uid.as_raw()), Some(user.gid.as_raw())).unwrap();
        command.uid(user.uid.as_raw()).gid(user.gid.as_raw());
    }
    command
}

#[tokio::test]
async fn the_core_flows_work_behind_a_transaction_pooler() {
    let direct = postgres::server().create_database().await;
    let database = direct.get_database().expect("a database name").to_owned();
    let bouncer = PgBouncer::start(&direct);
    let mut config = test_config();
    config.database_url = Some(Secret::new(bouncer.url(&database)));
    config.database_pooler = Pooler::Transaction;

    // Without a direct URL nothing is migrated through the pooler; the test
    // database is a migrated copy, so serve may start.
    let pooled = Database::open(&config)
        .await
        .expect("connected through pgbouncer");
    pooled
        .migrate(&config)
        .await
        .expect("migrations are current");
    config.migration_database_url = Some(Secret::new(postgres::server().url_for(&database)));
    pooled.migrate(&config).await.expect("migrated directly");
    let options: PgConnectOptions = bouncer.url(&database).parse().unwrap();
    let app = TestApp::spawn_on(config, options).await;

    let owner = app.register().await;
    let login = app.login(&owner.email, helpers::PASSWORD).await;
    assert_eq!(login.status, 200, "{}", login.body);
    let mut live = connect(app.port, &owner.restaurant_id, &owner.token, "")
        .await
        .expect("live through the pooler");
    assert_eq!(live.next_json().await["type"], "hello");
    let table = app.create_table(&owner, "T1", 4).await;
    let walk_in =
        json!({"guestName": "Ana Silva", "partySize": 2, "contactInfo": "+1 202 555 0143"});
    let party = app.post_reservation(&owner, &walk_in).await;
    assert_eq!(party.status, 201, "{}", party.body);
    let seated = app.seat(&owner, &party.body, &table).await;
    assert_eq!(seated.status, 200, "{}", seated.body);
    // The same statements again, now on server connections that have run them.
    for _ in 0..5 {
        app.get_tables(&owner).await.expect_200();
    }

    let events = live.events(4).await;
    let kinds: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"reservation_update"), "{kinds:?}");
    let floor = app.get_tables(&owner).await.expect_200();
    assert_eq!(floor[0]["status"], "occupied", "{floor}");
    pooled.close().await.unwrap();
}

#[tokio::test]
async fn behind_a_transaction_pooler_pending_migrations_stop_the_start_with_what_to_run() {
    let direct = postgres::server().create_database().await;
    let database = direct.get_database().unwrap().to_owned();
    postgres::execute(
        &postgres::server().admin.clone().database(&database),
        "delete from _sqlx_migrations where version = (select max(version) from _sqlx_migrations)",
    )
    .await
    .unwrap();
    let bouncer = PgBouncer::start(&direct);
    let mut config = test_config();
    config.database_url = Some(Secret::new(bouncer.url(&database)));
    config.database_pooler = Pooler::Transaction;

    let pooled = Database::open(&config).await.unwrap();
    let refused = pooled.migrate(&config).await.unwrap_err().to_string();

    assert!(refused.contains("1 migration(s) pending"), "{refused}");
    assert!(refused.contains("MIGRATION_DATABASE_URL"), "{refused}");
    pooled.close().await.unwrap();
}
