//! Staff members of a restaurant: the people who sign in at its host stand.

mod handlers;
pub mod model;
mod queries;

use utoipa_axum::{router::OpenApiRouter, routes};

use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(handlers::list_staff, handlers::create_staff))
        .routes(routes!(
            handlers::get_staff,
            handlers::update_staff,
            handlers::delete_staff
        ))
}
