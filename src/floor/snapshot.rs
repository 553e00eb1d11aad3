//! The floor as the engine reads it, in one statement: what the quote, the
//! waitlist and the seating suggestions are computed from.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use uuid::Uuid;

use super::{
    queries,
    quote::{Floor, FloorTable},
};
use crate::{
    error::ApiResult,
    tables::model::{TableStatus, natural_cmp},
    tenant::Tenant,
};

/// A table with the party seated at it, as the snapshot returns it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TableRow {
    id: Uuid,
    number: String,
    capacity: i32,
    status: TableStatus,
    section: Option<String>,
    guest_id: Option<Uuid>,
    seated_at: Option<DateTime<Utc>>,
    party_size: i32,
}

/// A walk-in in the queue.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
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
    /// `floor.tables`' numbers and sections, in the same order.
    pub labels: Vec<Label>,
    /// The walk-ins waiting, in queue order.
    pub queue: Vec<Waiting>,
}

pub async fn load(tenant: &mut Tenant) -> ApiResult<Snapshot> {
    let (now, tables, combinations, turn_times, holds, queue) =
        queries::snapshot(tenant.tx()).await?;
    let mut tables = tables.0;
    tables.sort_by(|a, b| natural_cmp(&a.number, &b.number).then(a.id.cmp(&b.id)));
    let labels = tables
        .iter()
        .map(|t| Label {
            number: t.number.clone(),
            section: t.section.clone(),
            guest_id: t.guest_id,
        })
        .collect();
    let tables = tables
        .into_iter()
        .map(|t| FloorTable {
            id: t.id,
            capacity: t.capacity,
            // A table reserved by hand has no time the engine could plan around.
            seatable: t.status == TableStatus::Available || t.status == TableStatus::Occupied,
            seated: t.seated_at.map(|at| (at, t.party_size)),
        })
        .collect();
    let floor = Floor {
        now,
        turn_times: turn_times.map(|t| t.0).unwrap_or_default(),
        tables,
        combinations: combinations.0,
        holds: holds.0,
    };
    Ok(Snapshot {
        floor,
        labels,
        queue: queue.0,
    })
}
