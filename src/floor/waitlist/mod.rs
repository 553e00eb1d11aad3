//! The walk-in queue and its quotes: what a new party would wait, what each
//! waiting party was told and is now expected to wait, and the
//! `waitlist_update` event when a write moves anybody's expected seat time.

mod handlers;
pub mod model;

use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use model::{Quote, WaitlistEntry, WaitlistUpdate};

use super::{
    queries,
    quote::{Expected, minutes_until, replay},
    snapshot::{self, Snapshot},
};
use crate::{
    error::ApiResult, event::EventKind, http::time::WireTime, journal::announce,
    reservations::model::Reservation, state::AppState, tenant::Tenant,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(handlers::get_waitlist))
        .routes(routes!(handlers::get_quote))
}

/// The queue in order, each party with where and when it is expected to sit.
pub fn entries(snapshot: &Snapshot) -> Vec<WaitlistEntry> {
    let now = snapshot.floor.now;
    let expected = replay(&snapshot.floor, snapshot.queue.iter().map(|w| w.party_size));
    snapshot
        .queue
        .iter()
        .zip(expected)
        .enumerate()
        .map(|(index, (waiting, expected))| WaitlistEntry {
            id: waiting.id,
            guest_name: waiting.guest_name.clone(),
            party_size: waiting.party_size,
            position: index + 1,
            waited_minutes: (now - waiting.joined_at).num_minutes().max(0),
            quoted_wait_minutes: waiting.quoted_wait_minutes,
            quoted_at: waiting.quoted_at.map(WireTime),
            expected_seat_at: expected.as_ref().map(|e| WireTime(e.seat_at)),
            expected_combination_id: expected.as_ref().and_then(|e| e.combination_id),
            expected_table_ids: expected.map(|e| e.table_ids).unwrap_or_default(),
        })
        .collect()
}

/// The quote for a party of `party_size` joining the queue now.
pub fn quote(snapshot: &Snapshot, party_size: i32) -> Quote {
    let queue = snapshot.queue.iter().map(|w| w.party_size);
    let expected: Option<Expected> = replay(&snapshot.floor, queue.chain([party_size]))
        .pop()
        .flatten();
    let now = snapshot.floor.now;
    Quote {
        party_size,
        quoted_wait_minutes: expected.as_ref().map(|e| minutes_until(now, e.seat_at)),
        expected_seat_at: expected.as_ref().map(|e| WireTime(e.seat_at)),
        expected_combination_id: expected.as_ref().and_then(|e| e.combination_id),
        expected_table_ids: expected.map(|e| e.table_ids).unwrap_or_default(),
        parties_ahead: snapshot.queue.len(),
    }
}

/// Stores a new walk-in's quote: the host's own, or the engine's for the
/// party at the end of the queue (none when nothing fits).
pub async fn quote_walk_in(
    tenant: &mut Tenant,
    walk_in: Reservation,
    host_quote: Option<i32>,
) -> ApiResult<Reservation> {
    let minutes = match host_quote {
        Some(minutes) => Some(minutes),
        None => {
            let snapshot = snapshot::load(tenant).await?;
            let entries = entries(&snapshot);
            let own = entries.iter().find(|e| e.id == walk_in.id);
            own.and_then(|e| Some(minutes_until(snapshot.floor.now, e.expected_seat_at?.0)))
        }
    };
    match minutes {
        Some(minutes) => queries::set_quote(tenant.tx(), walk_in.id, minutes).await,
        None => Ok(walk_in),
    }
}

/// Watches the queue across a write: `finish` announces a `waitlist_update`
/// when the write moved the expected seat time of any party other than the
/// one it was about (whose own event already says so).
pub struct Watch {
    before: Vec<WaitlistEntry>,
}

impl Watch {
    pub async fn start(tenant: &mut Tenant) -> ApiResult<Self> {
        let snapshot = snapshot::load(tenant).await?;
        Ok(Self {
            before: entries(&snapshot),
        })
    }

    pub async fn finish(self, tenant: &mut Tenant, about: Option<Uuid>) -> ApiResult<()> {
        let others = |entries: &[WaitlistEntry]| -> Vec<(Uuid, Option<WireTime>)> {
            entries
                .iter()
                .filter(|e| Some(e.id) != about)
                .map(|e| (e.id, e.expected_seat_at))
                .collect()
        };
        let before = others(&self.before);
        // A write cannot add anybody to the queue but the party it is about.
        if before.is_empty() {
            return Ok(());
        }
        let waitlist = entries(&snapshot::load(tenant).await?);
        if others(&waitlist) != before {
            let restaurant = tenant.restaurant_id();
            let update = WaitlistUpdate { waitlist };
            announce(tenant, EventKind::WaitlistUpdate, restaurant, &update).await?;
        }
        Ok(())
    }
}
