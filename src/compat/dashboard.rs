//! The home screen's reads: the dashboard (three paths, one answer) and what
//! changed since a time. Guests are the same set as `GET …/guests`, scoped
//! to the caller's restaurant (the Python reads listed every tenant's).

use std::collections::BTreeMap;

use axum::{Json, extract::State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{
    clock,
    model::{GuestResponse, GuestStatus},
    queries,
    time::Clock,
};
use crate::{
    error::ApiResult,
    http::{AppPath, AppQuery, RestaurantId, time::WireTime},
    state::AppState,
    tables::{
        self,
        model::{Position, Table, TableStatus},
    },
    tenant::{AuthUser, Tenant},
};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DashboardQuery {
    /// Only what changed after this time (`isFullSync: false`).
    #[serde(default)]
    #[param(value_type = Option<String>)]
    pub since: Option<WireTime>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DashboardGuest {
    pub id: Uuid,
    pub name: String,
    pub status: GuestStatus,
    pub table_id: Option<Uuid>,
    pub party_size: i32,
    pub last_updated: String,
}

impl From<GuestResponse> for DashboardGuest {
    fn from(guest: GuestResponse) -> Self {
        Self {
            id: guest.id,
            name: guest.name,
            status: guest.status,
            table_id: guest.table_id,
            party_size: guest.party_size,
            last_updated: guest.last_updated,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DashboardTable {
    pub id: Uuid,
    pub table_number: String,
    pub capacity: i32,
    pub position: Position,
    pub status: TableStatus,
    pub current_guest_id: Option<Uuid>,
    pub last_updated: String,
}

impl DashboardTable {
    pub fn of(table: &Table, clock: Clock) -> Self {
        Self {
            id: table.id,
            table_number: table.table_number.clone(),
            capacity: table.capacity,
            position: table.position,
            status: table.status,
            current_guest_id: table.current_guest_id,
            last_updated: clock.http(table.updated_at.0),
        }
    }
}

/// snake_case, as the Python service wrote them.
#[derive(Debug, Serialize, ToSchema)]
pub struct Stats {
    pub total_guests: usize,
    pub total_tables: usize,
    /// Occupied tables over all tables, 0 without tables.
    pub occupancy_rate: f64,
    pub guests_by_status: BTreeMap<&'static str, usize>,
    pub tables_by_status: BTreeMap<&'static str, usize>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Dashboard {
    pub guests: Vec<DashboardGuest>,
    pub tables: Vec<DashboardTable>,
    pub stats: Stats,
    pub last_updated: String,
    pub is_full_sync: bool,
}

fn table_status(status: TableStatus) -> &'static str {
    match status {
        TableStatus::Available => "available",
        TableStatus::Occupied => "occupied",
        TableStatus::Reserved => "reserved",
        TableStatus::OutOfService => "outOfService",
    }
}

fn stats(guests: &[GuestStatus], tables: &[Table]) -> Stats {
    let mut guests_by_status = BTreeMap::new();
    for guest in guests {
        *guests_by_status.entry(guest.as_str()).or_default() += 1;
    }
    let mut tables_by_status = BTreeMap::new();
    for table in tables {
        *tables_by_status
            .entry(table_status(table.status))
            .or_default() += 1;
    }
    let occupied = tables_by_status.get("occupied").copied().unwrap_or(0);
    let occupancy_rate = if tables.is_empty() {
        0.0
    } else {
        occupied as f64 / tables.len() as f64
    };
    Stats {
        total_guests: guests.len(),
        total_tables: tables.len(),
        occupancy_rate,
        guests_by_status,
        tables_by_status,
    }
}

/// The dashboard of the tenant transaction's restaurant; the stats always
/// cover the whole floor, the lists only what changed after `since`.
async fn dashboard(
    mut tenant: Tenant,
    state: &AppState,
    since: Option<WireTime>,
) -> ApiResult<Dashboard> {
    let clock = clock(state);
    let rows = queries::select_guests(tenant.tx(), None, None).await?;
    let tables = tables::all(&mut tenant).await?;
    tenant.end_read();
    let statuses: Vec<GuestStatus> = rows
        .iter()
        .filter_map(|r| GuestStatus::of(r.visit.status))
        .collect();
    let stats = stats(&statuses, &tables);
    let changed = |at: WireTime| since.is_none_or(|since| at > since);
    let guests = rows.into_iter().filter(|r| changed(r.visit.updated_at));
    let tables = tables.iter().filter(|t| changed(t.updated_at));
    Ok(Dashboard {
        guests: guests.map(|r| GuestResponse::of(r, clock).into()).collect(),
        tables: tables.map(|t| DashboardTable::of(t, clock)).collect(),
        stats,
        last_updated: clock.now(),
        is_full_sync: since.is_none(),
    })
}

/// The dashboard of the token's restaurant (`minimal` is accepted and ignored, as in Python).
#[utoipa::path(get, path = "/api/v1/dashboard/data", tag = "compat", security(("bearer" = [])),
    params(DashboardQuery), responses((status = 200, body = Dashboard)))]
pub async fn own_dashboard(
    State(state): State<AppState>,
    user: AuthUser,
    AppQuery(query): AppQuery<DashboardQuery>,
) -> ApiResult<Json<Dashboard>> {
    let tenant = user.open_own(&state).await?;
    Ok(Json(dashboard(tenant, &state, query.since).await?))
}

/// The restaurant's dashboard.
#[utoipa::path(get, path = "/restaurants/{restaurant_id}/dashboard-data", tag = "compat", security(("bearer" = [])),
    params(RestaurantId, DashboardQuery), responses((status = 200, body = Dashboard)))]
pub async fn restaurant_dashboard(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(RestaurantId(restaurant_id)): AppPath<RestaurantId>,
    AppQuery(query): AppQuery<DashboardQuery>,
) -> ApiResult<Json<Dashboard>> {
    let tenant = user.open(&state, restaurant_id).await?;
    Ok(Json(dashboard(tenant, &state, query.since).await?))
}

/// The same, at the Python service's third path.
#[utoipa::path(get, path = "/api/v1/dashboard/{restaurant_id}/dashboard-data", tag = "compat",
    security(("bearer" = [])), params(RestaurantId, DashboardQuery),
    responses((status = 200, body = Dashboard)))]
pub async fn v1_dashboard(
    state: State<AppState>,
    user: AuthUser,
    path: AppPath<RestaurantId>,
    query: AppQuery<DashboardQuery>,
) -> ApiResult<Json<Dashboard>> {
    restaurant_dashboard(state, user, path, query).await
}
