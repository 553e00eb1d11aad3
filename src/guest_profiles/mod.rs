//! The guest book: who each party is (names, phone, email, notes, dietary
//! restrictions, tags) and the history their visits make. Visits are
//! reservations and walk-ins; what joins the two lives in `booking`.
//! Every role reads and edits profiles; erasure and merging need an owner
//! or manager.

pub mod contact;
mod handlers;
pub use handlers::{ProfilePath, amend};
pub mod model;
mod queries;

use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{error::ApiResult, state::AppState, tenant::Tenant};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(handlers::list_profiles, handlers::create_profile))
        .routes(routes!(
            handlers::get_profile,
            handlers::update_profile,
            handlers::delete_profile
        ))
        .routes(routes!(handlers::merge_profiles))
}

/// The restaurant's region for phone numbers typed without a country code.
pub async fn region(tenant: &mut Tenant) -> ApiResult<String> {
    queries::select_region(tenant.tx()).await
}
