//! The floor plan: tables with their position, shape, capacity and live status.

mod handlers;
pub mod model;
mod queries;

use utoipa_axum::{router::OpenApiRouter, routes};

use crate::state::AppState;

/// Changing and reading tables, for every surface that does (the app-as-it-grew's too).
pub use handlers::{all, apply, validate_update};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(handlers::list_tables, handlers::create_table))
        .routes(routes!(
            handlers::get_table,
            handlers::update_table,
            handlers::delete_table
        ))
}
