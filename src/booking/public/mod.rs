//! The public booking surface a restaurant's own site calls: no staff
//! token, the restaurant found by its slug (a guest's booking by its id and
//! manage token) through the database's narrow lookups, every request rate
//! limited per client address, and nothing in any answer about other guests
//! or staff.

mod handlers;
pub mod throttle;

use std::sync::Arc;

use axum::Extension;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use crate::{
    db::TenantTx,
    error::{ApiError, ApiResult},
    state::AppState,
    tenant::Tenant,
    tokens,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(handlers::get_public_availability))
        .routes(routes!(handlers::create_hold))
        .routes(routes!(handlers::confirm_hold))
        .routes(routes!(handlers::get_booking, handlers::cancel_booking))
        .layer(Extension(Arc::new(throttle::PublicThrottle::default())))
}

/// The guest's unit of work at the restaurant with this slug.
async fn open_by_slug(state: &AppState, slug: &str) -> ApiResult<Tenant> {
    TenantTx::begin_by_slug(&state.db, slug)
        .await?
        .map(Tenant::guest)
        .ok_or(ApiError::NotFound("restaurant"))
}

/// The guest's unit of work on their own booking; 404 alike for an unknown
/// booking and a wrong token.
async fn open_by_token(state: &AppState, reservation: Uuid, token: &str) -> ApiResult<Tenant> {
    let hash = tokens::hash_refresh_token(token);
    TenantTx::begin_by_manage_token(&state.db, reservation, &hash)
        .await?
        .map(Tenant::guest)
        .ok_or(ApiError::NotFound("booking"))
}
