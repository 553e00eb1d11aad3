//! Who serves what, and where to seat the next party: pure functions of the
//! floor's snapshot and the day's assignments.

use std::collections::{HashMap, HashSet};

use uuid::Uuid;

use super::model::{Server, Suggestion};
use crate::floor::{
    quote::{Place, Plan},
    snapshot::Snapshot,
};

/// A section's server for the day, with their name.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Staffed {
    pub section: String,
    pub user_id: Uuid,
    pub first_name: String,
    pub last_name: String,
}

/// Each assigned server, by name, with their sections, tables, and the
/// parties and covers at those tables now and today (`covers_today`: the
/// day's seated guests by the section of each party's first table).
pub fn servers(
    staffed: &[Staffed],
    snapshot: &Snapshot,
    covers_today: &[(Option<String>, i64)],
) -> Vec<Server> {
    let mut by_user: Vec<(&Staffed, Vec<String>)> = Vec::new();
    for assignment in staffed {
        match by_user
            .iter_mut()
            .find(|(s, _)| s.user_id == assignment.user_id)
        {
            Some((_, sections)) => sections.push(assignment.section.clone()),
            None => by_user.push((assignment, vec![assignment.section.clone()])),
        }
    }
    by_user
        .sort_by(|a, b| (&a.0.last_name, &a.0.first_name).cmp(&(&b.0.last_name, &b.0.first_name)));
    by_user
        .into_iter()
        .map(|(who, mut sections)| {
            sections.sort();
            let serves =
                |section: &Option<String>| section.as_ref().is_some_and(|s| sections.contains(s));
            let tables: Vec<usize> = (0..snapshot.labels.len())
                .filter(|&i| serves(&snapshot.labels[i].section))
                .collect();
            let mut guests = HashSet::new();
            let mut covers_now = 0;
            for &i in &tables {
                let seated = snapshot.floor.tables[i].seated;
                if let (Some(guest), Some((_, size))) = (snapshot.labels[i].guest_id, seated)
                    && guests.insert(guest)
                {
                    covers_now += i64::from(size);
                }
            }
            Server {
                user_id: who.user_id,
                first_name: who.first_name.clone(),
                last_name: who.last_name.clone(),
                table_ids: tables
                    .iter()
                    .map(|&i| snapshot.floor.tables[i].id)
                    .collect(),
                parties_seated_now: guests.len(),
                covers_now,
                covers_today: covers_today
                    .iter()
                    .filter(|(s, _)| serves(s))
                    .map(|c| c.1)
                    .sum(),
                sections,
            }
        })
        .collect()
}

/// The tables and combinations free now for a party of `party_size` (for
/// its whole turn, clear of upcoming reservations), best first: single
/// tables before combinations, the smallest that fits, tables that
/// combinations need kept for last, then the server with the fewest covers.
pub fn suggestions(snapshot: &Snapshot, servers: &[Server], party_size: i32) -> Vec<Suggestion> {
    let plan = Plan::new(&snapshot.floor);
    let combined: HashSet<usize> = plan
        .places
        .iter()
        .filter(|p| p.combination.is_some())
        .flat_map(|p| p.members.iter().copied())
        .collect();
    let server_of: HashMap<&str, &Server> = servers
        .iter()
        .flat_map(|s| s.sections.iter().map(move |section| (section.as_str(), s)))
        .collect();
    let free_now = |place: &Place| plan.start(place, party_size) == Some(snapshot.floor.now);
    let mut ranked: Vec<_> = plan
        .places
        .iter()
        .enumerate()
        .filter(|(_, place)| place.fits(party_size) && free_now(place))
        .map(|(index, place)| {
            let first = place.members[0];
            let section = snapshot.labels[first].section.as_deref();
            let server = section.and_then(|s| server_of.get(s).copied());
            let kept = place.combination.is_none() && combined.contains(&first);
            let covers = server.map_or(i64::MAX, |s| s.covers_now);
            let key = (
                place.combination.is_some(),
                place.capacity,
                kept,
                covers,
                index,
            );
            let (table_ids, combination_id) = snapshot.floor.ids_of(place);
            let suggestion = Suggestion {
                table_ids,
                combination_id,
                capacity: place.capacity,
                server_id: server.map(|s| s.user_id),
                reasons: reasons(snapshot, place, party_size, kept, server),
            };
            (key, suggestion)
        })
        .collect();
    ranked.sort_by_key(|(key, _)| *key);
    ranked
        .into_iter()
        .map(|(_, suggestion)| suggestion)
        .collect()
}

