//! Applying a reservation change with its side effects on tables, in the
//! caller's transaction. Both the reservation side (`PUT` a status) and the
//! table side (`PUT` a table `occupied` with a guest, or `available`) come
//! here, so the rules hold whichever way the app seats a party.
//!
//! No double seating: the table row is locked (`for update`) before it is
//! checked and taken, so concurrent seatings at one table are serialised and
//! all but one see it occupied; the unique indexes on
//! `dining_tables.current_guest_id` and on seated reservations per table are
//! the database's own backstop.

use uuid::Uuid;

use super::queries::{self, StatusUpdate};
use crate::{
    db::TenantTx,
    error::{ApiError, ApiResult, FieldError},
    reservations::{
        lifecycle::{self, Actor, Effects, ReservationStatus},
        model::{Reservation, UpdateReservation},
    },
    tables::model::{Table, TableStatus},
};

/// A table before and after the change.
pub type TableChange = (Table, Table);

pub struct Outcome {
    pub reservation: Reservation,
    pub tables: Vec<TableChange>,
}

/// Applies `change` to the locked reservation `current`.
pub async fn apply(
    tx: &mut TenantTx,
    current: &Reservation,
    change: &UpdateReservation,
    actor: Actor,
) -> ApiResult<Outcome> {
    let target = change.status.unwrap_or(current.status);
    let moving = current.status == ReservationStatus::Seated
        && target == ReservationStatus::Seated
        && change
            .assigned_table_id
            .is_some_and(|t| Some(t) != current.assigned_table_id);
    let effects = if moving {
        Effects {
            seat: true,
            ..Effects::default()
        }
    } else {
        lifecycle::transition(current.status, target, actor)
            .map_err(|illegal| ApiError::conflict("illegal_transition", illegal.to_string()))?
    };
    let mut changed_tables = Vec::new();
    if effects.finish || effects.release_table || moving {
        changed_tables.extend(release(tx, current.id).await?);
    }
    let mut table_id = None;
    if effects.seat {
        let id = change
            .assigned_table_id
            .or(current.assigned_table_id)
            .ok_or_else(|| {
                ApiError::conflict("table_required", "seating a party needs an assignedTableId")
            })?;
        let party_size = change.party_size.unwrap_or(current.party_size);
        changed_tables
            .push(occupy(tx, id, current.id, party_size, change.allow_over_capacity).await?);
        table_id = Some(id);
    }
    let status = (target != current.status || moving).then_some(StatusUpdate {
        status: target,
        effects,
        table_id,
    });
    let reservation = queries::update_reservation(tx, current.id, change, status.as_ref()).await?;
    Ok(Outcome {
        reservation,
        tables: changed_tables,
    })
}

/// Takes the table for `guest`: it must exist, be in service, be free (or
/// already theirs), and fit the party unless over-capacity is allowed.
async fn occupy(
    tx: &mut TenantTx,
    table_id: Uuid,
    guest: Uuid,
    party_size: i32,
    allow_over: bool,
) -> ApiResult<TableChange> {
    let table = queries::lock_table(tx, table_id)
        .await?
        .ok_or_else(|| FieldError::body("assignedTableId", "no such table", "value_error"))?;
    if table.current_guest_id.is_some_and(|g| g != guest) {
        return Err(ApiError::conflict(
            "table_occupied",
            format!("table {} is occupied by another party", table.table_number),
        ));
    }
    if table.status == TableStatus::OutOfService {
        return Err(ApiError::conflict(
            "table_out_of_service",
            format!("table {} is out of service", table.table_number),
        ));
    }
    if party_size > table.capacity && !allow_over {
        return Err(ApiError::conflict(
            "over_capacity",
            format!(
                "a party of {party_size} exceeds table {}'s capacity of {}; send allowOverCapacity to seat anyway",
                table.table_number, table.capacity
            ),
        ));
    }
    let after = queries::set_guest(tx, table_id, Some(guest)).await?;
    Ok((table, after))
}

/// Frees the table `guest` holds, if any.
async fn release(tx: &mut TenantTx, guest: Uuid) -> ApiResult<Option<TableChange>> {
    let Some(table) = queries::lock_table_of_guest(tx, guest).await? else {
        return Ok(None);
    };
    let after = queries::set_guest(tx, table.id, None).await?;
    Ok(Some((table, after)))
}
