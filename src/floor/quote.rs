//! The wait estimate, as a pure function of the floor at one instant. Each
//! table frees at its party's seat time plus the turn time for that party's
//! size (now, if it is free; a party past its turn frees "soon", never in the
//! past). A table held by an upcoming reservation is not free from the
//! reservation's time until its turn is over, and a party is only seated
//! where it finishes before such a hold begins. The queue is then replayed in
//! order: each party takes the fitting table or combination that frees
//! first (ties: a single table before a combination, then the smallest, then
//! the natural order of the floor), which it then holds for its own turn.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::turn_times::model::TurnTimes;

/// When a seated party has outstayed its turn, its table is expected this
/// soon: the host is about to clear it, so quotes stay honest and positive.
pub const OVERDUE_GRACE: Duration = Duration::minutes(5);

/// A table as the estimate sees it.
#[derive(Debug, Clone)]
pub struct FloorTable {
    pub id: Uuid,
    pub capacity: i32,
    /// In service and not marked reserved by hand.
    pub seatable: bool,
    /// The party seated now: when it sat down, and its size.
    pub seated: Option<(DateTime<Utc>, i32)>,
}

#[derive(Debug, Clone, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FloorCombination {
    pub id: Uuid,
    pub table_ids: Vec<Uuid>,
    pub min_capacity: i32,
    pub max_capacity: i32,
}

/// An upcoming reservation assigned to tables.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Hold {
    pub table_ids: Vec<Uuid>,
    pub at: DateTime<Utc>,
    pub party_size: i32,
}

/// The floor at `now`; `tables` in natural order.
#[derive(Debug, Clone)]
pub struct Floor {
    pub now: DateTime<Utc>,
    pub turn_times: TurnTimes,
    pub tables: Vec<FloorTable>,
    pub combinations: Vec<FloorCombination>,
    pub holds: Vec<Hold>,
}

/// Where and when a party is expected to sit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    pub seat_at: DateTime<Utc>,
    pub table_ids: Vec<Uuid>,
    pub combination_id: Option<Uuid>,
}

/// One place a party can sit: a table, or a combination's members.
#[derive(Debug, Clone)]
pub struct Place {
    pub members: Vec<usize>,
    pub combination: Option<usize>,
    pub min_capacity: i32,
    pub capacity: i32,
}

impl Place {
    pub fn fits(&self, party_size: i32) -> bool {
        (self.min_capacity..=self.capacity).contains(&party_size)
    }
}

impl Floor {
    /// The ids of `place`'s tables, and of its combination if it is one.
    pub fn ids_of(&self, place: &Place) -> (Vec<Uuid>, Option<Uuid>) {
        let tables = place.members.iter().map(|&m| self.tables[m].id).collect();
        (tables, place.combination.map(|c| self.combinations[c].id))
    }
}

/// The floor being replayed: when each table frees, and what holds it.
/// Times are whole seconds after `now`: the replay compares and adds them
/// thousands of times per quote, which calendar arithmetic makes slow.
pub struct Plan<'a> {
    pub floor: &'a Floor,
    /// `None` for a table no party can be given.
    free_at: Vec<Option<i64>>,
    /// Per table, the `[from, until)` of each reservation holding it.
    holds: Vec<Vec<(i64, i64)>>,
    pub places: Vec<Place>,
}

impl<'a> Plan<'a> {
    pub fn new(floor: &'a Floor) -> Self {
        let index = |id: &Uuid| floor.tables.iter().position(|t| t.id == *id);
        let after_now = |at: DateTime<Utc>| (at - floor.now).num_seconds();
        let turn = |party_size| turn_seconds(&floor.turn_times, party_size);
        let free_at = floor
            .tables
            .iter()
            .map(|table| {
                table.seatable.then(|| match table.seated {
                    Some((since, size)) => {
                        (after_now(since) + turn(size)).max(OVERDUE_GRACE.num_seconds())
                    }
                    None => 0,
                })
            })
            .collect();
        let mut holds = vec![Vec::new(); floor.tables.len()];
        for hold in &floor.holds {
            let from = after_now(hold.at);
            for table in hold.table_ids.iter().filter_map(index) {
                holds[table].push((from, from + turn(hold.party_size)));
            }
        }
        let singles = floor.tables.iter().enumerate().map(|(i, table)| Place {
            members: vec![i],
            combination: None,
            min_capacity: 1,
            capacity: table.capacity,
        });
        let combined = floor
            .combinations
            .iter()
            .enumerate()
            .filter_map(|(c, combination)| {
                let members: Option<Vec<usize>> = combination.table_ids.iter().map(index).collect();
                Some(Place {
                    members: members?,
                    combination: Some(c),
                    min_capacity: combination.min_capacity,
                    capacity: combination.max_capacity,
                })
            });
        let places = singles.chain(combined).collect();
        Self {
            floor,
            free_at,
            holds,
            places,
        }
    }

