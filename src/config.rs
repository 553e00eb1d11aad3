//! Configuration from environment variables (and `.env`, loaded by `main`).
//!
//! Parsing is a pure function of a variable lookup, so tests build a `Config`
//! without touching the process environment. Every error names its variable.

use std::{fmt, net::IpAddr, path::PathBuf, time::Duration};

/// A secret that never prints: `Debug` and `Display` are redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// What sits between the service and PostgreSQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pooler {
    /// A direct connection, or a pooler in session mode: one server
    /// connection per client connection.
    None,
    /// A pooler in transaction mode (PgBouncer's `pool_mode = transaction`,
    /// Supabase's port 6543, Neon's `-pooler` host): no named prepared
    /// statements, no migrations through it (see `db::NAMED_STATEMENTS`).
    Transaction,
}

/// How the app-as-it-grew surface (`compat`) writes timestamps: the Python
/// service's own forms (today's app), or the seed's `…SSZ` (apps built
/// against the seed README).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompatTimeFormat {
    Python,
    Seed,
}

/// Where browsers may call us from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CorsOrigins {
    Any,
    List(Vec<String>),
}

#[derive(Debug, Clone)]
pub struct Config {
    /// `None` means: run the embedded PostgreSQL cluster (development only).
    pub database_url: Option<Secret>,
    /// A direct connection for migrations, when `database_url` goes through a pooler.
    pub migration_database_url: Option<Secret>,
    pub database_pooler: Pooler,
    /// `None` until resolved: in development a key is generated under `data_dir`.
    pub secret_key: Option<Secret>,
    pub redis_url: Option<Secret>,
    pub environment: Environment,
    pub host: IpAddr,
    pub port: u16,
    pub data_dir: PathBuf,
    pub cors_origins: CorsOrigins,
    pub log_format: LogFormat,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    pub event_retention: Duration,
    pub db_pool_size: u32,
    pub request_timeout: Duration,
    /// How long a connection may take to send a request's head, and stay
    /// idle between requests (see `http::server`).
    pub header_read_timeout: Duration,
    /// Connections one instance keeps open at once; more are answered 503.
    pub max_connections: usize,
    pub shutdown_grace: Duration,
    /// Prefix of the Redis channel shared by all instances of one deployment.
    pub redis_channel_prefix: String,
    /// Events a live connection may fall behind before it is closed (4008).
    pub live_queue_capacity: usize,
    /// The server pings live connections this often...
    pub live_ping_interval: Duration,
    /// ...and drops one that has been silent this long.
    pub live_idle_timeout: Duration,
    /// Live sockets one session keeps open per instance; a newer one closes the oldest (4009).
    pub live_sockets_per_session: usize,
    pub compat_time_format: CompatTimeFormat,
    /// Requests one client address may make to the public booking surface per minute.
    pub public_rate_limit: std::num::NonZeroU32,
    /// Where the restaurants' own sites call the public booking surface from.
    pub public_cors_origins: CorsOrigins,
}

/// A configuration error that names the variable at fault.
#[derive(Debug, thiserror::Error)]
#[error("{var}: {message}")]
pub struct ConfigError {
    pub var: &'static str,
    pub message: String,
}

fn invalid(var: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        var,
        message: message.into(),
    }
}

