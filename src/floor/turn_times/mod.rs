//! Turn times by party size, set by the restaurant or suggested from its own
//! finished parties; the quotes and the day's plan read them.

mod handlers;
pub mod model;
mod queries;

use utoipa_axum::{router::OpenApiRouter, routes};

use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(handlers::get_turn_times, handlers::put_turn_times))
        .routes(routes!(handlers::suggest_turn_times))
}
