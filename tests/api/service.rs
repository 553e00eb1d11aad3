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
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_qtable");

/// A `qtable serve` process with the embedded database under `data_dir`.
struct Served {
    child: Child,
    port: u16,
    /// Everything it has logged (stdout), collected by a thread so the pipe never fills.
    logs: std::sync::Arc<std::sync::Mutex<String>>,
    collector: Option<std::thread::JoinHandle<()>>,
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

/// `serve_with`, off the runtime (it blocks until the service listens).
async fn serve_in_background(data_dir: &Path, vars: &[(&str, &str)]) -> Served {
    let data_dir = data_dir.to_owned();
    let vars: Vec<(String, String)> = vars
        .iter()
        .map(|&(name, value)| (name.to_owned(), value.to_owned()))
        .collect();
    tokio::task::spawn_blocking(move || {
        let vars: Vec<(&str, &str)> = vars.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        serve_with(&data_dir, &vars)
    })
    .await
    .unwrap()
}

impl Served {
    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
    fn signal(&self, signal: Signal) {
        kill(Pid::from_raw(self.child.id() as i32), signal).unwrap();
    }

    /// Stops the service with SIGTERM; it must exit successfully.
    fn stop(&mut self) {
        self.signal(Signal::SIGTERM);
        let status = self.child.wait().unwrap();
        assert!(status.success(), "exit status {status}");
    }

    /// Stops the service with SIGTERM and returns everything it logged.
    fn stop_and_collect_logs(mut self) -> String {
        self.stop();
        self.collector.take().unwrap().join().unwrap();
        self.logs.lock().unwrap().clone()
    }

    async fn post(&self, http: &reqwest::Client, path: &str, body: Value) -> reqwest::Response {
        http.post(self.url(path)).json(&body).send().await.unwrap()
    }

