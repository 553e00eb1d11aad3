//! The activity log of databases made before 2025-08-17, into QTable's
//! journal. Entries keep their time, user, action and data; the entity they
//! name gets the id its row was imported under (a Python guest is a visit,
//! so a reservation).

use serde_json::Value;
use uuid::Uuid;

use super::super::{
    ids::{Kind, stable_id},
    report::{Entity, RestaurantReport},
    source::{Activity, Time},
};

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: Uuid,
    pub at: Time,
    pub user: Option<Uuid>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<Uuid>,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// QTable's name for an entity type, and the kind its ids were imported as.
fn entity(raw: &str) -> (String, Option<Kind>) {
    let known = match raw.trim().to_lowercase().as_str() {
        "table" | "restaurant_table" => Some(("table", Kind::Table)),
        "guest" => Some(("reservation", Kind::Guest)),
        "reservation" => Some(("reservation", Kind::Reservation)),
        "user" => Some(("staff", Kind::User)),
        "restaurant" => Some(("restaurant", Kind::Restaurant)),
        _ => None,
    };
    match known {
        Some((name, kind)) => (name.to_owned(), Some(kind)),
        None => (raw.trim().to_owned(), None),
    }
}

pub fn entries(source: &[Activity], report: &mut RestaurantReport) -> Vec<Entry> {
    report.counts(Entity::Activity).read += source.len();
    source.iter().map(|entry| entry_of(entry, report)).collect()
}

fn entry_of(entry: &Activity, report: &mut RestaurantReport) -> Entry {
    let (entity_type, kind) = entity(entry.entity_type.as_deref().unwrap_or("unknown"));
    let entity_id = entry.entity_id.as_deref().and_then(|id| match kind {
        Some(kind) => Some(stable_id(kind, id)),
        // Unknown kinds keep a UUID id; another string names nothing here.
        None => Uuid::try_parse(id).ok(),
    });
    if kind.is_none() {
        report.note(
            Entity::Activity,
            "entity type unknown here, kept as written",
        );
    }
    Entry {
        id: stable_id(Kind::Activity, &entry.id),
        at: entry.created_at,
        user: entry.user_id.as_deref().map(|id| stable_id(Kind::User, id)),
        action: entry.action.clone().unwrap_or_else(|| "unknown".to_owned()),
        entity_type,
        entity_id,
        before: entry.old_data.clone(),
        after: entry.new_data.clone(),
    }
}
