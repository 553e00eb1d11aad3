//! The floor plan: tables with their position, shape, capacity and live status.

mod handlers;
pub mod model;
pub mod queries;

use serde_json::json;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    activity::{self, Change},
    auth::Tenant,
    error::ApiResult,
    live::{Event, EventKind},
    state::AppState,
};
use model::Table;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(handlers::list_tables, handlers::create_table))
        .routes(routes!(
            handlers::get_table,
            handlers::update_table,
            handlers::delete_table
        ))
}

fn to_json(table: &Table) -> serde_json::Value {
    serde_json::to_value(table).expect("a table serialises")
}

/// Records a table change: its activity entry and its `table_update` event.
pub async fn journal(
    tenant: &mut Tenant,
    action: &'static str,
    before: Option<&Table>,
    after: &Table,
) -> ApiResult<Event> {
    let change = Change {
        user_id: tenant.user_id,
        action,
        entity_type: "table",
        entity_id: after.id,
        before: before.map(to_json),
        after: Some(to_json(after)),
        event: (EventKind::TableUpdate, to_json(after)),
    };
    activity::record(&mut tenant.tx, change).await
}

/// Records a deletion: its activity entry and its `table_delete` event.
pub async fn journal_delete(tenant: &mut Tenant, table: &Table) -> ApiResult<Event> {
    let change = Change {
        user_id: tenant.user_id,
        action: "table.delete",
        entity_type: "table",
        entity_id: table.id,
        before: Some(to_json(table)),
        after: None,
        event: (EventKind::TableDelete, json!({ "id": table.id })),
    };
    activity::record(&mut tenant.tx, change).await
}