    async fn post_for_json(&self, http: &reqwest::Client, path: &str, body: Value) -> Value {
        self.post(http, path, body).await.json().await.unwrap()
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
    let mut served = serve_in_background(&dir, &[]).await;
    assert_healthy(&served).await;
    assert_eq!(
        reqwest::get(served.url("/docs/")).await.unwrap().status(),
        200
    );
    assert!(postmaster_pid(&dir).exists());

    served.stop();

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
    let mut first = serve_in_background(&dir, &[]).await;
    let db = embedded_db(&dir).await;
    sqlx::raw_sql("create table marker (note text); insert into marker values ('kept')")
        .execute(&db)
        .await
        .unwrap();
    db.close().await;
    first.signal(Signal::SIGKILL);
    first.child.wait().unwrap();
    wait_until_removed(&postmaster_pid(&dir));

    let mut second = serve_in_background(&dir, &[]).await;
    assert_healthy(&second).await;
    let db = embedded_db(&dir).await;
    let note: String = sqlx::query_scalar("select note from marker")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(note, "kept");
    db.close().await;
    second.stop();
    std::fs::remove_dir_all(dir).ok();
}

/// Runs `qtable` (no subcommand) with only these variables, to its end.
fn start_with(vars: &[(&str, &str)]) -> std::process::Output {
    Command::new(BIN)
        .env_clear()
        .envs(vars.iter().copied())
        .output()
        .unwrap()
}

#[test]
fn a_bad_variable_stops_start_up_with_a_message_naming_it() {
    let output = start_with(&[("PORT", "not-a-port")]);

    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("PORT"));
}

#[test]
fn production_refuses_to_start_with_a_default_secret() {
    let output = start_with(&[
        ("ENVIRONMENT", "production"),
        ("DATABASE_URL", "postgres://qtable@127.0.0.1:1/qtable"),
        ("SECRET_KEY", "your-super-secret-key-here"),
    ]);

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
    let mut served = serve_in_background(&dir, &[("DATABASE_URL", &url)]).await;

    assert_healthy(&served).await;
    let body = json!({"restaurant_name": "R", "email": "a@b.co", "password": "password123",
            "first_name": "A", "last_name": "B"});
    let register = served
        .post(&reqwest::Client::new(), "/auth/register", body)
        .await;
    assert_eq!(register.status(), 201, "the schema is in place");
    assert!(
        !dir.join("postgres").exists(),
        "no embedded cluster with DATABASE_URL"
    );
    served.stop();
    std::fs::remove_dir_all(dir).ok();
}

/// `qtable serve` at debug level on a new database, through a URL that
/// carries `db_password`.
async fn serve_with_debug_logs(dir: &Path, db_password: &str) -> Served {
    let server = crate::helpers::postgres::server();
    let database = server.create_empty_database().await;
    // The test server trusts local connections, so the password is carried but unused.
    let url =
        server
            .url_for(&database)
            .replacen("postgres@", &format!("postgres:{db_password}@"), 1);
    serve_in_background(dir, &[("DATABASE_URL", &url), ("RUST_LOG", "debug")]).await
}

/// The token responses of one user: registered, signed in and refreshed.
struct Signed {
    registered: Value,
    login: Value,
    refreshed: Value,
}

/// Registers with `password`, fails a login, signs in and refreshes.
async fn sign_in_every_way(served: &Served, http: &reqwest::Client, password: &str) -> Signed {
    let register = json!({"restaurant_name": "R",
        "email": "log@scan.io", "password": password, "first_name": "A", "last_name": "B"});
    let registered: Value = served.post_for_json(http, "/auth/register", register).await;
    let wrong_password = json!({"email": "log@scan.io", "password": "pw-Wrong-7Yt"});
    let wrong = served.post(http, "/auth/login", wrong_password).await;
    assert_eq!(wrong.status(), 401);
    let right_password = json!({"email": "log@scan.io", "password": password});
    let login: Value = served
        .post_for_json(http, "/auth/login", right_password)
        .await;
    let refresh = json!({"refresh_token": login["refresh_token"]});
    let refreshed: Value = served.post_for_json(http, "/auth/refresh", refresh).await;
    Signed {
        registered,
        login,
        refreshed,
    }
}

/// With the refreshed session: `/auth/me`, a live socket's hello, then sign-out.
async fn use_and_end_the_session(served: &Served, http: &reqwest::Client, signed: &Signed) {
    let access = signed.refreshed["access_token"].as_str().unwrap();
    let restaurant = signed.registered["restaurant_id"].as_str().unwrap();
    let me = http
        .get(served.url("/auth/me"))
        .bearer_auth(access)
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
    let refresh_token = json!({"refresh_token": signed.refreshed["refresh_token"]});
    let logout = served.post(http, "/auth/logout", refresh_token).await;
    assert_eq!(logout.status(), 204);
}

#[tokio::test]
async fn no_password_token_or_database_password_ever_reaches_the_logs() {
    let (db_password, password) = ("db-pass-Zq8Xw", "pw-Secret-9Kq2");
    let dir = data_dir();
    let served = serve_with_debug_logs(&dir, db_password).await;
    let http = reqwest::Client::new();

    let signed = sign_in_every_way(&served, &http, password).await;
    use_and_end_the_session(&served, &http, &signed).await;
    let logs = tokio::task::spawn_blocking(move || served.stop_and_collect_logs())
        .await
        .unwrap();

    let restaurant = signed.registered["restaurant_id"].as_str().unwrap();
    assert!(
        logs.contains("request_id") && logs.contains(restaurant),
        "structured request logs are there"
    );
    let token = |of: &Value, name: &str| of[name].as_str().unwrap().to_owned();
    let secrets = [
        password.to_owned(),
        "pw-Wrong-7Yt".to_owned(),
        db_password.to_owned(),
        token(&signed.refreshed, "access_token"),
        token(&signed.registered, "access_token"),
        token(&signed.registered, "refresh_token"),
        token(&signed.login, "access_token"),
        token(&signed.login, "refresh_token"),
        token(&signed.refreshed, "refresh_token"),
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
