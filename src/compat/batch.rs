//! `POST …/batch-update`: the app's seating in one call, as one transaction.
//! Each item is the native change (`floor::change_locked`,
//! `tables::apply`); if any fails, nothing is applied and the answer says
//! why (the Python service applied the good items and reported the rest).

use axum::{
    extract::State,
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{
    clock,
    guests::read,
    model::{CompatTable, GuestResponse, GuestStatus},
};
use crate::{
    error::{ApiError, ApiResult},
    event::EventKind,
    floor,
    http::{AppPath, Idempotent, RestaurantId, Tagged, Versioned, validate},
    journal,
    reservations::model::{UpdateReservation, validate_fields},
    state::AppState,
    tables::{
        self,
        model::{TableStatus, UpdateTable},
    },
    tenant::{AuthUser, Tenant},
};

#[derive(Debug, Deserialize, ToSchema)]
pub struct Batch {
    #[serde(default)]
    pub guests: Vec<BatchGuest>,
    #[serde(default)]
    pub tables: Vec<BatchTable>,
}

/// A guest's change. `seatedTime`, `checkInTime` and `finishedTime` are
/// accepted and ignored: the lifecycle sets the times.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BatchGuest {
    pub id: Uuid,
    pub status: Option<GuestStatus>,
    #[serde(
        default,
        alias = "assigned_table_id",
        alias = "tableId",
        alias = "table_id",
        deserialize_with = "validate::blank::uuid"
    )]
    pub assigned_table_id: Option<Uuid>,
    #[serde(alias = "party_size")]
    pub party_size: Option<i32>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BatchTable {
    pub id: Uuid,
    pub status: Option<TableStatus>,
    #[serde(
        default,
        alias = "current_guest_id",
        deserialize_with = "validate::blank::uuid"
    )]
    pub current_guest_id: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BatchAnswer {
    pub success: bool,
    pub updated_guests: Vec<GuestResponse>,
    pub updated_tables: Vec<CompatTable>,
    pub timestamp: String,
    /// Null on success; else `["<item>: <why>"]`, and nothing was applied.
    pub errors: Option<Vec<String>>,
}

/// A batch answer is remembered for its `Idempotency-Key`; it has no version.
impl Versioned for BatchAnswer {
    fn version(&self) -> i32 {
        0
    }
}

/// Why a batch stopped: an item's fault (reported, nothing applied), or the
/// service's (an error answer, as on any route).
enum Stop {
    Item(String),
    Service(ApiError),
}

/// An item's error, named after the item; a failure of the service stays one.
fn blame(item: String) -> impl FnOnce(ApiError) -> Stop {
    move |error| match error {
        ApiError::Internal(_) | ApiError::Unavailable(_) => Stop::Service(error),
        ApiError::Validation(fields) => {
            let why: Vec<String> = fields.iter().map(|f| f.msg.clone()).collect();
            Stop::Item(format!("{item}: {}", why.join("; ")))
        }
        other => Stop::Item(format!("{item}: {other}")),
    }
}

/// Applies a batch atomically: guests first (seating takes their tables),
/// then tables. 200 either way; `success` says whether it was applied.
#[utoipa::path(post, path = "/restaurants/{restaurant_id}/batch-update", tag = "compat", security(("bearer" = [])),
    params(RestaurantId, ("Idempotency-Key" = Option<String>, Header)), request_body = Batch,
    responses((status = 200, body = BatchAnswer)))]