/// A suggestion's reasons, in the order the ranking weighs them.
fn reasons(
    snapshot: &Snapshot,
    place: &Place,
    party_size: i32,
    kept: bool,
    server: Option<&Server>,
) -> Vec<String> {
    let numbers: Vec<&str> = place
        .members
        .iter()
        .map(|&m| snapshot.labels[m].number.as_str())
        .collect();
    let mut reasons = vec![match place.combination {
        None => format!("a single table ({})", numbers[0]),
        Some(_) => format!("a combination of {}", numbers.join(" + ")),
    }];
    reasons.push(format!(
        "seats {} for a party of {party_size}",
        place.capacity
    ));
    if place.combination.is_none() {
        reasons.push(if kept {
            "part of a combination, so kept for last".to_owned()
        } else {
            "no combination needs it".to_owned()
        });
    }
    reasons.push(match server {
        Some(s) => format!(
            "{} {} has {} covers now",
            s.first_name, s.last_name, s.covers_now
        ),
        None => "no server is assigned to its section".to_owned(),
    });
    reasons
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::floor::{
        quote::{Floor, FloorCombination, FloorTable},
        snapshot::Label,
        turn_times::model::TurnTimes,
    };

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    /// Tables `(number, capacity, section, seated party size)`; ids 1, 2, ...
    fn snapshot(tables: &[(&str, i32, &str, Option<i32>)], combinations: &[&[u128]]) -> Snapshot {
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 19, 0, 0).unwrap();
        let floor = Floor {
            now,
            turn_times: TurnTimes::default(),
            tables: tables
                .iter()
                .enumerate()
                .map(|(i, &(_, capacity, _, seated))| FloorTable {
                    id: id(i as u128 + 1),
                    capacity,
                    seatable: true,
                    seated: seated.map(|size| (now, size)),
                })
                .collect(),
            combinations: combinations
                .iter()
                .enumerate()
                .map(|(c, members)| FloorCombination {
                    id: id(100 + c as u128),
                    table_ids: members.iter().copied().map(id).collect(),
                    min_capacity: 5,
                    max_capacity: 8,
                })
                .collect(),
            holds: vec![],
        };
        let labels = tables
            .iter()
            .enumerate()
            .map(|(i, &(number, _, section, seated))| Label {
                number: number.into(),
                section: Some(section.into()),
                guest_id: seated.map(|_| id(1000 + i as u128)),
            })
            .collect();
        Snapshot {
            floor,
            labels,
            queue: vec![],
        }
    }

    fn staffed(section: &str, user: u128, name: &str) -> Staffed {
        Staffed {
            section: section.into(),
            user_id: id(user),
            first_name: name.into(),
            last_name: "Lee".into(),
        }
    }

    #[test]
    fn servers_count_the_parties_and_covers_of_their_sections() {
        let floor = snapshot(
            &[
                ("A1", 4, "Main", Some(3)),
                ("A2", 4, "Main", Some(2)),
                ("P1", 2, "Patio", Some(2)),
            ],
            &[],
        );
        let staff = [
            staffed("Patio", 8, "Bo"),
            staffed("Main", 7, "Al"),
            staffed("Bar", 7, "Al"),
        ];
        let today = [
            (Some("Main".to_owned()), 11),
            (Some("Patio".to_owned()), 4),
            (None, 9),
        ];

        let servers = servers(&staff, &floor, &today);

        let summary: Vec<(&str, Vec<&str>, usize, i64, i64)> = servers
            .iter()
            .map(|s| {
                let sections = s.sections.iter().map(String::as_str).collect();
                (
                    s.first_name.as_str(),
                    sections,
                    s.parties_seated_now,
                    s.covers_now,
                    s.covers_today,
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("Al", vec!["Bar", "Main"], 2, 5, 11),
                ("Bo", vec!["Patio"], 1, 2, 4)
            ]
        );
        assert_eq!(servers[0].table_ids, [id(1), id(2)]);
    }

    /// Tables `(number, capacity, section, seated party)`.
    type Tables = &'static [(&'static str, i32, &'static str, Option<i32>)];
    /// A name, the floor and its combinations, the party, the ranking expected.
    type Case = (
        &'static str,
        Tables,
        &'static [&'static [u128]],
        i32,
        Vec<Vec<u128>>,
    );

    #[test]
    fn suggestions_rank_singles_then_the_smallest_then_spare_tables_then_the_quieter_server() {
        let cases: [Case; 4] = [
            (
                "the smallest single first",
                &[("A1", 6, "Main", None), ("A2", 2, "Main", None)],
                &[],
                2,
                vec![vec![2], vec![1]],
            ),
            (
                "busy tables are not offered",
                &[("A1", 4, "Main", Some(2)), ("A2", 4, "Main", None)],
                &[],
                2,
                vec![vec![2]],
            ),
            (
                "a combination's member goes last",
                &[
                    ("A1", 4, "Main", None),
                    ("A2", 4, "Main", None),
                    ("A3", 4, "Main", None),
                ],
                &[&[1, 2]],
                4,
                vec![vec![3], vec![1], vec![2]],
            ),
            (
                "the quieter server wins a tie",
                &[
                    ("A1", 4, "Main", None),
                    ("P1", 4, "Patio", None),
                    ("P2", 4, "Patio", Some(4)),
                ],
                &[],
                2,
                vec![vec![1], vec![2]],
            ),
        ];
        for (name, tables, combinations, party, expected) in cases {
            let floor = snapshot(tables, combinations);
            let staff = [staffed("Main", 7, "Al"), staffed("Patio", 8, "Bo")];
            let servers = servers(&staff, &floor, &[]);
            let ranked: Vec<Vec<Uuid>> = suggestions(&floor, &servers, party)
                .into_iter()
                .map(|s| s.table_ids)
                .collect();
            let expected: Vec<Vec<Uuid>> = expected
                .into_iter()
                .map(|t| t.into_iter().map(id).collect())
                .collect();
            assert_eq!(ranked, expected, "{name}");
        }
    }

    #[test]
    fn a_party_too_big_for_any_table_is_offered_free_combinations_with_reasons() {
        let floor = snapshot(
            &[("A1", 4, "Main", None), ("A2", 4, "Main", None)],
            &[&[1, 2]],
        );
        let servers = servers(&[staffed("Main", 7, "Al")], &floor, &[]);

        let offered = suggestions(&floor, &servers, 6);

        assert_eq!(offered.len(), 1);
        assert_eq!(offered[0].combination_id, Some(id(100)));
        assert_eq!(
            offered[0].reasons,
            [
                "a combination of A1 + A2",
                "seats 8 for a party of 6",
                "Al Lee has 0 covers now"
            ]
        );
    }
}
