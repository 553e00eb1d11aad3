//! Accounts and sign-in. Each restaurant is a tenant; its staff sign in with
//! email and password and receive a short-lived access token (JWT, HS256) and
//! a rotating refresh token. Roles:
//!
//! | action                                         | owner | manager | staff |
//! |------------------------------------------------|-------|---------|-------|
//! | read anything in the restaurant                | yes   | yes     | yes   |
//! | table status, reservations, walk-ins           | yes   | yes     | yes   |
//! | floor plan (create, move, delete tables)       | yes   | yes     | no    |
//! | restaurant settings, activity log              | yes   | yes     | no    |
//! | manage staff members with role `staff`         | yes   | yes     | no    |
//! | manage owners and managers                     | yes   | no      | no    |

mod handlers;
pub mod model;
mod queries;
pub mod throttle;

use std::sync::Arc;

use axum::{
    Extension,
    http::{HeaderValue, header},
};
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::state::AppState;
use throttle::LoginThrottle;

pub fn router() -> OpenApiRouter<AppState> {
    // Tokens and account data must never be stored by a cache along the way.
    let no_store = SetResponseHeaderLayer::overriding(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store"),
    );
    OpenApiRouter::new()
        .routes(routes!(handlers::register))
        .routes(routes!(handlers::login))
        .routes(routes!(handlers::refresh))
        .routes(routes!(handlers::logout))
        .routes(routes!(handlers::change_password))
        .routes(routes!(handlers::me))
        .layer(no_store)
        // This instance's count of failed sign-ins (see `throttle`).
        .layer(Extension(Arc::new(LoginThrottle::default())))
}

/// The operator's `qtable set-password`: gives the account with `email`
/// (any restaurant) a new password and ends its sessions, as a password
/// reset does. For staff whose restaurant moved without its hashes.
pub async fn set_password(pool: &sqlx::PgPool, email: &str, new: String) -> anyhow::Result<()> {
    crate::password::validate("password", &new).map_err(|_| {
        anyhow::anyhow!(
            "a password must be {} characters to {} bytes",
            crate::password::MIN_PASSWORD_CHARS,
            crate::password::MAX_PASSWORD_BYTES
        )
    })?;
    let account = queries::find_login(pool, email)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no account has the email {email:?}"))?;
    let hash = crate::password::hash(new).await?;
    let mut tx = crate::db::TenantTx::begin(pool, account.restaurant_id).await?;
    queries::update_password_hash(&mut tx, account.user_id, &hash).await?;
    tx.revoke_user_sessions(account.user_id, None).await?;
    tx.commit().await?;
    Ok(())
}
