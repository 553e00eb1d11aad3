//! Data portability: a restaurant's whole data as one JSON document, at one
//! point in time, and that document loaded into another deployment with
//! every id kept, so a restaurant can move (docs/deploy.md). Like `import/`,
//! it spans every domain with SQL of its own (reads in `queries.rs`, the
//! loader's inserts in `load/queries.rs`), through `TenantTx`: row-level
//! security stays on. Owners download it over HTTP without secrets; the
//! operator's `qtable export` may carry the password hashes.

pub mod document;
mod handlers;
pub mod load;
mod queries;
pub mod write;

use utoipa_axum::{router::OpenApiRouter, routes};

use crate::state::AppState;

pub use document::Export;
pub use load::{Loaded, load, parse};
pub use write::{Secrets, Written, export};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(handlers::export_restaurant))
}
