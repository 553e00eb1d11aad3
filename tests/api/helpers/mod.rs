//! `TestApp`: the real application on port 0 with its own database.

pub mod postgres;

use std::sync::Once;

use qtable::{
    config::{Config, LogFormat, Secret},
    startup::Application,
};
use sqlx::{PgPool, postgres::PgConnectOptions};

pub const TEST_SECRET: &str = "test-secret-key-that-is-long-enough-0123456789";

pub struct TestApp {
    pub address: String,
    pub http: reqwest::Client,
    /// Superuser access to this test's database, for assertions behind the API.
    pub db: PgPool,
    pub config: Config,
}

/// The configuration every test app starts from.
pub fn test_config() -> Config {
    let mut config = Config::from_lookup(|_| None).expect("default config");
    config.host = [127, 0, 0, 1].into();
    config.port = 0;
    config.secret_key = Some(Secret::new(TEST_SECRET));
    config.log_format = LogFormat::Text;
    config.db_pool_size = 5;
    config.data_dir = std::env::temp_dir().join("qtable-test-data");
    config
}

fn init_logs() {
    static LOGS: Once = Once::new();
    LOGS.call_once(|| {
        if std::env::var_os("TEST_LOG").is_some() {
            qtable::telemetry::init(LogFormat::Text);
        }
    });
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(test_config()).await
    }

    pub async fn spawn_with(config: Config) -> TestApp {
        let db_options = postgres::server().create_database().await;
        Self::spawn_on(config, db_options).await
    }

    /// Runs an app on an existing database (two instances can share one).
    pub async fn spawn_on(config: Config, db_options: PgConnectOptions) -> TestApp {
        init_logs();
        let pool = qtable::db::pool_options(config.db_pool_size)
            .connect_with(db_options.clone())
            .await
            .expect("app pool");
        let app = Application::build(config.clone(), pool)
            .await
            .expect("building the app");
        let port = app.port();
        tokio::spawn(app.run_until_stopped(std::future::pending()));
        TestApp {
            address: format!("http://127.0.0.1:{port}"),
            http: reqwest::Client::new(),
            db: postgres::superuser_pool(db_options).await,
            config,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(self.url(path)).send().await.expect("request")
    }
}

/// The status and JSON body of a response.
pub async fn json(response: reqwest::Response) -> (u16, serde_json::Value) {
    let status = response.status().as_u16();
    let body = response.json().await.unwrap_or(serde_json::Value::Null);
    (status, body)
}
