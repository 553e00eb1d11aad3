//! `TestApp`: the real application on port 0 with its own database.

mod booking;
mod endpoints;
mod json;
pub mod postgres;
pub mod redis;
pub mod tools;
pub mod ws;

pub use json::{TABLE_KEYS, assert_keys, assert_wire_timestamp, id, json_of, strings};

use std::sync::Once;

use qtable::{
    config::{Config, LogFormat, Secret},
    startup::Application,
};
use reqwest::{Method, RequestBuilder, header::HeaderMap};
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

pub fn unique_email(prefix: &str) -> String {
    format!("{prefix}-{}@example.com", uuid::Uuid::new_v4().simple())
}

/// What a test sees of a response: its status, headers and JSON body
/// (`Null` when there is none).
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
    /// `METHOD url`, for failure messages.
    pub request: String,
}

impl Reply {
    /// Asserts a 200 and returns the body: a read that must succeed.
    pub fn expect_200(self) -> Value {
        assert_eq!(self.status, 200, "{}: {}", self.request, self.body);
        self.body
    }

    /// The status with one field of the body, to assert both at once.
    pub fn status_and(&self, key: &str) -> (u16, &Value) {
        (self.status, &self.body[key])
    }
}

impl TestApp {
    /// A request with a bearer token, to an absolute path.
    pub(crate) fn with_token(&self, method: Method, path: &str, token: &str) -> RequestBuilder {
        self.http.request(method, self.url(path)).bearer_auth(token)
    }

    /// A request by `by` to their restaurant: `/restaurants/{id}` + `rest`.
    pub(crate) fn by(&self, method: Method, by: &Account, rest: &str) -> RequestBuilder {
        self.with_token(method, &by.path(rest), &by.token)
    }

    pub(crate) async fn send(&self, request: RequestBuilder) -> Reply {
        let request = request.build().expect("a valid request");
        let described = format!("{} {}", request.method(), request.url());
        let response = self.http.execute(request).await.expect("request");
        Reply {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body: response.json().await.unwrap_or(Value::Null),
            request: described,
        }
    }
}

/// Fixtures: each step must succeed, so each asserts its status.
impl TestApp {
    /// Registers a new restaurant; returns its owner.
    pub async fn register(&self) -> Account {
        let email = unique_email("owner");
        let body = json!({"restaurant_name": "Pizza Palace", "email": email, "password": PASSWORD,
            "first_name": "John", "last_name": "Doe"});
        let registered = self.post_register(&body).await;
        assert_eq!(registered.status, 201, "{}", registered.body);
        Account::from_tokens(&email, &registered.body)
    }

    /// A new restaurant's owner, then a manager and a staff member added by
    /// them: `(owner, manager, staff)`.
    pub async fn team(&self) -> (Account, Account, Account) {
        let owner = self.register().await;
        let manager = self.add_staff(&owner, "manager").await;
        let staff = self.add_staff(&owner, "staff").await;
        (owner, manager, staff)
    }

    /// Signs in an account that exists already (one imported, say).
    pub async fn sign_in(&self, email: &str, password: &str) -> Account {
        let tokens = self.login(email, password).await;
        assert_eq!(tokens.status, 200, "{}", tokens.body);
        Account::from_tokens(email, &tokens.body)
    }

    /// Adds a staff member with `role` through `by`, and signs them in.
    pub async fn add_staff(&self, by: &Account, role: &str) -> Account {
        let email = unique_email(role);
        let body = json!({"email": email, "password": PASSWORD, "firstName": "Sam", "lastName": "Lee", "role": role});
        let created = self.post_staff(by, &body).await;
        assert_eq!(created.status, 201, "{}", created.body);
        let tokens = self.login(&email, PASSWORD).await;
        assert_eq!(tokens.status, 200, "{}", tokens.body);
        Account::from_tokens(&email, &tokens.body)
    }

    /// Creates a table through the API; returns its JSON.
    pub async fn create_table(&self, by: &Account, number: &str, capacity: i32) -> Value {
        let body = json!({"tableNumber": number, "capacity": capacity, "position": {"x": 0.2, "y": 0.3},
            "shape": "round", "section": "Main Dining"});
        let table = self.post_table(by, &body).await;
        assert_eq!(table.status, 201, "{}", table.body);
        table.body
    }

    /// How many tables `by`'s restaurant lists.
    pub async fn count_tables(&self, by: &Account) -> usize {
        let tables = self.get_tables(by).await.expect_200();
        tables.as_array().unwrap().len()
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
        let reservation = self.post_reservation(by, &body).await;
        assert_eq!(reservation.status, 201, "{}", reservation.body);
        reservation.body
    }

    /// Creates a guest profile from `body`; returns its JSON.
    pub async fn create_guest_profile(&self, by: &Account, body: &Value) -> Value {
        let profile = self.post_guest_profile(by, body).await;
        assert_eq!(profile.status, 201, "{}", profile.body);
        profile.body
    }
}

/// Fixtures that set the clock's side of the floor behind the API, so that
/// time-dependent answers are exact without waiting.
impl TestApp {
    /// Moves a seated party's seat time (its reservation's and its seatings')
    /// `minutes` into the past.
    pub async fn seated_minutes_ago(&self, reservation: &Value, minutes: i32) {
        for statement in [
            "update reservations set seated_time = now() - make_interval(mins => $2) where id = $1::uuid",
            "update seatings set seated_at = now() - make_interval(mins => $2) where reservation_id = $1::uuid",
        ] {
            sqlx::query(statement)
                .bind(id(reservation))
                .bind(minutes)
                .execute(&self.db)
                .await
                .unwrap();
        }
    }

    /// Sets the restaurant's turn times to `minutes` for every party.
    pub async fn turn_times_of(&self, by: &Account, minutes: i32) {
        let body = json!({"defaultMinutes": minutes});
        let set = self.put_turn_times(by, &body).await;
        assert_eq!(set.status, 200, "{}", set.body);
    }
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
