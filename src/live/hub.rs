//! Fan-out inside one instance. Each restaurant with live subscribers here
//! has a room: a sequencer task that receives events (from writes on this
//! instance, or from other instances through Redis), puts them in `seq`
//! order, fills any gap from the event log, and broadcasts each exactly once.
//! The log is the truth: a lost notification only delays delivery until the
//! next event or poll reveals the gap. Writers never wait on subscribers.

use std::{
    collections::{BTreeMap, HashMap},
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use tokio::sync::{broadcast, mpsc, watch};
use uuid::Uuid;

use super::{
    queries,
    sessions::{SessionPlace, Sessions},
};
use crate::{
    db::TenantTx,
    error::ApiResult,
    event::{Event, Publisher},
};

/// How often a room checks the log for events it was not told about.
const POLL_HEALTHY: Duration = Duration::from_secs(5);
/// The same while Redis (the notifications between instances) is down.
const POLL_DEGRADED: Duration = Duration::from_millis(250);
/// Events fetched per query when filling a gap.
const FILL_PAGE: i64 = 500;

/// What a room hands to each of its connections.
#[derive(Debug, Clone)]
pub enum Delivery {
    /// An event in `seq` order, serialised once for every connection.
    Event(Arc<Event>, Arc<str>),
    /// `user`'s sessions may have been revoked: connections of theirs re-check.
    Revoked(Uuid),
}

/// What one instance tells the others (through `fanout`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outbound {
    /// The event with its journal action and changed keys, which `Event`
    /// itself does not serialise.
    Event {
        event: Event,
        action: Option<String>,
        #[serde(default)]
        changed: Option<Vec<String>>,
    },
    Revoked {
        restaurant_id: Uuid,
        user: Uuid,
    },
}

#[derive(Clone)]
pub struct Hub {
    inner: Arc<Inner>,
}

struct Inner {
    db: PgPool,
    rooms: Mutex<HashMap<Uuid, Room>>,
    queue_capacity: usize,
    /// False while cross-instance notifications are known to be failing.
    notifications_healthy: AtomicBool,
    outbound: Option<mpsc::Sender<Outbound>>,
    shutdown: watch::Sender<bool>,
    sessions: Arc<Sessions>,
}

struct Room {
    inbox: mpsc::UnboundedSender<Inbound>,
    deliveries: broadcast::Sender<Delivery>,
}

enum Inbound {
    Event(Event),
    Revoked(Uuid),
    CatchUp,
}

impl Hub {
    /// A hub for one instance; `outbound` carries notifications to other instances.
    pub(super) fn new(
        db: PgPool,
        queue_capacity: usize,
        sockets_per_session: usize,
        outbound: Option<mpsc::Sender<Outbound>>,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                db,
                rooms: Mutex::default(),
                queue_capacity,
                notifications_healthy: AtomicBool::new(true),
                outbound,
                shutdown: watch::channel(false).0,
                sessions: Sessions::new(sockets_per_session),
            }),
        }
    }

    /// An event from this instance or another; ignored without local subscribers.
    pub(super) fn receive(&self, event: Event) {
        self.send_to_room(event.restaurant_id, Inbound::Event(event));
    }

    pub(super) fn revoked(&self, restaurant_id: Uuid, user: Uuid) {
        self.send_to_room(restaurant_id, Inbound::Revoked(user));
    }

    fn send_to_room(&self, restaurant_id: Uuid, message: Inbound) {
        if let Some(room) = self
            .inner
            .rooms
            .lock()
            .expect("rooms lock")
            .get(&restaurant_id)
        {
            let _ = room.inbox.send(message);
        }
    }

    /// Cross-instance notifications are down (or back): rooms poll the log faster meanwhile.
    pub(super) fn set_notifications_healthy(&self, healthy: bool) {
        let was = self
            .inner
            .notifications_healthy
            .swap(healthy, Ordering::SeqCst);
        if healthy && !was {
            // Anything published while we were deaf is in the log.
            for room in self.inner.rooms.lock().expect("rooms lock").values() {
                let _ = room.inbox.send(Inbound::CatchUp);
            }
        }
    }

    /// Subscribes to a restaurant's ordered stream, opening its room if needed.
    pub fn subscribe(&self, restaurant_id: Uuid) -> broadcast::Receiver<Delivery> {
        let mut rooms = self.inner.rooms.lock().expect("rooms lock");
        if let Some(room) = rooms.get(&restaurant_id) {
            return room.deliveries.subscribe();
        }
        let (inbox, inbox_rx) = mpsc::unbounded_channel();
        let (deliveries, receiver) = broadcast::channel(self.inner.queue_capacity);
        rooms.insert(
            restaurant_id,
            Room {
                inbox,
                deliveries: deliveries.clone(),
            },
        );
        tokio::spawn(run_room(self.clone(), restaurant_id, inbox_rx, deliveries));
        receiver
    }

    /// A live socket's place in its session (see `sessions`).
    pub fn join_session(&self, session: Uuid) -> SessionPlace {
        self.inner.sessions.join(session)
    }

    pub fn db(&self) -> &PgPool {
        &self.inner.db
    }

    /// Completes when the service is shutting down.
    pub fn stopping(&self) -> watch::Receiver<bool> {
        self.inner.shutdown.subscribe()
    }

    pub fn shut_down(&self) {
        let _ = self.inner.shutdown.send(true);
    }

    fn poll_interval(&self) -> Duration {
        if self.inner.notifications_healthy.load(Ordering::SeqCst) {
            POLL_HEALTHY
        } else {
            POLL_DEGRADED
        }
    }

    /// Closes the room if nobody listens any more; decided under the rooms
    /// lock, so a concurrent `subscribe` either finds the room open or opens a new one.
    fn close_if_unused(
        &self,
        restaurant_id: Uuid,
        deliveries: &broadcast::Sender<Delivery>,
    ) -> bool {
        let mut rooms = self.inner.rooms.lock().expect("rooms lock");
        if deliveries.receiver_count() > 0 {
            return false;
        }
        rooms.remove(&restaurant_id);
        true
    }
}

