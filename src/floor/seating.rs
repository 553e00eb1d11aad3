//! Applying a reservation change with its side effects on tables, in the
//! caller's transaction. Both the reservation side (`PUT` a status) and the
//! table side (`PUT` a table `occupied` with a guest, or `available`) come
//! here, so the rules hold whichever way the app seats a party.
//!
//! A party sits at one table or at every member of a combination. No double
//! seating: the table rows are locked (`for update`, in id order) before they
//! are checked and taken, so concurrent seatings at a table are serialised and
//! all but one see it occupied; the unique index on open `seatings` per table
//! is the database's own backstop, and it lets one party hold several tables.

use uuid::Uuid;

use super::queries::{self, Assignment, StatusUpdate};
use crate::{
    db::TenantTx,
    error::{ApiError, ApiResult, FieldError},
    reservations::{
        lifecycle::{self, Actor, Effects, ReservationStatus},
        model::{Reservation, UpdateReservation},
    },
    tables::model::{Table, TableStatus, natural_cmp},
};

/// A table before and after the change.
pub type TableChange = (Table, Table);

pub struct Outcome {
    pub reservation: Reservation,
    pub tables: Vec<TableChange>,
}

/// Where a party is to sit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Table(Uuid),
    Combination(Uuid),
}

/// The place `change` names (a combination wins over a table), else the
/// reservation's current assignment.
fn place(current: &Reservation, change: &UpdateReservation) -> Option<Place> {
    let named = change
        .assigned_combination_id
        .map(Place::Combination)
        .or(change.assigned_table_id.map(Place::Table));
    named.or_else(|| {
        current
            .assigned_combination_id
            .map(Place::Combination)
            .or(current.assigned_table_id.map(Place::Table))
    })
}

/// Whether a seated party is being moved to a place other than its own.
fn is_move(current: &Reservation, change: &UpdateReservation, target: ReservationStatus) -> bool {
    let here = place(current, &UpdateReservation::default());
    let named = change
        .assigned_combination_id
        .map(Place::Combination)
        .or(change.assigned_table_id.map(Place::Table));
    current.status == ReservationStatus::Seated
        && target == ReservationStatus::Seated
        && named.is_some_and(|p| Some(p) != here)
}

/// Applies `change` to the locked reservation `current`.
pub async fn apply(
    tx: &mut TenantTx,
    current: &Reservation,
    change: &UpdateReservation,
    actor: Actor,
) -> ApiResult<Outcome> {
    let target = change.status.unwrap_or(current.status);
    let moving = is_move(current, change, target);
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
    let mut assignment = Assignment {
        table_id: change.assigned_table_id,
        combination_id: None,
    };
    if effects.seat {
        let place = place(current, change).ok_or_else(|| {
            ApiError::conflict("table_required", "seating a party needs an assignedTableId")
        })?;
        let party_size = change.party_size.unwrap_or(current.party_size);
        let seat = Seat {
            guest: current.id,
            party_size,
            allow_over: change.allow_over_capacity,
        };
        let (taken, at) = occupy(tx, place, &seat).await?;
        changed_tables.extend(taken);
        assignment = at;
    } else if let Some(combination) = change.assigned_combination_id {
        let (members, _, _) = combination_members(tx, combination).await?;
        assignment = Assignment {
            table_id: members.first().copied(),
            combination_id: Some(combination),
        };
    }
    let status = (target != current.status || moving).then_some(StatusUpdate {
        status: target,
        effects,
    });
    let reservation =
        queries::update_reservation(tx, current.id, change, status.as_ref(), assignment).await?;
    Ok(Outcome {
        reservation,
        tables: changed_tables,
    })
}

/// Who sits down, how many, and whether they may exceed the capacity.
struct Seat {
    guest: Uuid,
    party_size: i32,
    allow_over: bool,
}

/// Takes the place for the party; returns the tables taken and the assignment.
async fn occupy(
    tx: &mut TenantTx,
    place: Place,
    seat: &Seat,
) -> ApiResult<(Vec<TableChange>, Assignment)> {
    match place {
        Place::Table(id) => {
            let table = queries::lock_table(tx, id).await?.ok_or_else(|| {
                FieldError::body("assignedTableId", "no such table", "value_error")
            })?;
            check_free(&table, seat.guest)?;
            check_capacity(seat, table.capacity, || {
                format!("table {}", table.table_number)
            })?;
            let taken = take(tx, vec![table], seat.guest).await?;
            let assignment = Assignment {
                table_id: Some(id),
                combination_id: None,
            };
            Ok((taken, assignment))
        }
        Place::Combination(id) => {
            let (members, capacity, name) = combination_members(tx, id).await?;
            let tables = queries::lock_tables(tx, &members).await?;
            if tables.len() != members.len() {
                return Err(ApiError::conflict(
                    "table_occupied",
                    format!("a table of combination {name} no longer exists"),
                ));
            }
            for table in &tables {
                check_free(table, seat.guest)?;
            }
            check_capacity(seat, capacity, || format!("combination {name}"))?;
            let taken = take(tx, tables, seat.guest).await?;
            let assignment = Assignment {
                table_id: members.first().copied(),
                combination_id: Some(id),
            };
            Ok((taken, assignment))
        }
    }
}

