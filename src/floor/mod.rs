//! What spans tables and reservations: seating a party (at a table or a
//! combination), moving it, finishing it, what a table's deletion does to the
//! book, and the host-stand engine built on them: turn times, quoted waits
//! and the waitlist, combinations, server sections and suggestions, and the
//! day report. Both domains' handlers call in here, so the rules hold
//! whichever way the app seats a party; this module uses the domains'
//! models, never their queries or handlers.

pub mod combinations;
mod queries;
pub mod quote;
pub mod report;
mod seating;
pub mod servers;
pub mod snapshot;
pub mod turn_times;
pub mod waitlist;

use utoipa_axum::router::OpenApiRouter;
use uuid::Uuid;

use crate::{
    error::{ApiError, ApiResult, FieldError},
    journal::journal,
    reservations::{
        lifecycle::Actor,
        model::{Reservation, ReservationStatus, UpdateReservation},
    },
    state::AppState,
    tables::model::{Table, TableStatus, UpdateTable},
    tenant::Tenant,
};

/// The table, locked until commit: seating decisions about it are serialised.
pub async fn lock_table(tenant: &mut Tenant, id: Uuid) -> ApiResult<Table> {
    queries::lock_table(tenant.tx(), id)
        .await?
        .ok_or(ApiError::NotFound("table"))
}

/// The reservation, locked until commit.
pub async fn lock_reservation(tenant: &mut Tenant, id: Uuid) -> ApiResult<Reservation> {
    queries::lock_reservation(tenant.tx(), id)
        .await?
        .ok_or(ApiError::NotFound("reservation"))
}

/// Applies `change` to the locked reservation `current`, with its effects on
/// tables, and journals every entity it touched; announces a
/// `waitlist_update` when the change moved another waiting party's quote.
pub async fn change_locked(
    tenant: &mut Tenant,
    current: &Reservation,
    change: &UpdateReservation,
) -> ApiResult<Reservation> {
    let actor = if tenant.is_manager() {
        Actor::Manager
    } else {
        Actor::Host
    };
    let quotes = waitlist::Watch::start(tenant).await?;
    let outcome = seating::apply(tenant.tx(), current, change, actor).await?;
    for (before, after) in &outcome.tables {
        journal(tenant, "table.update", Some(before), after).await?;
    }
    let mut reservation = outcome.reservation;
    let history_moved = reservation.status != current.status
        || reservation.guest_profile_id != current.guest_profile_id;
    if reservation.guest_profile_id.is_some() && history_moved {
        // The guest's history is refreshed by a trigger after the update's
        // RETURNING was read: read the summary it left.
        reservation = lock_reservation(tenant, reservation.id).await?;
    }
    journal(tenant, "reservation.update", Some(current), &reservation).await?;
    quotes.finish(tenant, Some(current.id)).await?;
    Ok(reservation)
}

/// Locks reservation `id` and applies `change`; an unknown id is a 422 on `field`.
async fn change_by_id(
    tenant: &mut Tenant,
    id: Uuid,
    change: &UpdateReservation,
    field: &str,
) -> ApiResult<Reservation> {
    let current = queries::lock_reservation(tenant.tx(), id)
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

/// From the table side: seats or finishes a party when the new status implies
/// it; returns the status to set directly when no party is involved.
pub async fn change_party(
    tenant: &mut Tenant,
    table: &Table,
    change: &UpdateTable,
) -> ApiResult<Option<TableStatus>> {
    let seated = table.current_guest_id;
    let (guest, status) = match (change.status, change.current_guest_id, seated) {
        (None, _, _) => return Ok(None),
        (Some(TableStatus::Occupied), Some(guest), _) if Some(guest) != seated => {
            (guest, ReservationStatus::Seated)
        }
        (Some(TableStatus::Occupied), _, Some(_)) => return Ok(None),
        (Some(TableStatus::Available), _, Some(guest)) => (guest, ReservationStatus::Finished),
        (Some(status), _, None) => return Ok(Some(status)),
        (Some(_), _, Some(_)) => {
            return Err(ApiError::conflict(
                "table_in_use",
                "a party is seated here; finish or move it first",
            ));
        }
    };
    let reservation = UpdateReservation {
        status: Some(status),
        assigned_table_id: (status == ReservationStatus::Seated).then_some(table.id),
        allow_over_capacity: change.allow_over_capacity,
        ..UpdateReservation::default()
    };
    change_by_id(tenant, guest, &reservation, "currentGuestId").await?;
    Ok(None)
}

/// Before a table is deleted: reservations assigned to it (alone or in a
/// combination) lose the assignment, and its combinations go.
pub async fn unassign_table(tenant: &mut Tenant, table_id: Uuid) -> ApiResult<()> {
    for reservation in queries::unassign_table(tenant.tx(), table_id).await? {
        journal(tenant, "reservation.update", None, &reservation).await?;
    }
    combinations::drop_with_table(tenant, table_id).await
}

/// The host-stand engine's routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(turn_times::router())
        .merge(waitlist::router())
        .merge(combinations::router())
        .merge(servers::router())
        .merge(report::router())
}
