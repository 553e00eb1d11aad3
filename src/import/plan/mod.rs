//! One restaurant's rows as QTable will hold them: pure, so every decision
//! of the mapping (docs/import.md) is made here and counted in the report
//! before anything is written.

mod activity;
mod floor;
mod profiles;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

pub use activity::Entry;
pub use floor::Table;
pub use profiles::Profile;

use super::{
    ids::{Kind, stable_id},
    report::{Entity, RestaurantReport},
    rules,
    source::{self, RestaurantRows},
};
use crate::http::validate;

#[derive(Debug, Clone, PartialEq)]
pub struct Restaurant {
    pub id: Uuid,
    pub name: String,
    pub slug: String,
    pub timezone: String,
    pub settings: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub id: Uuid,
    pub email: String,
    /// bcrypt as the Python service stored it: it verifies, and sign-in rehashes it.
    pub password_hash: String,
    pub first_name: String,
    pub last_name: String,
    pub role: &'static str,
    pub active: bool,
    pub created_at: Option<DateTime<Utc>>,
}

/// A reservation or walk-in: a Python reservation, or a Python guest.
#[derive(Debug, Clone, PartialEq)]
pub struct Visit {
    pub id: Uuid,
    pub entity: Entity,
    pub guest_name: String,
    pub party_size: i32,
    pub status: &'static str,
    pub reservation_time: source::Time,
    pub check_in_time: source::Time,
    pub seated_time: source::Time,
    pub finished_time: source::Time,
    pub table: Option<Uuid>,
    pub contact_info: Option<String>,
    pub notes: Option<String>,
    pub profile: Option<Uuid>,
    pub created_at: source::Time,
    pub updated_at: source::Time,
}

/// What a restaurant's transaction writes after the restaurant row itself.
#[derive(Debug, Clone)]
pub struct Plan {
    pub users: Vec<User>,
    pub tables: Vec<Table>,
    pub profiles: Vec<Profile>,
    pub visits: Vec<Visit>,
    pub activity: Vec<Entry>,
}

pub fn restaurant(source: &source::Restaurant, report: &mut RestaurantReport) -> Restaurant {
    report.counts(Entity::Restaurant).read += 1;
    let timezone = source.timezone.as_deref().map(str::trim).unwrap_or("UTC");
    let timezone = if validate::timezone("timezone", timezone).is_ok() {
        timezone.to_owned()
    } else {
        report.note(Entity::Restaurant, "unknown time zone, imported as UTC");
        "UTC".to_owned()
    };
    if source.is_active == Some(false) {
        report.note(
            Entity::Restaurant,
            "inactive in the source, imported all the same",
        );
    }
    let name = source.name.trim();
    Restaurant {
        id: stable_id(Kind::Restaurant, &source.id),
        name: rules::truncated(if name.is_empty() { &source.slug } else { name }, 200),
        slug: source.slug.trim().to_owned(),
        timezone,
        settings: match &source.settings {
            Some(settings @ Value::Object(_)) => settings.clone(),
            _ => Value::Object(Default::default()),
        },
    }
}

/// For each email (ignoring case), the old id of the user who keeps it:
/// QTable's emails are unique across the service, and the most recently
/// active of the Python service's users with one is the one who signs in.
pub fn email_owners(users: &[source::User]) -> HashMap<String, String> {
    let mut owners: HashMap<String, &source::User> = HashMap::new();
    for user in users {
        let key = user.email.trim().to_lowercase();
        let keep = owners
            .get(&key)
            .is_some_and(|o| (o.last_active, &o.id) > (user.last_active, &user.id));
        if !keep {
            owners.insert(key, user);
        }
    }
    owners
        .into_iter()
        .map(|(email, u)| (email, u.id.clone()))
        .collect()
}

pub fn build(
    rows: &RestaurantRows,
    email_owners: &HashMap<String, String>,
    region: &str,
    report: &mut RestaurantReport,
) -> Plan {
    let users = users(&rows.users, email_owners, report);
    let mut tables = floor::tables(&rows.tables, report);
    let grouping = profiles::group(
        &rows.restaurant.id,
        &rows.guests,
        &rows.reservations,
        region,
    );
    report.counts(Entity::GuestProfiles).read += grouping.profiles.len();
    let table_ids: HashMap<&str, Uuid> = rows
        .tables
        .iter()
        .map(|t| (t.id.as_str(), stable_id(Kind::Table, &t.id)))
        .collect();
    let mut visit_ids: HashMap<&str, Uuid> = HashMap::new();
    let mut visits = Vec::new();
    for (guest, profile) in rows.guests.iter().zip(&grouping.of_guest) {
        let visit = guest_visit(guest, *profile, &table_ids, report);
        visit_ids.insert(&guest.id, visit.id);
        visits.push(visit);
    }
    for (reservation, profile) in rows.reservations.iter().zip(&grouping.of_reservation) {
        let visit = reservation_visit(reservation, *profile, &table_ids, report);
        if visits.iter().any(|v: &Visit| v.id == visit.id) {
            report.skip(Entity::Reservations, "same id as a guest, skipped");
            continue;
        }
        visit_ids.entry(&reservation.id).or_insert(visit.id);
        visits.push(visit);
    }
    floor::seat(&mut tables, &rows.tables, &mut visits, &visit_ids, report);
    floor::unbook_doubles(&mut visits, report);
    Plan {
        users,
        tables,
        profiles: grouping.profiles,
        visits,
        activity: activity::entries(&rows.activity, report),
    }
}