    /// The earliest time a party of `party_size` can sit at `place` for a
    /// whole turn, clear of every hold; `None` if a member is not seatable.
    pub fn start(&self, place: &Place, party_size: i32) -> Option<DateTime<Utc>> {
        let turn = turn_seconds(&self.floor.turn_times, party_size);
        let start = self.clear_of_holds(place, self.frees_at(place)?, turn);
        Some(self.floor.now + Duration::seconds(start))
    }

    /// When the last member of `place` frees.
    fn frees_at(&self, place: &Place) -> Option<i64> {
        place
            .members
            .iter()
            .try_fold(0, |latest, &m| self.free_at[m].map(|f| f.max(latest)))
    }

    /// The earliest start from `start` on at which a turn of `turn` seconds
    /// at `place` overlaps no hold.
    fn clear_of_holds(&self, place: &Place, mut start: i64, turn: i64) -> i64 {
        // Each push moves the start past one hold, so this ends.
        while let Some(&(_, until)) = place
            .members
            .iter()
            .flat_map(|&m| &self.holds[m])
            .find(|&&(from, until)| start < until && start + turn > from)
        {
            start = until;
        }
        start
    }

    /// The fitting place that frees first, with its start: ties go to a
    /// single table, then the smallest, then the first.
    fn best(&self, party_size: i32, turn: i64) -> Option<(usize, i64)> {
        // (start, a combination?, capacity, index): the lowest wins.
        let mut best: Option<(i64, bool, i32, usize)> = None;
        for (i, place) in self.places.iter().enumerate() {
            if !place.fits(party_size) {
                continue;
            }
            let Some(frees) = self.frees_at(place) else {
                continue;
            };
            // Holds only push a start later: a place freeing after the best cannot win.
            if best.is_some_and(|key| frees > key.0) {
                continue;
            }
            let start = self.clear_of_holds(place, frees, turn);
            let key = (start, place.combination.is_some(), place.capacity, i);
            if best.is_none_or(|best| key < best) {
                best = Some(key);
            }
        }
        best.map(|(start, _, _, place)| (place, start))
    }

    /// The party takes `place` from `start` for its turn.
    fn seat(&mut self, place: usize, start: i64, turn: i64) -> Expected {
        let place = &self.places[place];
        for &member in &place.members {
            self.free_at[member] = Some(start + turn);
        }
        let (table_ids, combination_id) = self.floor.ids_of(place);
        Expected {
            seat_at: self.floor.now + Duration::seconds(start),
            table_ids,
            combination_id,
        }
    }
}

fn turn_seconds(turn_times: &TurnTimes, party_size: i32) -> i64 {
    i64::from(turn_times.minutes_for(party_size)) * 60
}

/// Replays the queue (party sizes, in order): where and when each party is
/// expected to sit, or `None` when nothing on the floor fits it.
pub fn replay(floor: &Floor, queue: impl IntoIterator<Item = i32>) -> Vec<Option<Expected>> {
    let mut plan = Plan::new(floor);
    queue
        .into_iter()
        .map(|party_size| {
            let turn = turn_seconds(&floor.turn_times, party_size);
            let (place, start) = plan.best(party_size, turn)?;
            Some(plan.seat(place, start, turn))
        })
        .collect()
}

