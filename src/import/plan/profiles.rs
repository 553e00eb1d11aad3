//! Guests into guest profiles. A Python guest is one visit of one person,
//! so a regular has many rows: rows of a restaurant that share a phone
//! number or an email (read as the API reads a visit's contact) are one
//! person, transitively. Every guest row belongs to a profile (its own when
//! it shares nothing); a reservation belongs to its guest's profile, else to
//! one its contact matches or makes, as a reservation made through the API.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::super::{
    ids::{Kind, stable_id},
    rules::truncated,
    source::{Guest, Reservation},
};
use crate::guest_profiles::{contact::Contact, model::split_name};

#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub dietary_restrictions: Vec<String>,
    /// The largest `total_visits` among its guest rows: visits before the import.
    pub prior_visits: i32,
    pub created_at: Option<DateTime<Utc>>,
}

/// The profiles, and which profile each guest and each reservation belongs to.
pub struct Grouping {
    pub profiles: Vec<Profile>,
    pub of_guest: Vec<Uuid>,
    pub of_reservation: Vec<Option<Uuid>>,
}

/// One source row as the grouping sees it.
struct Row<'a> {
    old_id: String,
    phone: Option<String>,
    email: Option<String>,
    names: (String, String),
    guest: Option<&'a Guest>,
    updated: Option<DateTime<Utc>>,
    created: Option<DateTime<Utc>>,
}

fn contact(text: Option<&str>, region: &str) -> Option<Contact> {
    text.and_then(|text| Contact::recognise(text, region))
}

fn phone_and_email(
    phone: Option<&str>,
    email: Option<&str>,
    region: &str,
) -> (Option<String>, Option<String>) {
    let mut found = (None, None);
    for contact in [contact(phone, region), contact(email, region)]
        .into_iter()
        .flatten()
    {
        match contact {
            Contact::Phone(p) => found.0 = found.0.or(Some(p)),
            Contact::Email(e) => found.1 = found.1.or(Some(e)),
        }
    }
    found
}

fn guest_row<'a>(guest: &'a Guest, region: &str) -> Row<'a> {
    let (phone, email) = phone_and_email(guest.phone.as_deref(), guest.email.as_deref(), region);
    let name = |part: &Option<String>| truncated(part.as_deref().unwrap_or("").trim(), 100);
    Row {
        old_id: format!("guest:{}", guest.id),
        phone,
        email,
        names: (name(&guest.first_name), name(&guest.last_name)),
        guest: Some(guest),
        updated: guest.updated_at.or(guest.created_at),
        created: guest.created_at,
    }
}

fn reservation_row<'a>(reservation: &Reservation, region: &str) -> Row<'a> {
    let (phone, email) = phone_and_email(
        reservation.guest_phone.as_deref(),
        reservation.guest_email.as_deref(),
        region,
    );
    let (first, last) = split_name(&reservation.guest_name);
    Row {
        old_id: format!("reservation:{}", reservation.id),
        phone,
        email,
        names: (truncated(&first, 100), truncated(&last, 100)),
        guest: None,
        updated: reservation.updated_at.or(reservation.created_at),
        created: reservation.created_at,
    }
}

/// Union-find over row indices.
struct Groups(Vec<usize>);

impl Groups {
    fn root(&mut self, mut i: usize) -> usize {
        while self.0[i] != i {
            self.0[i] = self.0[self.0[i]];
            i = self.0[i];
        }
        i
    }

    /// Joins two groups under the earlier row, so a group is named after its first row.
    fn join(&mut self, a: usize, b: usize) {
        let (a, b) = (self.root(a), self.root(b));
        self.0[a.max(b)] = a.min(b);
    }
}

pub fn group(
    restaurant: &str,
    guests: &[Guest],
    reservations: &[Reservation],
    region: &str,
) -> Grouping {
    let mut rows: Vec<Row> = guests.iter().map(|g| guest_row(g, region)).collect();
    rows.extend(reservations.iter().map(|r| reservation_row(r, region)));
    let mut groups = Groups((0..rows.len()).collect());
    let guest_index: HashMap<&str, usize> = guests
        .iter()
        .enumerate()
        .map(|(i, g)| (g.id.as_str(), i))
        .collect();
    let mut first_with: HashMap<(bool, &str), usize> = HashMap::new();
    for (i, row) in rows.iter().enumerate() {
        let keys = [(true, row.phone.as_deref()), (false, row.email.as_deref())];
        for key in keys.into_iter().filter_map(|(p, k)| k.map(|k| (p, k))) {
            let first = *first_with.entry(key).or_insert(i);
            groups.join(first, i);
        }
    }
    for (i, reservation) in reservations.iter().enumerate() {
        let linked = reservation
            .guest_id
            .as_deref()
            .and_then(|g| guest_index.get(g));
        if let Some(&guest) = linked {
            groups.join(guest, guests.len() + i);
        }
    }
    profiles_of(restaurant, &rows, &mut groups, guests.len())
}

