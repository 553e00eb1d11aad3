//! Reservations and walk-ins, with a lifecycle that cannot be broken (see
//! `lifecycle`) and seating that never double-books a table (see `seating`).

mod handlers;
pub mod lifecycle;
pub mod model;
pub mod queries;
mod seating;

use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use crate::{
    activity::{self, Change},
    auth::Tenant,
    error::{ApiError, ApiResult, FieldError},
    live::{Event, EventKind},
    state::AppState,
    tables,
};
use lifecycle::Actor;
use model::{Reservation, UpdateReservation};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(
            handlers::list_reservations,
            handlers::create_reservation
        ))
        .routes(routes!(
            handlers::get_reservation,
            handlers::update_reservation,
            handlers::delete_reservation
        ))
}

fn to_json(reservation: &Reservation) -> serde_json::Value {
    serde_json::to_value(reservation).expect("a reservation serialises")
}

/// Records a reservation change: its activity entry and its `reservation_update` event.
pub async fn journal(
    tenant: &mut Tenant,
    action: &'static str,
    before: Option<&Reservation>,
    after: &Reservation,
) -> ApiResult<Event> {
    let change = Change {
        user_id: tenant.user_id,
        action,
        entity_type: "reservation",
        entity_id: after.id,
        before: before.map(to_json),
        after: Some(to_json(after)),
        event: (EventKind::ReservationUpdate, to_json(after)),
    };
    activity::record(&mut tenant.tx, change).await
}

/// Applies `change` to the locked reservation `current`, with its effects on
/// tables, and journals every entity it touched.
pub async fn change_locked(
    tenant: &mut Tenant,
    current: &Reservation,
    change: &UpdateReservation,
) -> ApiResult<Reservation> {
    let actor = if tenant.role.is_manager() {
        Actor::Manager
    } else {
        Actor::Host
    };
    let outcome = seating::apply(&mut tenant.tx, current, change, actor).await?;
    for (before, after) in &outcome.tables {
        tables::journal(tenant, "table.update", Some(before), after).await?;
    }
    journal(
        tenant,
        "reservation.update",
        Some(current),
        &outcome.reservation,
    )
    .await?;
    Ok(outcome.reservation)
}

/// Locks reservation `id` and applies `change`; an unknown id is a 422 on `field`.
pub async fn change(
    tenant: &mut Tenant,
    id: Uuid,
    change: &UpdateReservation,
    field: &str,
) -> ApiResult<Reservation> {
    let current = queries::lock_reservation(&mut tenant.tx, id)
        .await?
        .ok_or_else(|| {
            ApiError::from(FieldError::body(
                field,
                "no such reservation",
                "value_error",
            ))
        })?;
    change_locked(tenant, &current, change).await
}

/// Before a table is deleted: reservations assigned to it lose the assignment.
pub async fn unassign_table(tenant: &mut Tenant, table_id: Uuid) -> ApiResult<()> {
    for reservation in queries::unassign_table(&mut tenant.tx, table_id).await? {
        journal(tenant, "reservation.update", None, &reservation).await?;
    }
    Ok(())
}
