//! The journal of every write: an activity entry (who, when, what, before and
//! after) and a live event, recorded in the write's own transaction by one
//! statement. Every domain journals its writes, so this sits below them all.
//! Owners and managers read the activity log.

mod handlers;
pub mod model;
mod queries;

use serde::Serialize;
use serde_json::{Value, json};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use queries::Change;

use crate::{error::ApiResult, event::EventKind, state::AppState, tenant::Tenant};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(handlers::list_activity))
}

/// An entity whose changes are journaled, and the events that announce them.
pub trait Journaled: Serialize {
    /// `table`, `reservation`, `staff`, `restaurant`.
    const ENTITY: &'static str;
    const UPDATED: EventKind;
    const DELETED: EventKind;
    fn id(&self) -> Uuid;
    /// What its deletion's event carries: `{"id"}`, unless the entity is
    /// known by another key (a closure, by its date).
    fn key(&self) -> Value {
        json!({ "id": self.id() })
    }
}

fn to_json(entity: &impl Serialize) -> Value {
    serde_json::to_value(entity).expect("wire types serialise")
}

/// Records a creation (`before` is `None`) or an update of `after`.
pub async fn journal<T: Journaled>(
    tenant: &mut Tenant,
    action: &'static str,
    before: Option<&T>,
    after: &T,
) -> ApiResult<()> {
    let before = before.map(to_json);
    let after_json = to_json(after);
    let change = Change {
        user_id: tenant.user_id(),
        action,
        entity_type: T::ENTITY,
        entity_id: after.id(),
        changed: before
            .as_ref()
            .map(|before| changed_keys(before, &after_json)),
        before,
        after: Some(after_json.clone()),
        event: (T::UPDATED, after_json),
    };
    record(tenant, change).await
}

/// The top-level keys whose values differ between `before` and `after`.
fn changed_keys(before: &Value, after: &Value) -> Vec<String> {
    let (Some(before), Some(after)) = (before.as_object(), after.as_object()) else {
        return Vec::new();
    };
    let mut keys: Vec<String> = after
        .iter()
        .filter(|(key, value)| before.get(*key) != Some(value))
        .map(|(key, _)| key.clone())
        .chain(
            before
                .keys()
                .filter(|key| !after.contains_key(*key))
                .cloned(),
        )
        .collect();
    keys.sort();
    keys
}

/// Records a deletion; the event carries only the key.
pub async fn journal_delete<T: Journaled>(
    tenant: &mut Tenant,
    action: &'static str,
    deleted: &T,
) -> ApiResult<()> {
    let change = Change {
        user_id: tenant.user_id(),
        action,
        entity_type: T::ENTITY,
        entity_id: deleted.id(),
        before: Some(to_json(deleted)),
        after: None,
        changed: None,
        event: (T::DELETED, deleted.key()),
    };
    record(tenant, change).await
}

/// Announces a view derived from the records (the waitlist's quotes), which
/// is nobody's write: an event without an activity entry.
pub async fn announce(
    tenant: &mut Tenant,
    kind: EventKind,
    entity_id: Uuid,
    data: &impl Serialize,
) -> ApiResult<()> {
    let event = queries::record_event(tenant.tx(), kind, entity_id, to_json(data)).await?;
    tenant.announce_after_commit(event);
    Ok(())
}

async fn record(tenant: &mut Tenant, change: Change) -> ApiResult<()> {
    let event = queries::record(tenant.tx(), change).await?;
    tenant.announce_after_commit(event);
    Ok(())
}
