//! What every handler can reach: plain data, built by `startup`. Nothing
//! here starts anything, and nothing here names a domain.

use std::sync::Arc;

use sqlx::PgPool;

use crate::{config::Config, event::Publisher, tokens::TokenKeys};

#[derive(Clone)]
pub struct AppState {
    pub db: PgPool,
    pub config: Arc<Config>,
    pub tokens: Arc<TokenKeys>,
    /// Where committed events go: the live hub.
    pub publisher: Arc<dyn Publisher>,
}