/// Secrets that ship in our own docs and examples: never acceptable in production.
const KNOWN_DEFAULT_SECRETS: &[&str] = &[
    "your-super-secret-key-here",
    "change-me-to-a-long-random-string-of-at-least-32-bytes",
    "secret",
    "changeme",
];
pub const MIN_PRODUCTION_SECRET_BYTES: usize = 32;

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Parses configuration from any variable lookup (empty values count as unset).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let environment = match get("ENVIRONMENT").as_deref() {
            None | Some("development") => Environment::Development,
            Some("production") => Environment::Production,
            Some(other) => {
                return Err(invalid(
                    "ENVIRONMENT",
                    format!("expected `development` or `production`, got {other:?}"),
                ));
            }
        };
        let config = Config {
            database_url: get("DATABASE_URL").map(Secret::new),
            migration_database_url: get("MIGRATION_DATABASE_URL").map(Secret::new),
            database_pooler: match get("DATABASE_POOLER").as_deref() {
                None | Some("none") | Some("session") => Pooler::None,
                Some("transaction") => Pooler::Transaction,
                Some(other) => {
                    return Err(invalid(
                        "DATABASE_POOLER",
                        format!("expected `none`, `session` or `transaction`, got {other:?}"),
                    ));
                }
            },
            secret_key: get("SECRET_KEY").map(Secret::new),
            redis_url: get("REDIS_URL").map(Secret::new),
            environment,
            host: parse_or("HOST", get("HOST"), "0.0.0.0".parse().expect("valid ip"))?,
            port: parse_or("PORT", get("PORT"), 8000)?,
            data_dir: get("QTABLE_DATA_DIR")
                .map_or_else(|| PathBuf::from("./.qtable"), PathBuf::from),
            cors_origins: parse_cors(get("CORS_ORIGINS").as_deref(), environment),
            public_cors_origins: parse_cors(get("PUBLIC_CORS_ORIGINS").as_deref(), environment),
            public_rate_limit: parse_or(
                "PUBLIC_RATE_LIMIT",
                get("PUBLIC_RATE_LIMIT"),
                std::num::NonZeroU32::new(60).expect("positive"),
            )?,
            log_format: match get("LOG_FORMAT").as_deref() {
                None | Some("text") => LogFormat::Text,
                Some("json") => LogFormat::Json,
                Some(other) => {
                    return Err(invalid(
                        "LOG_FORMAT",
                        format!("expected `text` or `json`, got {other:?}"),
                    ));
                }
            },
            access_token_ttl: minutes("ACCESS_TOKEN_MINUTES", get("ACCESS_TOKEN_MINUTES"), 30)?,
            refresh_token_ttl: minutes("REFRESH_TOKEN_DAYS", get("REFRESH_TOKEN_DAYS"), 30)?
                * 24
                * 60,
            event_retention: minutes("EVENT_RETENTION_DAYS", get("EVENT_RETENTION_DAYS"), 7)?
                * 24
                * 60,
            db_pool_size: parse_positive("DB_POOL_SIZE", get("DB_POOL_SIZE"), 10)?,
            request_timeout: Duration::from_secs(
                parse_positive("REQUEST_TIMEOUT_SECS", get("REQUEST_TIMEOUT_SECS"), 15)?.into(),
            ),
            header_read_timeout: Duration::from_secs(
                parse_positive(
                    "HEADER_READ_TIMEOUT_SECS",
                    get("HEADER_READ_TIMEOUT_SECS"),
                    10,
                )?
                .into(),
            ),
            max_connections: parse_positive("MAX_CONNECTIONS", get("MAX_CONNECTIONS"), 20_000)?
                as usize,
            shutdown_grace: Duration::from_secs(
                parse_positive("SHUTDOWN_GRACE_SECS", get("SHUTDOWN_GRACE_SECS"), 10)?.into(),
            ),
            redis_channel_prefix: get("REDIS_CHANNEL_PREFIX").unwrap_or_else(|| "qtable".into()),
            live_queue_capacity: parse_positive(
                "LIVE_QUEUE_CAPACITY",
                get("LIVE_QUEUE_CAPACITY"),
                256,
            )? as usize,
            live_ping_interval: Duration::from_secs(
                parse_positive("LIVE_PING_SECS", get("LIVE_PING_SECS"), 30)?.into(),
            ),
            live_idle_timeout: Duration::from_secs(
                parse_positive("LIVE_IDLE_SECS", get("LIVE_IDLE_SECS"), 90)?.into(),
            ),
            live_sockets_per_session: parse_positive(
                "LIVE_SOCKETS_PER_SESSION",
                get("LIVE_SOCKETS_PER_SESSION"),
                8,
            )? as usize,
            compat_time_format: match get("COMPAT_TIME_FORMAT").as_deref() {
                None | Some("python") => CompatTimeFormat::Python,
                Some("seed") => CompatTimeFormat::Seed,
                Some(other) => {
                    return Err(invalid(
                        "COMPAT_TIME_FORMAT",
                        format!("expected `python` or `seed`, got {other:?}"),
                    ));
                }
            },
        };
        config.check_production()?;
        Ok(config)
    }

    /// Production refuses to guess: a real database and a strong, non-default secret.
    fn check_production(&self) -> Result<(), ConfigError> {
        if self.environment != Environment::Production {
            return Ok(());
        }
        if self.database_url.is_none() {
            return Err(invalid(
                "DATABASE_URL",
                "is required when ENVIRONMENT=production",
            ));
        }
        let Some(secret) = &self.secret_key else {
            return Err(invalid(
                "SECRET_KEY",
                "is required when ENVIRONMENT=production",
            ));
        };
        if KNOWN_DEFAULT_SECRETS.contains(&secret.expose()) {
            return Err(invalid(
                "SECRET_KEY",
                "is a published default; generate a random one",
            ));
        }
        if secret.expose().len() < MIN_PRODUCTION_SECRET_BYTES {
            return Err(invalid(
                "SECRET_KEY",
                format!("must be at least {MIN_PRODUCTION_SECRET_BYTES} bytes in production"),
            ));
        }
        Ok(())
    }

    /// In development a missing `SECRET_KEY` is generated once and kept in
    /// `QTABLE_DATA_DIR/secret_key`, so tokens survive restarts.
    pub fn ensure_secret_key(&mut self) -> anyhow::Result<()> {
        use std::{fs, io::Write, os::unix::fs::OpenOptionsExt};
        if self.secret_key.is_some() {
            return Ok(());
        }
        let path = self.data_dir.join("secret_key");
        if let Ok(existing) = fs::read_to_string(&path) {
            self.secret_key = Some(Secret::new(existing.trim()));
            return Ok(());
        }
        fs::create_dir_all(&self.data_dir)?;
        let key = hex::encode(rand::random::<[u8; 32]>());
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)?;
        file.write_all(key.as_bytes())?;
        tracing::info!(path = %path.display(), "generated a development SECRET_KEY");
        self.secret_key = Some(Secret::new(key));
        Ok(())
    }

    pub fn is_production(&self) -> bool {
        self.environment == Environment::Production
    }
}

