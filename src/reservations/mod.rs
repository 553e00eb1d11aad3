//! Reservations and walk-ins, with a lifecycle that cannot be broken (see
//! `lifecycle`). Seating, which changes tables too, is `floor`'s.

mod handlers;
pub mod lifecycle;
pub mod model;
mod queries;

use utoipa_axum::{router::OpenApiRouter, routes};

use crate::state::AppState;

/// The day list's SQL builder, public so a test can EXPLAIN exactly this query.
pub use queries::push_list_query;

/// Adding a visit, for every surface that adds one (the app-as-it-grew's `guests` too).
pub use handlers::{book, validate_create};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(
            handlers::list_reservations,
            handlers::create_reservation
        ))
        .routes(routes!(
            handlers::get_reservation,
            handlers::update_reservation,
            handlers::delete_reservation
        ))
}
