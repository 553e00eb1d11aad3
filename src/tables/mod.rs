//! The floor plan: tables with their position, shape, capacity and live status.

mod handlers;
pub mod model;
pub mod queries;

use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use crate::{activity::Journaled, live::EventKind, state::AppState};
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

impl Journaled for Table {
    const ENTITY: &'static str = "table";
    const UPDATED: EventKind = EventKind::TableUpdate;
    const DELETED: EventKind = EventKind::TableDelete;
    fn id(&self) -> Uuid {
        self.id
    }
}