impl Publisher for Hub {
    /// Announces committed events: to this instance's rooms, and to the others.
    fn publish(&self, events: Vec<Event>) {
        metrics::counter!(crate::metrics::EVENTS_PUBLISHED).increment(events.len() as u64);
        for event in events {
            if let Some(outbound) = &self.inner.outbound {
                // Full or closed: other instances find the event in the log instead.
                let _ = outbound.try_send(Outbound::Event {
                    action: event.action.clone(),
                    changed: event.changed.clone(),
                    event: event.clone(),
                });
            }
            self.receive(event);
        }
    }

    /// Asks every live connection of `user` to re-check its session now.
    fn revoke(&self, restaurant_id: Uuid, user: Uuid) {
        if let Some(outbound) = &self.inner.outbound {
            let _ = outbound.try_send(Outbound::Revoked {
                restaurant_id,
                user,
            });
        }
        self.revoked(restaurant_id, user);
    }
}

/// The room's sequencer: delivers every event after `last` exactly once, in order.
async fn run_room(
    hub: Hub,
    restaurant_id: Uuid,
    mut inbox: mpsc::UnboundedReceiver<Inbound>,
    deliveries: broadcast::Sender<Delivery>,
) {
    let mut sequencer = Sequencer {
        restaurant_id,
        last: None,
        pending: BTreeMap::new(),
        deliveries,
    };
    loop {
        let catch_up = tokio::select! {
            message = inbox.recv() => match message {
                None => return,
                Some(Inbound::Event(event)) => { sequencer.hold(event); false }
                Some(Inbound::Revoked(user)) => { let _ = sequencer.deliveries.send(Delivery::Revoked(user)); false }
                Some(Inbound::CatchUp) => true,
            },
            () = tokio::time::sleep(hub.poll_interval()) => {
                if hub.close_if_unused(restaurant_id, &sequencer.deliveries) {
                    return;
                }
                true
            }
        };
        if let Err(error) = sequencer.advance(hub.db(), catch_up).await {
            tracing::warn!(%restaurant_id, error = %error, "live: could not read the event log; will retry");
        }
    }
}

struct Sequencer {
    restaurant_id: Uuid,
    /// The last `seq` delivered; `None` until the room knows where the log stands.
    last: Option<i64>,
    /// Events that arrived ahead of a gap.
    pending: BTreeMap<i64, Event>,
    deliveries: broadcast::Sender<Delivery>,
}

impl Sequencer {
    fn hold(&mut self, event: Event) {
        if self.last.is_none_or(|last| event.seq > last) {
            self.pending.insert(event.seq, event);
        }
    }

    /// Delivers what is contiguous; reads the log to fill gaps (or, on
    /// `catch_up`, to find events nobody announced).
    async fn advance(&mut self, db: &PgPool, catch_up: bool) -> ApiResult<()> {
        let last = match self.last {
            Some(last) => last,
            None => self.start(db).await?,
        };
        self.deliver_contiguous();
        let gap = self
            .pending
            .keys()
            .next()
            .is_some_and(|first| *first > last + 1);
        if gap || catch_up {
            self.fill_from_log(db).await?;
        }
        Ok(())
    }

    /// Where a new room starts: the log's current end, or just before the
    /// first event it already holds, whichever is earlier.
    async fn start(&mut self, db: &PgPool) -> ApiResult<i64> {
        let mut tx = TenantTx::begin(db, self.restaurant_id).await?;
        let latest = queries::latest_seq(&mut tx).await?;
        tx.end_read();
        let last = self
            .pending
            .keys()
            .next()
            .map_or(latest, |first| (first - 1).min(latest));
        self.last = Some(last);
        Ok(last)
    }

    fn deliver_contiguous(&mut self) {
        while let Some(last) = self.last
            && let Some(event) = self.pending.remove(&(last + 1))
        {
            self.last = Some(event.seq);
            let json: Arc<str> = serde_json::to_string(&event)
                .expect("events serialise")
                .into();
            // No receivers is fine: the room closes at its next tick.
            let _ = self.deliveries.send(Delivery::Event(Arc::new(event), json));
        }
    }

    /// Reads every event after `last` up to the newest committed one.
    async fn fill_from_log(&mut self, db: &PgPool) -> ApiResult<()> {
        let mut tx = TenantTx::begin(db, self.restaurant_id).await?;
        loop {
            let last = self.last.unwrap_or_default();
            let page = queries::events_after(&mut tx, last, i64::MAX, FILL_PAGE).await?;
            let full = page.len() as i64 == FILL_PAGE;
            for event in page {
                self.pending.insert(event.seq, event);
            }
            self.deliver_contiguous();
            if !full {
                break;
            }
        }
        tx.end_read();
        let last = self.last.unwrap_or_default();
        self.pending.retain(|seq, _| *seq > last);
        Ok(())
    }
}
