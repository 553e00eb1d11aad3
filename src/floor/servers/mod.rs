//! Server sections: who serves which section today, each server's share of
//! the floor, and where to seat the next party so that no server is slammed.

mod handlers;
pub mod model;
mod queries;
pub mod rules;

use utoipa_axum::{router::OpenApiRouter, routes};

use model::Server;

use super::snapshot::{self, Snapshot};
use crate::{error::ApiResult, state::AppState, tenant::Tenant};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(
            handlers::get_assignments,
            handlers::put_assignments
        ))
        .routes(routes!(handlers::list_servers))
        .routes(routes!(handlers::list_suggestions))
}

/// Today's servers with their share of the floor, and the floor itself.
async fn servers_now(tenant: &mut Tenant) -> ApiResult<(Vec<Server>, Snapshot)> {
    let staffed = queries::select_staffed(tenant.tx()).await?;
    let covers = queries::covers_today(tenant.tx()).await?;
    let snapshot = snapshot::load(tenant).await?;
    Ok((rules::servers(&staffed, &snapshot, &covers), snapshot))
}
