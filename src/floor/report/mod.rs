//! The day report: how a local day went, compiled from its records by a
//! pure function.

mod handlers;
pub mod model;
mod queries;
pub mod rules;

use utoipa_axum::{router::OpenApiRouter, routes};

use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(handlers::get_day_report))
}
