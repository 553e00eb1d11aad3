//! `GET /api/sync/full` and `/api/sync/delta`: the Python service's sync
//! formats, over the same guests and tables as the rest of this surface.

use axum::{Json, extract::State};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{
    clock,
    model::{GuestResponse, GuestRow, GuestStatus},
    queries,
    time::Clock,
};
use crate::{
    error::ApiResult,
    http::{AppQuery, time::WireTime, validate},
    state::AppState,
    tables::{self, model::Table},
    tenant::{AuthUser, Tenant},
};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FullQuery {
    pub restaurant_id: Uuid,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeltaQuery {
    pub restaurant_id: Uuid,
    /// Changes after this time.
    #[param(value_type = String)]
    pub since: WireTime,
    /// 1 to 1000, default 100.
    pub limit: Option<i64>,
}

/// The whole floor in the sync format.
#[derive(Debug, Serialize, ToSchema)]
pub struct FullSync {
    pub restaurant_id: Uuid,
    pub timestamp: String,
    #[schema(value_type = Vec<Object>)]
    pub guests: Vec<Value>,
    #[schema(value_type = Vec<Object>)]
    pub tables: Vec<Value>,
    pub total_guests: usize,
    pub total_tables: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Change {
    /// `guest` or `table`.
    pub entity_type: &'static str,
    pub entity_id: Uuid,
    /// Always `update`, as Python sent.
    pub action: &'static str,
    pub timestamp: String,
    #[schema(value_type = Object)]
    pub data: Value,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeltaSync {
    pub since_timestamp: String,
    pub current_timestamp: String,
    pub changes: Vec<Change>,
    pub has_more: bool,
}

/// `waiting`, `seated` or `completed`.
fn sync_status(status: GuestStatus) -> &'static str {
    match status {
        GuestStatus::Seated => "seated",
        GuestStatus::Finished | GuestStatus::Cancelled | GuestStatus::NoShow => "completed",
        GuestStatus::Waitlist | GuestStatus::Arrived | GuestStatus::RunningLate => "waiting",
    }
}

/// A guest in the sync format: `waitTime` is the minutes from arrival to
/// seating (to now while waiting).
fn sync_guest(row: GuestRow, clock: Clock) -> Value {
    let visit = &row.visit;
    let arrived = visit.check_in_time.unwrap_or(visit.created_at).0;
    let until = visit.seated_time.map_or_else(Utc::now, |WireTime(at)| at);
    let wait = (until - arrived).num_minutes().max(0);
    let is_walk_in = visit.is_walk_in();
    let arrival = clock.http(arrived);
    let guest = GuestResponse::of(row, clock);
    json!({"id": guest.id, "name": guest.name, "partySize": guest.party_size,
        "phoneNumber": guest.phone, "email": guest.email, "status": sync_status(guest.status),
        "waitTime": wait, "tableId": guest.table_id, "notes": guest.notes,
        "arrivalTime": arrival, "isWalkIn": is_walk_in})
}

/// A table in the sync format: `number` is an integer when the table number is one.
fn sync_table(table: &Table) -> Value {
    let number = table
        .table_number
        .parse::<i64>()
        .map_or_else(|_| json!(table.table_number), |n| json!(n));
    json!({"id": table.id, "number": number, "capacity": table.capacity, "status": table.status,
        "position": table.position, "currentGuestId": table.current_guest_id})
}

/// Every guest of this surface and every table.
async fn floor(tenant: &mut Tenant) -> ApiResult<(Vec<GuestRow>, Vec<Table>)> {
    let guests = queries::select_guests(tenant.tx(), None, None).await?;
    Ok((guests, tables::all(tenant).await?))
}

/// The restaurant's guests and tables, in the sync format.
#[utoipa::path(get, path = "/api/sync/full", tag = "compat", security(("bearer" = [])),
    params(FullQuery), responses((status = 200, body = FullSync)))]
pub async fn full_sync(
    State(state): State<AppState>,
    user: AuthUser,
    AppQuery(query): AppQuery<FullQuery>,
) -> ApiResult<Json<FullSync>> {
    let mut tenant = user.open(&state, query.restaurant_id).await?;
    let (guests, tables) = floor(&mut tenant).await?;
    tenant.end_read();
    let clock = clock(&state);
    Ok(Json(FullSync {
        restaurant_id: query.restaurant_id,
        timestamp: clock.now(),
        total_guests: guests.len(),
        total_tables: tables.len(),
        guests: guests.into_iter().map(|g| sync_guest(g, clock)).collect(),
        tables: tables.iter().map(sync_table).collect(),
    }))
}

/// What changed after `since`, oldest first, at most `limit`.
#[utoipa::path(get, path = "/api/sync/delta", tag = "compat", security(("bearer" = [])),
    params(DeltaQuery), responses((status = 200, body = DeltaSync)))]
pub async fn delta_sync(
    State(state): State<AppState>,
    user: AuthUser,
    AppQuery(query): AppQuery<DeltaQuery>,
) -> ApiResult<Json<DeltaSync>> {
    let limit = validate::limit(query.limit, 100, 1000)? as usize;
    let mut tenant = user.open(&state, query.restaurant_id).await?;
    let (guests, tables) = floor(&mut tenant).await?;
    tenant.end_read();
    let (clock, since) = (clock(&state), query.since);
    let change = |entity_type, entity_id, at: WireTime, data| {
        let (action, timestamp) = ("update", clock.http(at.0));
        (
            at,
            Change {
                entity_type,
                entity_id,
                action,
                timestamp,
                data,
            },
        )
    };
    let guests = guests.into_iter().filter(|g| g.visit.updated_at > since);
    let guests = guests.map(|g| {
        change(
            "guest",
            g.visit.id,
            g.visit.updated_at,
            sync_guest(g, clock),
        )
    });
    let tables = tables.iter().filter(|t| t.updated_at > since);
    let tables = tables.map(|t| change("table", t.id, t.updated_at, sync_table(t)));
    let mut changes: Vec<(WireTime, Change)> = guests.chain(tables).collect();
    changes.sort_by_key(|(at, change)| (*at, change.entity_id));
    let has_more = changes.len() > limit;
    Ok(Json(DeltaSync {
        since_timestamp: clock.http(since.0),
        current_timestamp: clock.now(),
        changes: changes.into_iter().take(limit).map(|(_, c)| c).collect(),
        has_more,
    }))
}
