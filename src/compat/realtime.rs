//! `WS /realtime`: the Python socket's messages, translated from the same
//! event log as `/restaurants/{id}/live` (whose connection machinery serves
//! it: authentication, `seq` order without gaps, `?since=` replay, fan-out
//! across instances). Only this surface's message types are sent; events
//! of kinds it does not know are passed over (their `seq` still counts).

use std::{sync::Arc, time::Duration};

use axum::{
    Extension,
    extract::{State, WebSocketUpgrade, ws::rejection::WebSocketUpgradeRejection},
    http::HeaderMap,
    response::Response,
};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use utoipa::IntoParams;
use uuid::Uuid;

use super::{
    clock,
    model::{GuestStatus, contact_parts, names},
    time::Clock,
};
use crate::{
    error::{ApiResult, ErrorBody},
    event::{Event, EventKind},
    http::{AppQuery, validate},
    live::{
        Hub,
        ws::{Dialect, accept, authenticate},
    },
    reservations::model::ReservationStatus,
    state::AppState,
};

/// The Python socket's heartbeat came after this long without a client message.
const HEARTBEAT_AFTER: Duration = Duration::from_secs(35);

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RealtimeQuery {
    /// The restaurant to watch (default: the token's own).
    #[serde(default, deserialize_with = "validate::blank::uuid")]
    pub restaurant_id: Option<Uuid>,
    /// The access token, unless sent as `Authorization: Bearer`. Required.
    pub token: Option<String>,
    /// Replay every message after this `seq` first.
    pub since: Option<i64>,
}

/// The app's live view, authenticated (the Python socket was open to anyone).
#[utoipa::path(get, path = "/realtime", tag = "compat", params(RealtimeQuery),
    responses((status = 101, description = "Switching to the WebSocket protocol"),
        (status = 400, description = "Not a WebSocket upgrade", body = ErrorBody),
        (status = 401, description = "Missing, invalid or expired token, or session ended", body = ErrorBody),
        (status = 403, description = "A token of another restaurant", body = ErrorBody)))]
pub async fn realtime(
    State(state): State<AppState>,
    Extension(hub): Extension<Hub>,
    AppQuery(query): AppQuery<RealtimeQuery>,
    headers: HeaderMap,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> ApiResult<Response> {
    let token = query.token.as_deref();
    let user = authenticate(&state, &headers, token, query.restaurant_id).await?;
    let dialect = Arc::new(Realtime(clock(&state)));
    accept(state, hub, user, upgrade, query.since, dialect)
}

/// The Python socket's protocol.
struct Realtime(Clock);

impl Dialect for Realtime {
    fn hello(&self, restaurant_id: Uuid, latest: i64) -> String {
        json!({"type": "restaurant_connect", "restaurant_id": restaurant_id, "platform": "iOS",
            "timestamp": self.0.socket(Utc::now()), "seq": latest})
        .to_string()
    }

    /// The Python protocol has no such message: the socket just goes on from the latest.
    fn resync(&self, _: i64) -> Option<String> {
        None
    }

    fn event(&self, event: &Event, _: &str) -> Option<String> {
        translate(event, self.0).map(|message| message.to_string())
    }

    fn pong(&self) -> String {
        json!({"type": "pong", "timestamp": self.0.socket(Utc::now())}).to_string()
    }

    fn heartbeat(&self, silent: Duration) -> Option<String> {
        (silent >= HEARTBEAT_AFTER).then(|| {
            json!({"type": "heartbeat", "timestamp": self.0.socket(Utc::now())}).to_string()
        })
    }
}

/// The message an event is on this socket, if any.
fn translate(event: &Event, clock: Clock) -> Option<Value> {
    let data = &event.data.0;
    let mut message = match event.kind {
        EventKind::TableUpdate => table_updated(data, changed_keys(event), clock),
        EventKind::ReservationUpdate => {
            visit_changed(data, event.action.as_deref(), changed_keys(event))?
        }
        EventKind::BatchComplete => json!({"type": "atomic_transaction_complete",
            "affected_entities": data["affected_entities"]}),
        _ => return None,
    };
    message["restaurant_id"] = json!(event.restaurant_id);
    message["timestamp"] = json!(clock.socket(event.created_at.0));
    message["seq"] = json!(event.seq);
    Some(message)
}

/// What the write changed of the entity (nothing known for a creation).
fn changed_keys(event: &Event) -> &[String] {
    event.changed.as_deref().unwrap_or_default()
}

fn changed(keys: &[String], key: &str) -> bool {
    keys.iter().any(|k| k == key)
}

/// A native time string in this socket's form.
fn retime(value: &Value, clock: Clock) -> Value {
    value
        .as_str()
        .and_then(|text| DateTime::parse_from_rfc3339(text).ok())
        .map_or(Value::Null, |at| json!(clock.socket(at.to_utc())))
}

/// Both of Python's table shapes at once: the table PUT's (`position`,
/// `updatedAt`) and the batch's flat `x`, `y`.
fn table_updated(table: &Value, keys: &[String], clock: Clock) -> Value {
    let mut data = table.as_object().cloned().unwrap_or_default();
    for key in ["lastUpdated", "createdAt"] {
        if let Some(at) = data.get(key).map(|v| retime(v, clock)) {
            data.insert(key.into(), at);
        }
    }
    data.insert("updatedAt".into(), data["lastUpdated"].clone());
    data.insert("x".into(), table["position"]["x"].clone());
    data.insert("y".into(), table["position"]["y"].clone());
    let action = table_action(table, keys);
    json!({"type": "table_updated", "table_id": table["id"], "action": action, "data": data})
}

/// Python's table actions: a party sat down (`assigned`), the party left
/// (`cleared`), another status (`status_changed`), anything else (`updated`).
fn table_action(table: &Value, keys: &[String]) -> &'static str {
    let seated_here = !table["currentGuestId"].is_null();
    match (changed(keys, "currentGuestId"), changed(keys, "status")) {
        (true, _) if seated_here => "assigned",
        (true, _) => "cleared",
        (false, true) => "status_changed",
        (false, false) => "updated",
    }
}

