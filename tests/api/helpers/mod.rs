//! `TestApp`: the real application on port 0 with its own database.

pub mod postgres;
pub mod redis;
pub mod ws;

use std::sync::Once;

use qtable::{
    config::{Config, LogFormat, Secret},
    startup::Application,
};
use reqwest::Method;
use serde_json::{Value, json};
use sqlx::{PgPool, postgres::PgConnectOptions};

pub const TEST_SECRET: &str = "test-secret-key-that-is-long-enough-0123456789";

pub struct TestApp {
    pub address: String,
    pub port: u16,
    pub http: reqwest::Client,
    /// Superuser access to this test's database, for assertions behind the API.
    pub db: PgPool,
    pub db_options: PgConnectOptions,
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
            port,
            http: reqwest::Client::new(),
            db: postgres::superuser_pool(db_options.clone()).await,
            db_options,
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

pub const PASSWORD: &str = "password123";

/// A signed-in user, as the tests see them.
#[derive(Debug, Clone)]
pub struct Account {
    pub restaurant_id: String,
    pub user_id: String,
    pub email: String,
    pub token: String,
    pub refresh_token: String,
}

impl Account {
    fn from_tokens(email: &str, body: &Value) -> Self {
        Account {
            restaurant_id: body["restaurant_id"]
                .as_str()
                .expect("restaurant_id")
                .to_owned(),
            user_id: body["user_id"].as_str().expect("user_id").to_owned(),
            email: email.to_owned(),
            token: body["access_token"]
                .as_str()
                .expect("access_token")
                .to_owned(),
            refresh_token: body["refresh_token"]
                .as_str()
                .expect("refresh_token")
                .to_owned(),
        }
    }

    /// `/restaurants/{id}` + `rest`.
    pub fn path(&self, rest: &str) -> String {
        format!("/restaurants/{}{rest}", self.restaurant_id)
    }
}

fn unique_email(prefix: &str) -> String {
    format!("{prefix}-{}@example.com", uuid::Uuid::new_v4().simple())
}

impl TestApp {
    /// Sends `method path` with a bearer token and an optional JSON body.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> reqwest::Response {
        let mut request = self.http.request(method, self.url(path)).bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.expect("request")
    }

    pub async fn post_json(&self, path: &str, body: Value) -> reqwest::Response {
        self.http
            .post(self.url(path))
            .json(&body)
            .send()
            .await
            .expect("request")
    }

    /// Registers a new restaurant; returns its owner.
    pub async fn register(&self) -> Account {
        let email = unique_email("owner");
        let body = json!({"restaurant_name": "Pizza Palace", "email": email, "password": PASSWORD,
            "first_name": "John", "last_name": "Doe"});
        let (status, body) = json_of(self.post_json("/auth/register", body).await).await;
        assert_eq!(status, 201, "{body}");
        Account::from_tokens(&email, &body)
    }

    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        self.post_json("/auth/login", json!({"email": email, "password": password}))
            .await
    }

    /// Adds a staff member with `role` through `by`, and signs them in.
    pub async fn add_staff(&self, by: &Account, role: &str) -> Account {
        let email = unique_email(role);
        let body = json!({"email": email, "password": PASSWORD, "firstName": "Sam", "lastName": "Lee", "role": role});
        let (status, created) = json_of(
            self.call(Method::POST, &by.path("/staff"), &by.token, Some(body))
                .await,
        )
        .await;
        assert_eq!(status, 201, "{created}");
        let (status, tokens) = json_of(self.login(&email, PASSWORD).await).await;
        assert_eq!(status, 200, "{tokens}");
        Account::from_tokens(&email, &tokens)
    }
}

impl TestApp {
    /// Creates a table through the API; returns its JSON.
    pub async fn create_table(&self, by: &Account, number: &str, capacity: i32) -> Value {
        let body = json!({"tableNumber": number, "capacity": capacity, "position": {"x": 0.2, "y": 0.3},
            "shape": "round", "section": "Main Dining"});
        let (status, table) = json_of(
            self.call(Method::POST, &by.path("/tables"), &by.token, Some(body))
                .await,
        )
        .await;
        assert_eq!(status, 201, "{table}");
        table
    }

    /// Creates a reservation (or a walk-in, with `time: None`); returns its JSON.
    pub async fn create_reservation(
        &self,
        by: &Account,
        guest: &str,
        party: i32,
        time: Option<&str>,
    ) -> Value {
        let body = json!({"guestName": guest, "partySize": party, "reservationTime": time,
            "contactInfo": "+1234567890", "notes": "Birthday celebration"});
        let (status, reservation) = json_of(
            self.call(
                Method::POST,
                &by.path("/reservations"),
                &by.token,
                Some(body),
            )
            .await,
        )
        .await;
        assert_eq!(status, 201, "{reservation}");
        reservation
    }

    /// `PUT` with a JSON body; returns status and body.
    pub async fn put(&self, by: &Account, path: &str, body: Value) -> (u16, Value) {
        json_of(
            self.call(Method::PUT, &by.path(path), &by.token, Some(body))
                .await,
        )
        .await
    }

    pub async fn fetch(&self, by: &Account, path: &str) -> Value {
        let (status, body) = json_of(
            self.call(Method::GET, &by.path(path), &by.token, None)
                .await,
        )
        .await;
        assert_eq!(status, 200, "{path}: {body}");
        body
    }
}

/// The status and JSON body of a response.
pub async fn json_of(response: reqwest::Response) -> (u16, serde_json::Value) {
    let status = response.status().as_u16();
    let body = response.json().await.unwrap_or(serde_json::Value::Null);
    (status, body)
}

impl TestApp {
    /// Writes `request` as raw bytes on a new connection, for what reqwest
    /// refuses to send (control bytes in a header or the request line), and
    /// reads until the server closes: the status, the head and the JSON body.
    pub async fn raw_request(&self, request: &[u8]) -> (u16, String, Value) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", self.port))
            .await
            .expect("connect");
        stream.write_all(request).await.expect("write");
        let mut response = Vec::new();
        let read = stream.read_to_end(&mut response);
        tokio::time::timeout(std::time::Duration::from_secs(5), read)
            .await
            .expect("the server closes the connection")
            .expect("read");
        let text = String::from_utf8_lossy(&response);
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let status = head.split(' ').nth(1).and_then(|s| s.parse().ok());
        let body = serde_json::from_str(body).unwrap_or(Value::Null);
        (status.unwrap_or(0), head.to_owned(), body)
    }
}
