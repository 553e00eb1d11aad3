//! The restaurant (tenant) record: name, time zone, settings.

mod handlers;
pub mod model;
mod queries;

use utoipa_axum::{router::OpenApiRouter, routes};

use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(
        handlers::get_restaurant,
        handlers::update_restaurant
    ))
}