fn users(
    source: &[source::User],
    email_owners: &HashMap<String, String>,
    report: &mut RestaurantReport,
) -> Vec<User> {
    report.counts(Entity::Users).read += source.len();
    let mut users = Vec::new();
    for user in source {
        let Ok(email) = validate::email("email", &user.email) else {
            report.skip(Entity::Users, "not a valid email address, skipped");
            continue;
        };
        if email_owners.get(&email) != Some(&user.id) {
            report.skip(
                Entity::Users,
                "email also held by a more recently active user, who was imported instead",
            );
            continue;
        }
        let (role, unknown) = rules::role(user.role.as_deref());
        if unknown {
            report.note(Entity::Users, "role missing or unknown, imported as staff");
        }
        let name =
            |part: &Option<String>| rules::truncated(part.as_deref().unwrap_or("").trim(), 100);
        users.push(User {
            id: stable_id(Kind::User, &user.id),
            email,
            password_hash: user.password_hash.clone(),
            first_name: name(&user.first_name),
            last_name: name(&user.last_name),
            role,
            active: user.is_active != Some(false),
            created_at: user.created_at,
        });
    }
    users
}

/// The visit's status; unknown ones wait, as a new Python guest did.
fn status(raw: Option<&str>, entity: Entity, report: &mut RestaurantReport) -> &'static str {
    rules::visit_status(raw).unwrap_or_else(|| {
        report.note(entity, "status missing or unknown, imported as waitlist");
        "waitlist"
    })
}

fn party_size(raw: Option<i32>, entity: Entity, report: &mut RestaurantReport) -> i32 {
    let (size, adjusted) = rules::one_to_99(raw);
    if adjusted {
        report.note(entity, "party size missing or outside 1..99, clamped");
    }
    size
}

fn contact_info(phone: Option<&str>, email: Option<&str>) -> Option<String> {
    [phone, email]
        .into_iter()
        .flatten()
        .map(str::trim)
        .find(|c| !c.is_empty())
        .map(str::to_owned)
}

fn guest_visit(
    guest: &source::Guest,
    profile: Uuid,
    tables: &HashMap<&str, Uuid>,
    report: &mut RestaurantReport,
) -> Visit {
    let entity = Entity::GuestVisits;
    report.counts(entity).read += 1;
    Visit {
        id: stable_id(Kind::Guest, &guest.id),
        entity,
        guest_name: rules::guest_name(guest.first_name.as_deref(), guest.last_name.as_deref()),
        party_size: party_size(guest.party_size, entity, report),
        status: status(guest.status.as_deref(), entity, report),
        reservation_time: guest.reservation_time,
        check_in_time: guest.check_in_time,
        seated_time: guest.seated_time,
        finished_time: guest.finished_time,
        table: guest
            .table_id
            .as_deref()
            .and_then(|t| tables.get(t).copied()),
        contact_info: contact_info(guest.phone.as_deref(), guest.email.as_deref()),
        notes: rules::notes(guest.notes.as_deref(), guest.special_requests.as_deref()),
        profile: Some(profile),
        created_at: guest.created_at,
        updated_at: guest.updated_at,
    }
}

fn reservation_visit(
    reservation: &source::Reservation,
    profile: Option<Uuid>,
    tables: &HashMap<&str, Uuid>,
    report: &mut RestaurantReport,
) -> Visit {
    let entity = Entity::Reservations;
    report.counts(entity).read += 1;
    Visit {
        id: stable_id(Kind::Reservation, &reservation.id),
        entity,
        guest_name: rules::guest_name(Some(&reservation.guest_name), None),
        party_size: party_size(Some(reservation.party_size), entity, report),
        status: status(reservation.status.as_deref(), entity, report),
        reservation_time: reservation.reservation_time,
        check_in_time: reservation.check_in_time,
        seated_time: reservation.seated_time,
        finished_time: reservation.finished_time,
        table: reservation
            .table_id
            .as_deref()
            .and_then(|t| tables.get(t).copied()),
        contact_info: contact_info(
            reservation.guest_phone.as_deref(),
            reservation.guest_email.as_deref(),
        ),
        notes: rules::notes(
            reservation.notes.as_deref(),
            reservation.special_requests.as_deref(),
        ),
        profile,
        created_at: reservation.created_at,
        updated_at: reservation.updated_at,
    }
}
