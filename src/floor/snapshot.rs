//! The floor as the engine reads it, in one statement: what the quote, the
//! waitlist and the seating suggestions are computed from.

use chrono::{DateTime, Utc};
use sqlx::types::Json;
use uuid::Uuid;

use super::{
    queries,
    quote::{Floor, FloorCombination, FloorTable, Hold},
    turn_times::model::TurnTimes,
};
use crate::{error::ApiResult, tables::model::natural_cmp, tenant::Tenant};

/// `queries::SNAPSHOT`'s one row: tables and the queue as parallel arrays.
#[derive(Debug, sqlx::FromRow)]
pub struct SnapshotRow {
    now: DateTime<Utc>,
    table_ids: Vec<Uuid>,
    numbers: Vec<String>,
    capacities: Vec<i32>,
    seatable: Vec<bool>,
    sections: Vec<Option<String>>,
    guests: Vec<Option<Uuid>>,
    party_sizes: Vec<i32>,
    seated_at: Vec<Option<DateTime<Utc>>>,
    combinations: Json<Vec<FloorCombination>>,
    holds: Json<Vec<Hold>>,
    turn_times: Option<Json<TurnTimes>>,
    queue_ids: Vec<Uuid>,
    queue_names: Vec<String>,
    queue_sizes: Vec<i32>,
    queue_joined: Vec<DateTime<Utc>>,
    queue_quotes: Vec<Option<i32>>,
    queue_quoted_at: Vec<Option<DateTime<Utc>>>,
}

/// A walk-in in the queue.
#[derive(Debug, Clone)]
pub struct Waiting {
    pub id: Uuid,
    pub guest_name: String,
    pub party_size: i32,
    pub joined_at: DateTime<Utc>,
    pub quoted_wait_minutes: Option<i32>,
    pub quoted_at: Option<DateTime<Utc>>,
}

/// What a table is called, where it is and who sits there, beside `Floor::tables`.
#[derive(Debug, Clone)]
pub struct Label {
    pub number: String,
    pub section: Option<String>,
    pub guest_id: Option<Uuid>,
}

pub struct Snapshot {
    pub floor: Floor,
    /// `floor.tables`' numbers, sections and parties, in the same order.
    pub labels: Vec<Label>,
    /// The walk-ins waiting, in queue order.
    pub queue: Vec<Waiting>,
}

pub async fn load(tenant: &mut Tenant) -> ApiResult<Snapshot> {
    Ok(from_row(queries::snapshot(tenant.tx()).await?))
}

fn from_row(row: SnapshotRow) -> Snapshot {
    let mut order: Vec<usize> = (0..row.table_ids.len()).collect();
    order.sort_by(|&a, &b| {
        natural_cmp(&row.numbers[a], &row.numbers[b]).then(row.table_ids[a].cmp(&row.table_ids[b]))
    });
    let tables = order
        .iter()
        .map(|&i| FloorTable {
            id: row.table_ids[i],
            capacity: row.capacities[i],
            seatable: row.seatable[i],
            seated: row.seated_at[i].map(|at| (at, row.party_sizes[i])),
        })
        .collect();
    let labels = order
        .iter()
        .map(|&i| Label {
            number: row.numbers[i].clone(),
            section: row.sections[i].clone(),
            guest_id: row.guests[i],
        })
        .collect();
    let mut queue: Vec<Waiting> = (0..row.queue_ids.len())
        .map(|i| Waiting {
            id: row.queue_ids[i],
            guest_name: row.queue_names[i].clone(),
            party_size: row.queue_sizes[i],
            joined_at: row.queue_joined[i],
            quoted_wait_minutes: row.queue_quotes[i],
            quoted_at: row.queue_quoted_at[i],
        })
        .collect();
    // Queue order: arrival (a walk-in's `booked_at`), then id.
    queue.sort_by_key(|w| (w.joined_at, w.id));
    let floor = Floor {
        now: row.now,
        turn_times: row.turn_times.map(|t| t.0).unwrap_or_default(),
        tables,
        combinations: row.combinations.0,
        holds: row.holds.0,
    };
    Snapshot {
        floor,
        labels,
        queue,
    }
}
