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
    activity::{Journaled, journal},
    auth::Tenant,
    error::{ApiError, ApiResult, FieldError},
    live::EventKind,
    state::AppState,
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

impl Journaled for Reservation {
    const ENTITY: &'static str = "reservation";
    const UPDATED: EventKind = EventKind::ReservationUpdate;
    // Reservations are cancelled, never deleted.
    const DELETED: EventKind = EventKind::ReservationUpdate;
    fn id(&self) -> Uuid {
        self.id
    }
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
        journal(tenant, "table.update", Some(before), after).await?;
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
