//! The `qtable` binary itself: embedded PostgreSQL by default, clean SIGTERM,
//! data kept across restarts, recovery after `kill -9`, and config errors.

use std::{
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use nix::{
    sys::signal::{Signal, kill},
    unistd::Pid,
};

const BIN: &str = env!("CARGO_BIN_EXE_qtable");

/// A `qtable serve` process with the embedded database under `data_dir`.
struct Served {
    child: Child,
    port: u16,
}

fn serve(data_dir: &Path) -> Served {
    serve_with(data_dir, &[])
}

/// `qtable serve` with only the given variables (plus a data dir, port 0 and JSON logs).
fn serve_with(data_dir: &Path, vars: &[(&str, &str)]) -> Served {
    let mut child = Command::new(BIN)
        .arg("serve")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap())
        .env("QTABLE_DATA_DIR", data_dir)
        .env("HOST", "127.0.0.1")
        .env("PORT", "0")
        .env("LOG_FORMAT", "json")
        .envs(vars.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("starting qtable");
    let stdout = BufReader::new(child.stdout.take().unwrap());
    // The service logs `listening` with its port once it accepts connections.
    for line in stdout.lines() {
        let line = line.unwrap();
        let event: serde_json::Value = serde_json::from_str(&line).unwrap_or_default();
        if event["message"] == "listening" {
            let port = event["port"].as_u64().unwrap() as u16;
            return Served { child, port };
        }
    }
    panic!("qtable exited before listening: {:?}", child.wait());
}

impl Served {
    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
    fn signal(&self, signal: Signal) {
        kill(Pid::from_raw(self.child.id() as i32), signal).unwrap();
    }
}

impl Drop for Served {
    /// A failed test must not leave a server behind (its PostgreSQL follows it).
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn postmaster_pid(data_dir: &Path) -> PathBuf {
    data_dir.join("postgres/data/postmaster.pid")
}

/// Blocks until `path` is gone: PostgreSQL removes its pid file as it exits.
fn wait_until_removed(path: &Path) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while path.exists() {
        assert!(Instant::now() < deadline, "{} still exists", path.display());
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Direct access to the embedded cluster's database, through its socket.
async fn embedded_db(data_dir: &Path) -> sqlx::PgPool {
    let options = sqlx::postgres::PgConnectOptions::new()
        .socket(data_dir.join("postgres"))
        .username("postgres")
        .database("qtable");
    sqlx::PgPool::connect_with(options).await.unwrap()
}

async fn assert_healthy(served: &Served) {
    let health = reqwest::get(served.url("/health")).await.unwrap();
    assert_eq!(health.status(), 200);
}

fn data_dir() -> PathBuf {
    // Reachable by the `postgres` user when the tests run as root.
    tempfile::Builder::new()
        .prefix("qtable-serve-")
        .tempdir()
        .unwrap()
        .keep()
}

#[tokio::test]
async fn serve_runs_embedded_postgres_and_sigterm_stops_both_cleanly() {
    let dir = data_dir();
    let mut served = tokio::task::spawn_blocking({
        let dir = dir.clone();
        move || serve(&dir)
    })
    .await
    .unwrap();
    assert_healthy(&served).await;
    assert_eq!(
        reqwest::get(served.url("/docs/")).await.unwrap().status(),
        200
    );
    assert!(postmaster_pid(&dir).exists());

    served.signal(Signal::SIGTERM);
    let status = served.child.wait().unwrap();

    assert!(status.success(), "exit status {status}");
    assert!(
        !postmaster_pid(&dir).exists(),
        "PostgreSQL stopped with the service"
    );
    assert!(
        dir.join("secret_key").exists(),
        "development secret kept for the next start"
    );
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn after_kill_9_postgres_stops_by_itself_and_the_next_start_recovers_the_data() {
    let dir = data_dir();
    let first = tokio::task::spawn_blocking({
        let dir = dir.clone();
        move || serve(&dir)
    })
    .await
    .unwrap();
    let db = embedded_db(&dir).await;
    sqlx::raw_sql("create table marker (note text); insert into marker values ('kept')")
        .execute(&db)
        .await
        .unwrap();
    db.close().await;
    first.signal(Signal::SIGKILL);
    let mut first = first;
    first.child.wait().unwrap();
    wait_until_removed(&postmaster_pid(&dir));

    let mut second = tokio::task::spawn_blocking({
        let dir = dir.clone();
        move || serve(&dir)
    })
    .await
    .unwrap();
    assert_healthy(&second).await;
    let db = embedded_db(&dir).await;
    let note: String = sqlx::query_scalar("select note from marker")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(note, "kept");
    db.close().await;
    second.signal(Signal::SIGTERM);
    assert!(second.child.wait().unwrap().success());
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn a_bad_variable_stops_start_up_with_a_message_naming_it() {
    let output = Command::new(BIN)
        .env_clear()
        .env("PORT", "not-a-port")
        .output()
        .unwrap();

    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("PORT"));
}

#[test]
fn production_refuses_to_start_with_a_default_secret() {
    let output = Command::new(BIN)
        .env_clear()
        .env("ENVIRONMENT", "production")
        .env("DATABASE_URL", "postgres://qtable@127.0.0.1:1/qtable")
        .env("SECRET_KEY", "your-super-secret-key-here")
        .output()
        .unwrap();

    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("SECRET_KEY"));
}

#[test]
fn openapi_subcommand_prints_the_document() {
    let output = Command::new(BIN).arg("openapi").output().unwrap();

    let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(document["paths"]["/health"].is_object());
}

#[tokio::test]
async fn with_database_url_serve_migrates_an_empty_database_and_migrate_twice_changes_nothing() {
    let server = crate::helpers::postgres::server();
    let database = server.create_empty_database().await;
    let url = server.url_for(&database);
    let migrate = || {
        Command::new(BIN)
            .arg("migrate")
            .env_clear()
            .env("DATABASE_URL", &url)
            .output()
            .unwrap()
    };

    assert!(migrate().status.success());
    assert!(migrate().status.success(), "a second run is a no-op");
    let dir = data_dir();
    let mut served = tokio::task::spawn_blocking({
        let (dir, url) = (dir.clone(), url.clone());
        move || serve_with(&dir, &[("DATABASE_URL", &url)])
    })
    .await
    .unwrap();

    assert_healthy(&served).await;
    let register = reqwest::Client::new()
        .post(served.url("/auth/register"))
        .json(&serde_json::json!({"restaurant_name": "R", "email": "a@b.co", "password": "password123",
            "first_name": "A", "last_name": "B"}))
        .send()
        .await
        .unwrap();
    assert_eq!(register.status(), 201, "the schema is in place");
    assert!(
        !dir.join("postgres").exists(),
        "no embedded cluster with DATABASE_URL"
    );
    served.signal(Signal::SIGTERM);
    assert!(served.child.wait().unwrap().success());
    std::fs::remove_dir_all(dir).ok();
}