pub async fn batch_update(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(RestaurantId(restaurant_id)): AppPath<RestaurantId>,
    request: Idempotent<Batch>,
) -> ApiResult<Response> {
    let mut tenant = user.open(&state, restaurant_id).await?;
    if let Some(replay) = request.replay(tenant.tx()).await? {
        return Ok(replay);
    }
    let now = clock(&state).now();
    match apply(&mut tenant, &state, &request.body).await {
        Ok((updated_guests, updated_tables)) => {
            let (timestamp, errors) = (now, None);
            let answer = BatchAnswer {
                success: true,
                updated_guests,
                updated_tables,
                timestamp,
                errors,
            };
            let answer = Tagged::ok(answer);
            request.remember(tenant.tx(), &answer).await?;
            tenant.commit(&state).await?;
            Ok(answer.into_response())
        }
        // Dropping the unit of work rolls every item back.
        Err(Stop::Item(why)) => {
            let (updated_guests, updated_tables) = (Vec::new(), Vec::new());
            let errors = Some(vec![why]);
            let answer = BatchAnswer {
                success: false,
                updated_guests,
                updated_tables,
                timestamp: now,
                errors,
            };
            Ok(axum::Json(answer).into_response())
        }
        Err(Stop::Service(error)) => Err(error),
    }
}

/// Every item in order; the guests and tables it touched, read afterwards.
async fn apply(
    tenant: &mut Tenant,
    state: &AppState,
    batch: &Batch,
) -> Result<(Vec<GuestResponse>, Vec<CompatTable>), Stop> {
    let mut guests = Vec::new();
    let mut tables = Vec::new();
    for item in &batch.guests {
        change_guest(tenant, item)
            .await
            .map_err(blame(format!("guest {}", item.id)))?;
        guests.push(item.id);
        tables.extend(item.assigned_table_id);
    }
    for item in &batch.tables {
        change_table(tenant, item)
            .await
            .map_err(blame(format!("table {}", item.id)))?;
        tables.push(item.id);
        guests.extend(item.current_guest_id);
    }
    let affected = affected(&guests, &tables);
    let restaurant_id = tenant.restaurant_id();
    let data = json!({ "affected_entities": affected });
    journal::announce(tenant, EventKind::BatchComplete, restaurant_id, &data)
        .await
        .map_err(Stop::Service)?;
    read_back(tenant, state, &guests, &tables)
        .await
        .map_err(Stop::Service)
}

/// `guest-<id>` and `table-<id>` for each entity touched, once, in order.
fn affected(guests: &[Uuid], tables: &[Uuid]) -> Vec<String> {
    let named = guests.iter().map(|id| format!("guest-{id}"));
    let named = named.chain(tables.iter().map(|id| format!("table-{id}")));
    let mut seen = Vec::new();
    for name in named {
        if !seen.contains(&name) {
            seen.push(name);
        }
    }
    seen
}

async fn change_guest(tenant: &mut Tenant, item: &BatchGuest) -> ApiResult<()> {
    validate_fields(None, item.party_size, None, None)?;
    let current = floor::lock_reservation(tenant, item.id).await?;
    let change = UpdateReservation {
        status: item.status.map(GuestStatus::target),
        assigned_table_id: item.assigned_table_id,
        party_size: item.party_size,
        ..UpdateReservation::default()
    };
    floor::change_locked(tenant, &current, &change).await?;
    Ok(())
}

async fn change_table(tenant: &mut Tenant, item: &BatchTable) -> ApiResult<()> {
    let before = floor::lock_table(tenant, item.id).await?;
    let change = UpdateTable {
        status: item.status,
        current_guest_id: item.current_guest_id,
        ..UpdateTable::default()
    };
    tables::apply(tenant, &before, &change).await?;
    Ok(())
}

/// The touched guests (those this surface shows) and tables, once each.
async fn read_back(
    tenant: &mut Tenant,
    state: &AppState,
    guests: &[Uuid],
    tables: &[Uuid],
) -> ApiResult<(Vec<GuestResponse>, Vec<CompatTable>)> {
    let mut shown = Vec::new();
    for id in guests {
        match read(tenant, state, *id).await {
            Ok(guest) if !shown.iter().any(|g: &GuestResponse| g.id == *id) => shown.push(guest),
            Ok(_) | Err(ApiError::NotFound(_)) => {}
            Err(other) => return Err(other),
        }
    }
    let all = tables::all(tenant).await?;
    let clock = clock(state);
    let touched = all.iter().filter(|t| tables.contains(&t.id));
    Ok((shown, touched.map(|t| CompatTable::of(t, clock)).collect()))
}
