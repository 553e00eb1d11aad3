//! The floor as QTable can hold it: which tables come over and under which
//! numbers, and who sits where. A table's `current_guest_id` there named a
//! guest or a reservation with no constraint behind it; here one seated
//! party holds a table and the table names it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::super::{
    ids::{Kind, stable_id},
    report::{Entity, RestaurantReport},
    rules,
    source::Table as SourceTable,
};
use super::Visit;

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub id: Uuid,
    pub number: String,
    pub capacity: i32,
    pub status: &'static str,
    pub position: (f64, f64),
    pub shape: &'static str,
    pub section: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    /// The visit seated here.
    pub current_guest: Option<Uuid>,
}

/// The active tables, numbers made unique, positions fitted to 0..1.
pub fn tables(source: &[SourceTable], report: &mut RestaurantReport) -> Vec<Table> {
    report.counts(Entity::Tables).read += source.len();
    let active: Vec<&SourceTable> = source
        .iter()
        .filter(|t| {
            let active = t.is_active != Some(false);
            if !active {
                report.skip(Entity::Tables, "soft-deleted in the source, skipped");
            }
            active
        })
        .collect();
    let numbers = rules::unique_numbers(active.iter().map(|t| t.table_number.as_str()));
    active
        .iter()
        .zip(numbers)
        .map(|(table, (number, renumbered))| {
            if renumbered {
                report.note(
                    Entity::Tables,
                    "duplicate table number, made unique with a suffix",
                );
            }
            table_of(table, number, report)
        })
        .collect()
}

fn table_of(table: &SourceTable, number: String, report: &mut RestaurantReport) -> Table {
    let (position, moved) = rules::position(table.position_x, table.position_y);
    if moved {
        report.note(
            Entity::Tables,
            "position outside 0..1, converted from 800x600 pixels and clamped",
        );
    }
    let status = rules::table_status(table.status.as_deref()).unwrap_or_else(|| {
        report.note(Entity::Tables, "unknown status, imported available");
        "available"
    });
    let (shape, odd_shape) = rules::shape(table.shape.as_deref());
    if odd_shape {
        report.note(Entity::Tables, "unknown shape, imported round");
    }
    let (capacity, clamped) = rules::one_to_99(Some(table.capacity));
    if clamped {
        report.note(Entity::Tables, "capacity outside 1..99, clamped");
    }
    Table {
        id: stable_id(Kind::Table, &table.id),
        number,
        capacity,
        status,
        position,
        shape,
        section: table.section.clone(),
        created_at: table.created_at,
        current_guest: None,
    }
}

/// Seats the seated visits: each keeps its table, one party per table (the
/// one the table names, else the one seated last); a seated visit without
/// an imported table, or beaten to one, is imported `arrived`. A table
/// whose pointer names anyone not seated there is imported free.
pub fn seat(
    tables: &mut [Table],
    source: &[SourceTable],
    visits: &mut [Visit],
    visit_ids: &HashMap<&str, Uuid>,
    report: &mut RestaurantReport,
) {
    let pointers: HashMap<Uuid, Uuid> = source
        .iter()
        .filter_map(|t| {
            let named = t.current_guest_id.as_deref().filter(|id| !id.is_empty())?;
            Some((
                stable_id(Kind::Table, &t.id),
                *visit_ids.get(named).unwrap_or(&Uuid::nil()),
            ))
        })
        .collect();
    let index: HashMap<Uuid, usize> = tables.iter().enumerate().map(|(i, t)| (t.id, i)).collect();
    let mut holder: HashMap<Uuid, usize> = HashMap::new();
    let seated: Vec<usize> = (0..visits.len())
        .filter(|&i| visits[i].status == "seated")
        .collect();
    for i in seated {
        let Some(table) = visits[i].table.filter(|t| index.contains_key(t)) else {
            unseat(
                &mut visits[i],
                report,
                "seated at no imported table, imported arrived",
            );
            continue;
        };
        let named = |v: &Visit| pointers.get(&table) == Some(&v.id);
        let loser = holder.get(&table).copied().map(|j| {
            let (new, old) = (&visits[i], &visits[j]);
            let new_wins = named(new) || (!named(old) && new.seated_time > old.seated_time);
            if new_wins { j } else { i }
        });
        if loser != Some(i) {
            holder.insert(table, i);
        }
        if let Some(loser) = loser {
            unseat(
                &mut visits[loser],
                report,
                "another party was seated at its table, imported arrived",
            );
        }
    }
    for (table, &at) in &index {
        let seated = holder.get(table).map(|&i| visits[i].id);
        let pointed = pointers.get(table);
        if pointed.is_some() && pointed != seated.as_ref() {
            report.note(
                Entity::Tables,
                "current guest is not seated there, imported free",
            );
            if seated.is_none() {
                tables[at].status = "available";
            }
        }
        if seated.is_some() {
            tables[at].status = "occupied";
        }
        tables[at].current_guest = seated;
    }
}

fn unseat(visit: &mut Visit, report: &mut RestaurantReport, reason: &str) {
    visit.status = "arrived";
    report.note(visit.entity, reason);
}

/// The turn the book assumes for a visit it blocks a table for: the
/// default of a restaurant without turn times, which an import makes.
const TURN_MINUTES: i64 = 90;

/// Visits the book would have hold one table for overlapping turns (the
/// Python service let a table be booked twice): the later ones keep their
/// time and lose the table, so the book's guarantee holds and nothing else
/// is lost.
pub fn unbook_doubles(visits: &mut [Visit], report: &mut RestaurantReport) {
    let blocks = |v: &Visit| {
        matches!(
            v.status,
            "waitlist" | "confirmed" | "runningLate" | "arrived" | "partiallyArrived"
        )
    };
    let mut booked: Vec<usize> = (0..visits.len())
        .filter(|&i| blocks(&visits[i]) && visits[i].table.is_some())
        .filter(|&i| visits[i].reservation_time.is_some())
        .collect();
    booked.sort_by_key(|&i| (visits[i].reservation_time, visits[i].id));
    let mut free_from: HashMap<Uuid, chrono::DateTime<chrono::Utc>> = HashMap::new();
    for i in booked {
        let (Some(table), Some(at)) = (visits[i].table, visits[i].reservation_time) else {
            continue;
        };
        if free_from.get(&table).is_some_and(|free| at < *free) {
            visits[i].table = None;
            report.note(
                visits[i].entity,
                "its table was booked for an overlapping time, imported without a table",
            );
        } else {
            free_from.insert(table, at + chrono::Duration::minutes(TURN_MINUTES));
        }
    }
}
