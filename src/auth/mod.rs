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
