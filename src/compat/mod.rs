//! The app as it grew (`../shared/COMPAT.md`, docs/ios-app.md): the routes
//! and the `/realtime` socket that today's iOS app, built against the Python
//! service, calls. A translation layer only: it turns the Python shapes into
//! the native operations (`reservations::book`, `floor::change_locked`,
//! `tables::apply`) and back, and holds no rules of its own, so the
//! lifecycle, seating, ETags, idempotency, activity and live events are the
//! native API's. No domain imports it; retiring it is deleting this folder
//! and its line in `startup`.

mod batch;
mod dashboard;
mod guests;
mod input;
pub mod model;
mod people;
mod queries;
mod realtime;
mod sync;
mod tables;
mod time;
mod updates;

use utoipa_axum::{router::OpenApiRouter, routes};

use crate::state::AppState;

pub use time::Clock;

/// The OpenAPI tag of every route here.
pub const TAG: &str = "compat";

/// This surface's timestamps, as the deployment set them (`COMPAT_TIME_FORMAT`).
fn clock(state: &AppState) -> Clock {
    Clock(state.config.compat_time_format)
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(guests::list_guests, guests::create_guest))
        .routes(routes!(
            guests::get_guest,
            guests::update_guest,
            guests::delete_guest
        ))
        .routes(routes!(batch::batch_update))
        .routes(routes!(tables::clear_table, tables::clear_table_by_post))
        .routes(routes!(tables::bulk_tables))
        .routes(routes!(dashboard::own_dashboard))
        .routes(routes!(dashboard::restaurant_dashboard))
        .routes(routes!(dashboard::v1_dashboard))
        .routes(routes!(updates::list_updates))
        .routes(routes!(sync::full_sync))
        .routes(routes!(sync::delta_sync))
        .routes(routes!(realtime::realtime))
}