/// A combination's members, maximum capacity and name; an unknown id is a 422.
async fn combination_members(tx: &mut TenantTx, id: Uuid) -> ApiResult<(Vec<Uuid>, i32, String)> {
    let combination = queries::lock_combination(tx, id).await?.ok_or_else(|| {
        FieldError::body(
            "assignedCombinationId",
            "no such table combination",
            "value_error",
        )
    })?;
    Ok(combination)
}

/// A table must be free (or already `guest`'s) and in service.
fn check_free(table: &Table, guest: Uuid) -> ApiResult<()> {
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
    Ok(())
}

fn check_capacity(seat: &Seat, capacity: i32, what: impl Fn() -> String) -> ApiResult<()> {
    if seat.party_size > capacity && !seat.allow_over {
        return Err(ApiError::conflict(
            "over_capacity",
            format!(
                "a party of {} exceeds {}'s capacity of {capacity}; send allowOverCapacity to seat anyway",
                seat.party_size,
                what()
            ),
        ));
    }
    Ok(())
}

/// Seats `guest` at each locked table, in natural order.
async fn take(
    tx: &mut TenantTx,
    mut tables: Vec<Table>,
    guest: Uuid,
) -> ApiResult<Vec<TableChange>> {
    tables.sort_by(|a, b| natural_cmp(&a.table_number, &b.table_number));
    let fresh: Vec<Uuid> = tables
        .iter()
        .filter(|t| t.current_guest_id != Some(guest))
        .map(|t| t.id)
        .collect();
    queries::open_seatings(tx, guest, &fresh).await?;
    let mut changes = Vec::with_capacity(tables.len());
    for table in tables {
        let after = queries::set_guest(tx, table.id, Some(guest)).await?;
        changes.push((table, after));
    }
    Ok(changes)
}

/// Frees every table `guest` holds.
async fn release(tx: &mut TenantTx, guest: Uuid) -> ApiResult<Vec<TableChange>> {
    let mut tables = queries::lock_tables_of_guest(tx, guest).await?;
    tables.sort_by(|a, b| natural_cmp(&a.table_number, &b.table_number));
    queries::close_seatings(tx, guest).await?;
    let mut changes = Vec::with_capacity(tables.len());
    for table in tables {
        let after = queries::set_guest(tx, table.id, None).await?;
        changes.push((table, after));
    }
    Ok(changes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reservation(
        status: ReservationStatus,
        table: Option<u128>,
        combo: Option<u128>,
    ) -> Reservation {
        let now = chrono::Utc::now().into();
        Reservation {
            id: Uuid::from_u128(1),
            guest_name: "Ann".into(),
            party_size: 2,
            status,
            reservation_time: None,
            check_in_time: None,
            seated_time: None,
            finished_time: None,
            assigned_table_id: table.map(Uuid::from_u128),
            contact_info: None,
            notes: None,
            created_at: now,
            updated_at: now,
            version: 1,
            assigned_table_ids: vec![],
            assigned_combination_id: combo.map(Uuid::from_u128),
            quoted_wait_minutes: None,
            quoted_at: None,
            guest_profile_id: None,
            guest: None,
        }
    }

    fn change(table: Option<u128>, combo: Option<u128>) -> UpdateReservation {
        UpdateReservation {
            status: Some(ReservationStatus::Seated),
            assigned_table_id: table.map(Uuid::from_u128),
            assigned_combination_id: combo.map(Uuid::from_u128),
            ..UpdateReservation::default()
        }
    }

    #[test]
    fn the_place_named_wins_and_a_combination_wins_over_a_table() {
        use ReservationStatus::{Seated, Waitlist};
        let (t, c) = (Place::Table, Place::Combination);
        let id = Uuid::from_u128;
        let cases = [
            // (current table, current combination, named table, named combination, place)
            (None, None, Some(7), None, Some(t(id(7)))),
            (Some(7), None, None, None, Some(t(id(7)))),
            (Some(7), Some(9), None, None, Some(c(id(9)))),
            (None, None, Some(7), Some(9), Some(c(id(9)))),
            (None, None, None, None, None),
        ];
        for (table, combo, named_table, named_combo, expected) in cases {
            let current = reservation(Waitlist, table, combo);
            assert_eq!(place(&current, &change(named_table, named_combo)), expected);
        }
        let seated_alone = reservation(Seated, Some(7), None);
        let seated_together = reservation(Seated, Some(7), Some(9));
        assert!(!is_move(&seated_alone, &change(Some(7), None), Seated));
        assert!(is_move(&seated_alone, &change(Some(8), None), Seated));
        assert!(is_move(&seated_alone, &change(None, Some(9)), Seated));
        assert!(is_move(&seated_together, &change(Some(7), None), Seated));
        assert!(!is_move(&seated_together, &change(None, Some(9)), Seated));
    }
}
