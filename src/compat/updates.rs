//! `GET /api/v1/dashboard/{id}/updates?since=`: what changed after a time,
//! in the Python delta shape, scoped to the caller's restaurant.

use axum::{Json, extract::State};
use chrono::DateTime;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{
    clock,
    dashboard::{DashboardGuest, DashboardTable},
    model::GuestResponse,
    queries,
};
use crate::{
    error::ApiResult,
    http::{AppPath, AppQuery, RestaurantId, time::WireTime},
    state::AppState,
    tables,
    tenant::AuthUser,
};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UpdatesQuery {
    /// Changes after this time; without it, everything there is.
    #[serde(default)]
    #[param(value_type = Option<String>)]
    pub since: Option<WireTime>,
}

/// One changed entity: always `action: "updated"`, as Python sent.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Update<T> {
    pub id: Uuid,
    pub action: &'static str,
    pub data: T,
    pub last_updated: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Updates {
    pub guest_updates: Vec<Update<DashboardGuest>>,
    pub table_updates: Vec<Update<DashboardTable>>,
    /// Visits cancelled (deleted on this surface) after `since`.
    pub deleted_guests: Vec<Uuid>,
    pub deleted_tables: Vec<Uuid>,
    pub timestamp: String,
}

fn updated<T>(id: Uuid, last_updated: String, data: T) -> Update<T> {
    Update {
        id,
        action: "updated",
        data,
        last_updated,
    }
}

/// Guests and tables changed after `since`, and those removed.
#[utoipa::path(get, path = "/api/v1/dashboard/{restaurant_id}/updates", tag = "compat", security(("bearer" = [])),
    params(RestaurantId, UpdatesQuery), responses((status = 200, body = Updates)))]
pub async fn list_updates(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(RestaurantId(restaurant_id)): AppPath<RestaurantId>,
    AppQuery(query): AppQuery<UpdatesQuery>,
) -> ApiResult<Json<Updates>> {
    let since = query.since.unwrap_or(WireTime(DateTime::UNIX_EPOCH));
    let clock = clock(&state);
    let mut tenant = user.open(&state, restaurant_id).await?;
    let guests = queries::select_guests_since(tenant.tx(), since).await?;
    let tables = tables::all(&mut tenant).await?;
    let deleted_guests = queries::select_cancelled_since(tenant.tx(), since).await?;
    let deleted_tables = queries::select_tables_deleted_since(tenant.tx(), since).await?;
    tenant.end_read();
    let guest_updates = guests.into_iter().map(|row| {
        let guest = GuestResponse::of(row, clock);
        updated(
            guest.id,
            guest.last_updated.clone(),
            DashboardGuest::from(guest),
        )
    });
    let tables = tables.iter().filter(|t| t.updated_at > since);
    let table_updates = tables.map(|t| {
        updated(
            t.id,
            clock.http(t.updated_at.0),
            DashboardTable::of(t, clock),
        )
    });
    Ok(Json(Updates {
        guest_updates: guest_updates.collect(),
        table_updates: table_updates.collect(),
        deleted_guests,
        deleted_tables,
        timestamp: clock.now(),
    }))
}