fn parse_or<T: std::str::FromStr>(
    var: &'static str,
    raw: Option<String>,
    default: T,
) -> Result<T, ConfigError> {
    match raw {
        None => Ok(default),
        Some(raw) => raw
            .trim()
            .parse()
            .map_err(|_| invalid(var, format!("cannot parse {raw:?}"))),
    }
}

fn parse_positive(
    var: &'static str,
    raw: Option<String>,
    default: u32,
) -> Result<u32, ConfigError> {
    match parse_or(var, raw, default)? {
        0 => Err(invalid(var, "must be greater than zero")),
        n => Ok(n),
    }
}

fn minutes(var: &'static str, raw: Option<String>, default: u32) -> Result<Duration, ConfigError> {
    Ok(Duration::from_secs(
        u64::from(parse_positive(var, raw, default)?) * 60,
    ))
}

/// `CORS_ORIGINS` is a comma-separated list, or `*`. Unset: any origin in
/// development, none in production.
fn parse_cors(raw: Option<&str>, environment: Environment) -> CorsOrigins {
    match raw.map(str::trim) {
        Some("*") => CorsOrigins::Any,
        Some(list) => CorsOrigins::List(
            list.split(',')
                .map(|o| o.trim().trim_end_matches('/').to_owned())
                .filter(|o| !o.is_empty())
                .collect(),
        ),
        None if environment == Environment::Development => CorsOrigins::Any,
        None => CorsOrigins::List(Vec::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn parse(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect();
        Config::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn defaults_are_development_on_port_8000_with_embedded_database() {
        let config = parse(&[]).unwrap();
        assert_eq!(config.environment, Environment::Development);
        assert_eq!(config.port, 8000);
        assert_eq!(config.host.to_string(), "0.0.0.0");
        assert!(config.database_url.is_none());
        assert_eq!(config.access_token_ttl, Duration::from_secs(30 * 60));
        assert_eq!(config.cors_origins, CorsOrigins::Any);
        assert_eq!(config.database_pooler, Pooler::None);
        assert_eq!(config.header_read_timeout, Duration::from_secs(10));
        assert_eq!(config.max_connections, 20_000);
    }

    #[test]
    fn a_transaction_pooler_is_named_with_its_direct_url_for_migrations() {
        let config = parse(&[
            ("DATABASE_POOLER", "transaction"),
            ("MIGRATION_DATABASE_URL", "postgres://u:p@db:5432/q"),
        ])
        .unwrap();
        assert_eq!(config.database_pooler, Pooler::Transaction);
        assert!(config.migration_database_url.is_some());
        assert_eq!(
            parse(&[("DATABASE_POOLER", "pgbouncer")]).unwrap_err().var,
            "DATABASE_POOLER"
        );
    }

    #[test]
    fn a_bad_value_names_its_variable() {
        assert_eq!(parse(&[("PORT", "eighty")]).unwrap_err().var, "PORT");
        assert_eq!(
            parse(&[("LOG_FORMAT", "xml")]).unwrap_err().var,
            "LOG_FORMAT"
        );
        assert_eq!(
            parse(&[("ENVIRONMENT", "prod")]).unwrap_err().var,
            "ENVIRONMENT"
        );
        assert_eq!(
            parse(&[("DB_POOL_SIZE", "0")]).unwrap_err().var,
            "DB_POOL_SIZE"
        );
    }

    #[test]
    fn production_requires_database_url_and_a_strong_secret() {
        let prod = ("ENVIRONMENT", "production");
        let db = ("DATABASE_URL", "postgres://u:p@db/q");
        assert_eq!(parse(&[prod]).unwrap_err().var, "DATABASE_URL");
        assert_eq!(parse(&[prod, db]).unwrap_err().var, "SECRET_KEY");
        assert_eq!(
            parse(&[prod, db, ("SECRET_KEY", "short")]).unwrap_err().var,
            "SECRET_KEY"
        );
        let default = (
            "SECRET_KEY",
            "change-me-to-a-long-random-string-of-at-least-32-bytes",
        );
        assert_eq!(parse(&[prod, db, default]).unwrap_err().var, "SECRET_KEY");
        let strong = ("SECRET_KEY", "0123456789abcdef0123456789abcdef");
        let config = parse(&[prod, db, strong]).unwrap();
        assert_eq!(config.cors_origins, CorsOrigins::List(vec![]));
    }

    #[test]
    fn secrets_are_redacted_in_debug_output() {
        let config = parse(&[
            ("SECRET_KEY", "hunter2-hunter2"),
            ("DATABASE_URL", "postgres://u:pw@h/d"),
        ])
        .unwrap();
        let printed = format!("{config:?}");
        assert!(!printed.contains("hunter2") && !printed.contains("pw@"));
    }
}
