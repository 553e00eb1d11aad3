//! What every handler can reach.

use std::sync::Arc;

use sqlx::PgPool;

use crate::{
    auth::{throttle::LoginThrottle, tokens::TokenKeys},
    config::Config,
    live,
};

#[derive(Clone)]
pub struct AppState {
    pub db: PgPool,
    pub config: Arc<Config>,
    pub tokens: Arc<TokenKeys>,
    pub throttle: Arc<LoginThrottle>,
    pub live: live::Hub,
}

impl AppState {
    /// Fails when no `SECRET_KEY` has been resolved (see `Config::ensure_secret_key`).
    /// Starts the live-update hub, so it must run inside the Tokio runtime.
    pub fn new(config: Config, db: PgPool) -> anyhow::Result<Self> {
        let secret = config
            .secret_key
            .as_ref()
            .ok_or_else(|| anyhow::anyhow!("SECRET_KEY: not set"))?;
        let tokens = TokenKeys::new(secret, config.access_token_ttl, config.refresh_token_ttl);
        // Install the metrics recorder before anything records.
        crate::metrics::handle();
        let live = live::start(&config, db.clone())?;
        Ok(Self {
            db,
            config: Arc::new(config),
            tokens: Arc::new(tokens),
            throttle: Arc::default(),
            live,
        })
    }
}
