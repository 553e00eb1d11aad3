//! The journal of every write: an activity entry (who, when, what, before and
//! after) and a live event, recorded in the write's own transaction by one
//! statement. Owners and managers read the activity log.

mod handlers;
pub mod model;
mod queries;

use utoipa_axum::{router::OpenApiRouter, routes};

pub use queries::{Change, record};

use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(handlers::list_activity))
}
