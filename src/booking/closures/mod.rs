//! Closures: the local days on which a restaurant takes no bookings
//! (holidays, private events), whatever its shifts say.

mod handlers;
pub mod model;
mod queries;

use utoipa_axum::{router::OpenApiRouter, routes};

use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(handlers::list_closures, handlers::create_closure))
        .routes(routes!(handlers::delete_closure))
}