/// Whole minutes from `now` until `at`, rounded up: a host quotes a wait
/// they can keep.
pub fn minutes_until(now: DateTime<Utc>, at: DateTime<Utc>) -> i32 {
    let seconds = (at - now).num_seconds().max(0);
    i32::try_from((seconds + 59) / 60).unwrap_or(i32::MAX)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::floor::turn_times::model::TurnBand;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 19, 0, 0).unwrap()
    }

    fn minutes(m: i64) -> DateTime<Utc> {
        now() + Duration::minutes(m)
    }

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    /// Table `n` seating `capacity`, free, or seated `ago` minutes ago by a party of `size`.
    fn table(n: u128, capacity: i32, seated: Option<(i64, i32)>) -> FloorTable {
        FloorTable {
            id: id(n),
            capacity,
            seatable: true,
            seated: seated.map(|(ago, size)| (minutes(-ago), size)),
        }
    }

    /// 60 minutes for parties up to 4, 90 beyond.
    fn floor(tables: Vec<FloorTable>) -> Floor {
        Floor {
            now: now(),
            turn_times: TurnTimes {
                default_minutes: 90,
                by_party_size: vec![TurnBand {
                    max_party_size: 4,
                    minutes: 60,
                }],
                ..TurnTimes::default()
            },
            tables,
            combinations: vec![],
            holds: vec![],
        }
    }

    fn with_combination(mut floor: Floor, members: &[u128], min: i32, max: i32) -> Floor {
        floor.combinations.push(FloorCombination {
            id: id(100 + floor.combinations.len() as u128),
            table_ids: members.iter().copied().map(id).collect(),
            min_capacity: min,
            max_capacity: max,
        });
        floor
    }

    fn with_hold(mut floor: Floor, table: u128, in_minutes: i64, party_size: i32) -> Floor {
        floor.holds.push(Hold {
            table_ids: vec![id(table)],
            at: minutes(in_minutes),
            party_size,
        });
        floor
    }

    fn out_of_service(mut floor: Floor, table: usize) -> Floor {
        floor.tables[table].seatable = false;
        floor
    }

    /// A name, the floor, the queue's party sizes, and the waits expected.
    type Case = (&'static str, Floor, Vec<i32>, Vec<Option<i32>>);

    /// The floors of the table below: each named case, its queue and its waits.
    fn cases() -> Vec<Case> {
        let two_busy_fours = || floor(vec![table(1, 4, Some((0, 4))), table(2, 4, Some((0, 4)))]);
        let pair = || vec![table(1, 4, None), table(2, 4, None)];
        vec![
            (
                "no table fits",
                floor(vec![table(1, 2, None)]),
                vec![3],
                vec![None],
            ),
            (
                "all free",
                floor(pair()),
                vec![2, 4],
                vec![Some(0), Some(0)],
            ),
            (
                "all busy, queue of three",
                two_busy_fours(),
                vec![4, 4, 4],
                vec![Some(60), Some(60), Some(120)],
            ),
            (
                "half-way through their turn",
                floor(vec![table(1, 4, Some((30, 2)))]),
                vec![2],
                vec![Some(30)],
            ),
            (
                "an overdue party frees soon",
                floor(vec![table(1, 4, Some((80, 2)))]),
                vec![2],
                vec![Some(5)],
            ),
            (
                "the table that frees first",
                floor(vec![table(1, 4, Some((10, 4))), table(2, 4, Some((40, 4)))]),
                vec![4],
                vec![Some(20)],
            ),
            (
                "out of service never frees",
                out_of_service(floor(pair()), 0),
                vec![2, 2],
                vec![Some(0), Some(60)],
            ),
            (
                "a party too big for one table takes a combination",
                with_combination(floor(pair()), &[1, 2], 5, 8),
                vec![6],
                vec![Some(0)],
            ),
            (
                "a combination waits for its last member",
                with_combination(
                    floor(vec![table(1, 4, None), table(2, 4, Some((20, 4)))]),
                    &[1, 2],
                    5,
                    8,
                ),
                vec![6],
                vec![Some(40)],
            ),
            (
                "a small party does not take a combination",
                with_combination(
                    floor(vec![table(1, 4, Some((0, 4))), table(2, 4, Some((0, 4)))]),
                    &[1, 2],
                    5,
                    8,
                ),
                vec![2],
                vec![Some(60)],
            ),
            (
                "a reservation arriving holds its table",
                with_hold(floor(vec![table(1, 4, None)]), 1, 30, 4),
                vec![2],
                vec![Some(90)],
            ),
            (
                "a party that finishes before the reservation sits now",
                with_hold(floor(vec![table(1, 4, None)]), 1, 60, 4),
                vec![2],
                vec![Some(0)],
            ),
            (
                "the other table takes the party instead",
                with_hold(
                    floor(vec![table(1, 4, None), table(2, 4, Some((30, 4)))]),
                    1,
                    30,
                    4,
                ),
                vec![2],
                vec![Some(30)],
            ),
        ]
    }

    #[test]
    fn the_queue_replays_into_the_expected_waits() {
        for (name, floor, queue, expected) in cases() {
            let waits: Vec<Option<i32>> = replay(&floor, queue)
                .into_iter()
                .map(|e| e.map(|e| minutes_until(now(), e.seat_at)))
                .collect();
            assert_eq!(waits, expected, "{name}");
        }
    }

    #[test]
    fn ties_go_to_a_single_table_then_the_smallest_then_the_first() {
        let floor = with_combination(
            floor(vec![
                table(1, 6, None),
                table(2, 2, None),
                table(3, 2, None),
            ]),
            &[2, 3],
            2,
            4,
        );
        let expected = replay(&floor, [2, 2, 2, 4, 4]);
        let tables: Vec<Vec<Uuid>> = expected.into_iter().map(|e| e.unwrap().table_ids).collect();
        // The fourth party: the six-top and the pair both free in 60 minutes.
        let (six, pair) = (vec![id(1)], vec![id(2), id(3)]);
        assert_eq!(tables, [vec![id(2)], vec![id(3)], six.clone(), six, pair]);
    }

    #[test]
    fn waits_round_up_to_whole_minutes_and_never_go_negative() {
        assert_eq!(minutes_until(now(), now()), 0);
        assert_eq!(minutes_until(now(), now() + Duration::seconds(61)), 2);
        assert_eq!(minutes_until(now(), now() - Duration::minutes(3)), 0);
    }
}