/// A visit's change as a guest message; `None` for a booking not yet at the door.
fn visit_changed(visit: &Value, journal_action: Option<&str>, keys: &[String]) -> Option<Value> {
    let status: ReservationStatus = serde_json::from_value(visit["status"].clone()).ok()?;
    let shown = GuestStatus::of(status)?;
    let id = &visit["id"];
    if shown == GuestStatus::Cancelled {
        return Some(json!({"type": "guest_deleted", "guest_id": id, "data": {"id": id}}));
    }
    let (kind, action) = match (journal_action, shown) {
        (Some("reservation.create"), _) => ("guest_created", "created"),
        _ => ("guest_updated", guest_action(shown, keys)),
    };
    let data = guest_data(visit, shown);
    Some(json!({"type": kind, "guest_id": id, "action": action, "data": data}))
}

/// Python's guest actions for a changed visit: seated at a table
/// (`table_assigned`), its table freed when it finished (`table_cleared`),
/// another status (`status_changed`), or only its details (`info_updated`).
fn guest_action(shown: GuestStatus, keys: &[String]) -> &'static str {
    let moved = changed(keys, "status") || changed(keys, "assignedTableId");
    match shown {
        _ if !moved => "info_updated",
        GuestStatus::Seated => "table_assigned",
        GuestStatus::Finished => "table_cleared",
        _ => "status_changed",
    }
}

/// The guest as Python's messages carried it (always with its `id`).
fn guest_data(visit: &Value, status: GuestStatus) -> Map<String, Value> {
    let name = visit["guestName"].as_str().unwrap_or_default();
    let (first, last) = names(name, (None, None));
    let (phone, email) = contact_parts(visit["contactInfo"].as_str());
    let data = json!({"id": visit["id"], "guestName": name, "firstName": first, "lastName": last,
        "partySize": visit["partySize"], "status": status, "tableId": visit["assignedTableId"],
        "email": email, "phone": phone, "notes": visit["notes"]});
    data.as_object().cloned().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::CompatTimeFormat;

    fn event(kind: EventKind, data: Value, action: Option<&str>) -> Event {
        Event {
            kind,
            data: sqlx::types::Json(data),
            created_at: DateTime::parse_from_rfc3339("2026-12-01T19:02:11.5Z")
                .unwrap()
                .to_utc()
                .into(),
            restaurant_id: Uuid::from_u128(1),
            seq: 7,
            action: action.map(str::to_owned),
            changed: None,
        }
    }

    #[test]
    fn only_this_surfaces_kinds_and_guests_are_forwarded() {
        let clock = Clock(CompatTimeFormat::Python);
        let visit = |status: &str| json!({"id": "v", "status": status, "guestName": "Ana Silva"});
        let cases = [
            (
                event(EventKind::GuestProfileUpdate, json!({"id": "p"}), None),
                None,
            ),
            (event(EventKind::WaitlistUpdate, json!({}), None), None),
            (
                event(EventKind::ReservationUpdate, visit("confirmed"), None),
                None,
            ),
            (
                event(
                    EventKind::ReservationUpdate,
                    visit("waitlist"),
                    Some("reservation.create"),
                ),
                Some("guest_created"),
            ),
            (
                event(
                    EventKind::ReservationUpdate,
                    visit("seated"),
                    Some("reservation.update"),
                ),
                Some("guest_updated"),
            ),
            (
                event(
                    EventKind::ReservationUpdate,
                    visit("cancelled"),
                    Some("reservation.update"),
                ),
                Some("guest_deleted"),
            ),
        ];
        for (event, expected) in cases {
            let message = translate(&event, clock);
            assert_eq!(
                message.as_ref().map(|m| m["type"].as_str().unwrap()),
                expected
            );
        }
        let created = event(
            EventKind::ReservationUpdate,
            visit("waitlist"),
            Some("reservation.create"),
        );
        let created = translate(&created, clock).unwrap();
        assert_eq!(created["timestamp"], "2026-12-01T19:02:11.500000Z");
        assert_eq!(created["data"]["firstName"], "Ana");
        assert_eq!(created["seq"], 7);
    }
}