/// A profile for each group with a guest row or a contact; the rest link none.
fn profiles_of(restaurant: &str, rows: &[Row], groups: &mut Groups, guests: usize) -> Grouping {
    let mut members: HashMap<usize, Vec<usize>> = HashMap::new();
    for i in 0..rows.len() {
        let root = groups.root(i);
        members.entry(root).or_default().push(i);
    }
    let mut roots: Vec<usize> = members.keys().copied().collect();
    roots.sort_unstable();
    let mut profile_of = vec![None; rows.len()];
    let mut profiles = Vec::new();
    for root in roots {
        let group: Vec<&Row> = members[&root].iter().map(|&i| &rows[i]).collect();
        if group
            .iter()
            .all(|r| r.guest.is_none() && r.phone.is_none() && r.email.is_none())
        {
            continue;
        }
        let id = stable_id(
            Kind::Profile,
            &format!("{restaurant}:{}", rows[root].old_id),
        );
        for &i in &members[&root] {
            profile_of[i] = Some(id);
        }
        profiles.push(profile(id, &group));
    }
    let of_reservation = profile_of.split_off(guests);
    Grouping {
        profiles,
        of_guest: profile_of
            .into_iter()
            .map(|p| p.expect("every guest has a profile"))
            .collect(),
        of_reservation,
    }
}

/// Who the rows say the person is: names from the latest guest row (else
/// the latest reservation), each contact from the latest row that has one.
fn profile(id: Uuid, group: &[&Row]) -> Profile {
    let mut latest_first: Vec<&Row> = group.to_vec();
    latest_first.sort_by_key(|row| (row.guest.is_some(), row.updated));
    latest_first.reverse();
    let guests = || group.iter().filter_map(|row| row.guest);
    let mut dietary: Vec<String> = Vec::new();
    for restriction in guests().flat_map(|g| restrictions(g.dietary_restrictions.as_ref())) {
        if !dietary.contains(&restriction) {
            dietary.push(restriction);
        }
    }
    Profile {
        id,
        first_name: latest_first[0].names.0.clone(),
        last_name: latest_first[0].names.1.clone(),
        phone: latest_first.iter().find_map(|r| r.phone.clone()),
        email: latest_first.iter().find_map(|r| r.email.clone()),
        dietary_restrictions: dietary,
        prior_visits: guests()
            .filter_map(|g| g.total_visits)
            .max()
            .unwrap_or(0)
            .max(0),
        created_at: group.iter().filter_map(|row| row.created).min(),
    }
}

/// The strings of a JSON list (anything else holds none).
fn restrictions(value: Option<&serde_json::Value>) -> Vec<String> {
    let Some(serde_json::Value::Array(items)) = value else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| item.as_str())
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guest(id: &str, phone: Option<&str>, email: Option<&str>, visits: i32) -> Guest {
        Guest {
            id: id.into(),
            restaurant_id: "r".into(),
            first_name: Some(id.into()),
            last_name: None,
            email: email.map(Into::into),
            phone: phone.map(Into::into),
            party_size: Some(2),
            status: None,
            table_id: None,
            reservation_time: None,
            check_in_time: None,
            seated_time: None,
            finished_time: None,
            dietary_restrictions: None,
            special_requests: None,
            notes: None,
            total_visits: Some(visits),
            created_at: None,
            updated_at: None,
        }
    }

    #[test]
    fn rows_sharing_a_phone_or_an_email_are_one_person_transitively() {
        let guests = [
            guest("a", Some("(202) 555-0143"), None, 3),
            guest("b", Some("202-555-0143"), Some("Bob@X.test"), 5),
            guest("c", None, Some("bob@x.test"), 1),
            guest("d", Some("+1234567890"), None, 0),
            guest("e", Some("+1234567890"), None, 0),
        ];

        let grouping = group("r", &guests, &[], "US");

        assert_eq!(grouping.profiles.len(), 3, "{:?}", grouping.profiles);
        assert!(
            grouping.of_guest[..3]
                .iter()
                .all(|p| *p == grouping.of_guest[0])
        );
        // A number no region has is no identity: the placeholders stay apart.
        assert_ne!(grouping.of_guest[3], grouping.of_guest[4]);
        let bob = &grouping.profiles[0];
        assert_eq!(bob.prior_visits, 5);
        assert_eq!(
            (bob.phone.as_deref(), bob.email.as_deref()),
            (Some("+12025550143"), Some("bob@x.test"))
        );
    }
}
