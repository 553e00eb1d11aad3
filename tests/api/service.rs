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
    /// Everything it has logged (stdout), collected by a thread so the pipe never fills.
    logs: std::sync::Arc<std::sync::Mutex<String>>,
    collector: Option<std::thread::JoinHandle<()>>,
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
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let logs = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    // The service logs `listening` with its port once it accepts connections.
    for line in lines.by_ref() {
        let line = line.unwrap();
        logs.lock().unwrap().push_str(&(line.clone() + "\n"));
        let event: serde_json::Value = serde_json::from_str(&line).unwrap_or_default();
        if event["message"] == "listening" {
            let port = event["port"].as_u64().unwrap() as u16;
            let sink = logs.clone();
            let collector = std::thread::spawn(move || {
                for line in lines.map_while(Result::ok) {
                    sink.lock().unwrap().push_str(&(line + "\n"));
                }
            });
            return Served {
                child,
                port,
                logs,
                collector: Some(collector),
            };
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

    /// Stops the service with SIGTERM and returns everything it logged.
    fn stop_and_collect_logs(mut self) -> String {
        self.signal(Signal::SIGTERM);
        assert!(self.child.wait().unwrap().success());
        self.collector.take().unwrap().join().unwrap();
        self.logs.lock().unwrap().clone()
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

#[tokio::test]
async fn no_password_token_or_database_password_ever_reaches_the_logs() {
    let server = crate::helpers::postgres::server();
    let database = server.create_empty_database().await;
    let db_password = "db-pass-Zq8Xw";
    // The test server trusts local connections, so the password is carried but unused.
    let url =
        server
            .url_for(&database)
            .replacen("postgres@", &format!("postgres:{db_password}@"), 1);
    let dir = data_dir();
    let served = tokio::task::spawn_blocking({
        let (dir, url) = (dir.clone(), url.clone());
        move || serve_with(&dir, &[("DATABASE_URL", &url), ("RUST_LOG", "debug")])
    })
    .await
    .unwrap();
    let http = reqwest::Client::new();
    let password = "pw-Secret-9Kq2";
    let post = |path: &str, body: serde_json::Value| http.post(served.url(path)).json(&body).send();

    let registered: serde_json::Value = post(
        "/auth/register",
        serde_json::json!({"restaurant_name": "R",
        "email": "log@scan.io", "password": password, "first_name": "A", "last_name": "B"}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let wrong = post(
        "/auth/login",
        serde_json::json!({"email": "log@scan.io", "password": "pw-Wrong-7Yt"}),
    )
    .await
    .unwrap();
    assert_eq!(wrong.status(), 401);
    let login: serde_json::Value = post(
        "/auth/login",
        serde_json::json!({"email": "log@scan.io", "password": password}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let refreshed: serde_json::Value = post(
        "/auth/refresh",
        serde_json::json!({"refresh_token": login["refresh_token"]}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let access = refreshed["access_token"].as_str().unwrap().to_owned();
    let restaurant = registered["restaurant_id"].as_str().unwrap().to_owned();
    let me = http
        .get(served.url("/auth/me"))
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    let socket_url = format!(
        "ws://127.0.0.1:{}/restaurants/{restaurant}/live?token={access}",
        served.port
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(socket_url).await.unwrap();
    futures_util::StreamExt::next(&mut socket)
        .await
        .unwrap()
        .unwrap();
    drop(socket);
    let logout = post(
        "/auth/logout",
        serde_json::json!({"refresh_token": refreshed["refresh_token"]}),
    )
    .await
    .unwrap();
    assert_eq!(logout.status(), 204);

    let logs = tokio::task::spawn_blocking(move || served.stop_and_collect_logs())
        .await
        .unwrap();

    assert!(
        logs.contains("request_id") && logs.contains(&restaurant),
        "structured request logs are there"
    );
    let secrets = [
        password.to_owned(),
        "pw-Wrong-7Yt".to_owned(),
        db_password.to_owned(),
        access,
        registered["access_token"].as_str().unwrap().to_owned(),
        registered["refresh_token"].as_str().unwrap().to_owned(),
        login["access_token"].as_str().unwrap().to_owned(),
        login["refresh_token"].as_str().unwrap().to_owned(),
        refreshed["refresh_token"].as_str().unwrap().to_owned(),
    ];
    for secret in secrets {
        assert!(
            !logs.contains(&secret),
            "a secret reached the logs: {}...",
            &secret[..6]
        );
    }
    std::fs::remove_dir_all(dir).ok();
}
