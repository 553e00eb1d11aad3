//! Availability as a pure function of one day's book. A slot is a start time
//! every `slotMinutes` from a shift's start to its last seating (local times
//! made instants in the restaurant's zone: a time a DST change skips has no
//! slot, one it repeats has its first). A party can book a slot when the day
//! is open, the slot is inside the notice and advance window (online only),
//! the covers starting in it leave room for the party (online bookings also
//! under their own cap), and a table or combination that fits the party is
//! free for its whole turn: clear of every table block (booked reservations
//! and live holds), of parties seated now, and of the reservations without a
//! table, which are first placed greedily (in time order, each on the
//! smallest fitting free table) so that they are never sold twice.

use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::floor::{
    quote::{FloorCombination, OVERDUE_GRACE},
    turn_times::model::TurnTimes,
};

/// A shift's booking rules, for a day it runs.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShiftRule {
    pub start_time: NaiveTime,
    pub last_seating_time: NaiveTime,
    pub slot_minutes: i32,
    pub covers_per_slot: i32,
    pub online_covers_per_slot: i32,
    pub min_notice_minutes: i32,
    pub max_advance_days: i32,
}

/// A table that can be sold (not out of service), in natural order.
#[derive(Debug, Clone, Deserialize)]
pub struct DayTable {
    pub id: Uuid,
    pub capacity: i32,
}

/// A table taken for a time: a block, or the party seated there now.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Busy {
    pub table_id: Uuid,
    pub from: DateTime<Utc>,
    pub until: DateTime<Utc>,
}

/// Covers booked to start at `at`: a reservation or a live hold.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Booked {
    pub at: DateTime<Utc>,
    pub party_size: i32,
    pub online: bool,
    /// Open with no table: it needs one of the day's free tables.
    pub unplaced: bool,
}

/// One day's book, as the engine sees it.
#[derive(Debug, Clone)]
pub struct Day {
    pub date: NaiveDate,
    pub zone: Tz,
    pub now: DateTime<Utc>,
    /// The restaurant's own date now.
    pub today: NaiveDate,
    pub closed: bool,
    /// The shifts that run on this day's weekday, by start.
    pub shifts: Vec<ShiftRule>,
    pub turn_times: TurnTimes,
    pub tables: Vec<DayTable>,
    pub combinations: Vec<FloorCombination>,
    pub busy: Vec<Busy>,
    pub booked: Vec<Booked>,
}

/// Who books: a guest online, or staff (who may be let past pacing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Online,
    Staff { override_pacing: bool },
}

/// Why a slot cannot be booked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Unavailable {
    /// The restaurant is closed that day.
    Closed,
    /// Inside the shift's minimum notice (or past).
    TooSoon,
    /// Beyond the shift's advance window.
    TooFar,
    /// The slot's covers are booked up.
    Pacing,
    /// No fitting table or combination is free for the whole turn.
    NoTable,
}

/// A slot, and where the party would sit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub time: DateTime<Utc>,
    pub local_time: NaiveTime,
    pub table_ids: Vec<Uuid>,
    pub combination_id: Option<Uuid>,
    pub reason: Option<Unavailable>,
}

impl Slot {
    pub fn available(&self) -> bool {
        self.reason.is_none()
    }
}

impl Day {
    /// The turn of a party of `party_size` starting at `at`.
    pub fn turn(&self, at: DateTime<Utc>, party_size: i32) -> (i64, i64) {
        let minutes = i64::from(self.turn_times.minutes_for(party_size));
        (at.timestamp(), at.timestamp() + minutes * 60)
    }

    /// Whether guests may book this day: from today to the furthest advance
    /// window of its shifts (a day without shifts has nothing to refuse).
    pub fn in_window(&self) -> bool {
        let furthest = self.shifts.iter().map(|s| s.max_advance_days).max();
        furthest.is_none_or(|days| {
            self.date >= self.today && self.date <= self.today + Duration::days(i64::from(days))
        })
    }

    /// Whether some table or combination could ever seat the party.
    pub fn fits_anywhere(&self, party_size: i32) -> bool {
        Places::of(self).all.iter().any(|p| p.fits(party_size))
    }

    /// Every slot of the day for a party, in time order.
    pub fn slots(&self, party_size: i32, channel: Channel) -> Vec<Slot> {
        let mut floor = Places::of(self);
        floor.place_unplaced(self, None);
        self.starts()
            .into_iter()
            .map(|(shift, time, local_time)| {
                self.judge(&floor, shift, time, local_time, party_size, channel)
            })
            .collect()
    }

    /// The slot starting exactly at `time`, if there is one.
    pub fn slot_at(&self, time: DateTime<Utc>, party_size: i32, channel: Channel) -> Option<Slot> {
        let (shift, time, local_time) = self.starts().into_iter().find(|(_, t, _)| *t == time)?;
        let mut floor = Places::of(self);
        floor.place_unplaced(self, None);
        Some(self.judge(&floor, shift, time, local_time, party_size, channel))
    }

    /// Whether a party at `time` would pass its slot's pacing (false when
    /// `time` is on no slot: staff may book between them).
    pub fn paced_out(&self, time: DateTime<Utc>, party_size: i32, channel: Channel) -> bool {
        let Some((shift, ..)) = self.starts().into_iter().find(|(_, t, _)| *t == time) else {
            return false;
        };
        self.over_pacing(&self.shifts[shift], time, party_size, channel)
    }

    /// Whether a staff booking of `party_size` at `time`, on `tables` (none:
    /// it needs one) leaves every reservation without a table placeable.
    pub fn admits(&self, time: DateTime<Utc>, party_size: i32, tables: &[Uuid]) -> bool {
        let unplaced_before = Places::of(self).place_unplaced(self, None);
        let mut with_new = Places::of(self);
        let (from, until) = self.turn(time, party_size);
        let new = Booked {
            at: time,
            party_size,
            online: false,
            unplaced: true,
        };
        for table in tables {
            with_new.mark(*table, from, until);
        }
        let extra = tables.is_empty().then_some(&new);
        with_new.place_unplaced(self, extra) <= unplaced_before
    }

    /// The day's slot starts: (shift, instant, local time), by instant, once each.
    fn starts(&self) -> Vec<(usize, DateTime<Utc>, NaiveTime)> {
        let mut starts = Vec::new();
        for (index, shift) in self.shifts.iter().enumerate() {
            let step = Duration::minutes(i64::from(shift.slot_minutes.max(1)));
            let mut local = self.date.and_time(shift.start_time);
            let last = self.date.and_time(shift.last_seating_time);
            while local <= last {
                let instant = match self.zone.from_local_datetime(&local) {
                    LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => Some(at),
                    LocalResult::None => None,
                };
                if let Some(at) = instant {
                    starts.push((index, at.with_timezone(&Utc), local.time()));
                }
                local += step;
            }
        }
        starts.sort_by_key(|(_, at, _)| *at);
        starts.dedup_by_key(|(_, at, _)| *at);
        starts
    }

    fn judge(
        &self,
        floor: &Places,
        shift: usize,
        time: DateTime<Utc>,
        local_time: NaiveTime,
        party_size: i32,
        channel: Channel,
    ) -> Slot {
        let (from, until) = self.turn(time, party_size);
        let place = floor.find(party_size, from, until);
        let reason = self
            .refusal(shift, time, party_size, channel)
            .or(place.is_none().then_some(Unavailable::NoTable));
        let (table_ids, combination_id) = place
            .filter(|_| reason.is_none())
            .map(|p| {
                (
                    p.members.iter().map(|&m| floor.tables[m]).collect(),
                    p.combination,
                )
            })
            .unwrap_or_default();
        Slot {
            time,
            local_time,
            table_ids,
            combination_id,
            reason,
        }
    }

    /// Why the slot is refused before any table is looked at.
    fn refusal(
        &self,
        shift: usize,
        time: DateTime<Utc>,
        party_size: i32,
        channel: Channel,
    ) -> Option<Unavailable> {
        let rule = &self.shifts[shift];
        if self.closed {
            return Some(Unavailable::Closed);
        }
        if channel == Channel::Online {
            if time < self.now + Duration::minutes(i64::from(rule.min_notice_minutes)) {
                return Some(Unavailable::TooSoon);
            }
            if self.date > self.today + Duration::days(i64::from(rule.max_advance_days)) {
                return Some(Unavailable::TooFar);
            }
        }
        self.over_pacing(rule, time, party_size, channel)
            .then_some(Unavailable::Pacing)
    }

    /// Whether the covers starting in the slot at `time`, with the party's,
    /// pass the shift's caps (online bookings also their own).
    fn over_pacing(
        &self,
        rule: &ShiftRule,
        time: DateTime<Utc>,
        party_size: i32,
        channel: Channel,
    ) -> bool {
        let ends = time + Duration::minutes(i64::from(rule.slot_minutes));
        let starting = self.booked.iter().filter(|b| b.at >= time && b.at < ends);
        let (covers, online) = starting.fold((0, 0), |(all, online), b| {
            (
                all + b.party_size,
                online + if b.online { b.party_size } else { 0 },
            )
        });
        match channel {
            Channel::Online => {
                covers + party_size > rule.covers_per_slot
                    || online + party_size > rule.online_covers_per_slot
            }
            Channel::Staff { override_pacing } => {
                !override_pacing && covers + party_size > rule.covers_per_slot
            }
        }
    }
}

/// One place a party can sit: a table, or a combination's members.
#[derive(Debug, Clone)]
struct Place {
    members: Vec<usize>,
    combination: Option<Uuid>,
    min_capacity: i32,
    capacity: i32,
}

impl Place {
    fn fits(&self, party_size: i32) -> bool {
        (self.min_capacity..=self.capacity).contains(&party_size)
    }
}

/// The day's tables with what takes them, as whole seconds, and every
/// place in the order a party is given one: single tables before
/// combinations, the smallest first, then the floor's order.
struct Places {
    tables: Vec<Uuid>,
    busy: Vec<Vec<(i64, i64)>>,
    all: Vec<Place>,
}

impl Places {
    fn of(day: &Day) -> Self {
        let tables: Vec<Uuid> = day.tables.iter().map(|t| t.id).collect();
        let index = |id: &Uuid| tables.iter().position(|t| t == id);
        let singles = day.tables.iter().enumerate().map(|(i, t)| Place {
            members: vec![i],
            combination: None,
            min_capacity: 1,
            capacity: t.capacity,
        });
        let combined = day.combinations.iter().filter_map(|c| {
            Some(Place {
                members: c.table_ids.iter().map(index).collect::<Option<_>>()?,
                combination: Some(c.id),
                min_capacity: c.min_capacity,
                capacity: c.max_capacity,
            })
        });
        let mut all: Vec<Place> = singles.chain(combined).collect();
        // Stable: equal places keep the floor's order.
        all.sort_by_key(|p| (p.combination.is_some(), p.capacity));
        let mut places = Self {
            busy: vec![Vec::new(); tables.len()],
            tables,
            all,
        };
        for busy in &day.busy {
            places.mark(busy.table_id, busy.from.timestamp(), busy.until.timestamp());
        }
        places
    }

    fn mark(&mut self, table: Uuid, from: i64, until: i64) {
        if let Some(i) = self.tables.iter().position(|t| *t == table) {
            self.busy[i].push((from, until));
        }
    }

    fn free(&self, place: &Place, from: i64, until: i64) -> bool {
        place.members.iter().all(|&m| {
            self.busy[m]
                .iter()
                .all(|&(taken, freed)| until <= taken || from >= freed)
        })
    }

    fn find(&self, party_size: i32, from: i64, until: i64) -> Option<&Place> {
        self.all
            .iter()
            .find(|p| p.fits(party_size) && self.free(p, from, until))
    }

    /// Places the day's reservations without a table (and `extra`), in
    /// time order; returns how many found no place.
    fn place_unplaced(&mut self, day: &Day, extra: Option<&Booked>) -> usize {
        let mut waiting: Vec<&Booked> = day.booked.iter().filter(|b| b.unplaced).collect();
        waiting.extend(extra);
        waiting.sort_by_key(|b| b.at);
        let mut missing = 0;
        for booked in waiting {
            let (from, until) = day.turn(booked.at, booked.party_size);
            match self.find(booked.party_size, from, until) {
                Some(place) => {
                    for m in place.members.clone() {
                        self.busy[m].push((from, until));
                    }
                }
                None => missing += 1,
            }
        }
        missing
    }
}

/// A party seated now keeps its tables until its turn is over (soon, if it
/// has outstayed it).
pub fn seated_until(
    now: DateTime<Utc>,
    since: DateTime<Utc>,
    turn_times: &TurnTimes,
    party_size: i32,
) -> DateTime<Utc> {
    let ends = since + Duration::minutes(i64::from(turn_times.minutes_for(party_size)));
    ends.max(now + OVERDUE_GRACE)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn time(clock: &str) -> NaiveTime {
        NaiveTime::parse_from_str(clock, "%H:%M").unwrap()
    }

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn dinner() -> ShiftRule {
        ShiftRule {
            start_time: time("18:00"),
            last_seating_time: time("20:00"),
            slot_minutes: 60,
            covers_per_slot: 10,
            online_covers_per_slot: 6,
            min_notice_minutes: 60,
            max_advance_days: 30,
        }
    }

    /// A UTC day with two tables of 2 and 4 seats, a week from "now".
    fn day() -> Day {
        let table = |n: u128, capacity| DayTable {
            id: Uuid::from_u128(n),
            capacity,
        };
        Day {
            date: "2026-12-08".parse().unwrap(),
            zone: chrono_tz::UTC,
            now: utc("2026-12-01T12:00:00Z"),
            today: "2026-12-01".parse().unwrap(),
            closed: false,
            shifts: vec![dinner()],
            turn_times: TurnTimes::default(),
            tables: vec![table(1, 2), table(2, 4)],
            combinations: Vec::new(),
            busy: Vec::new(),
            booked: Vec::new(),
        }
    }

    fn booked(at: &str, party_size: i32, unplaced: bool) -> Booked {
        Booked {
            at: utc(at),
            party_size,
            online: true,
            unplaced,
        }
    }

    #[test]
    fn a_party_gets_the_smallest_fitting_table() {
        let slots = day().slots(2, Channel::Online);
        assert_eq!(slots.len(), 3);
        assert_eq!(slots[0].table_ids, [Uuid::from_u128(1)]);
        assert_eq!(
            day().slots(3, Channel::Online)[0].table_ids,
            [Uuid::from_u128(2)]
        );
    }

    #[test]
    fn reservations_without_a_table_take_one_before_anything_is_sold() {
        let mut day = day();
        day.booked = vec![booked("2026-12-08T18:00:00Z", 4, true)];
        let slots = day.slots(
            3,
            Channel::Staff {
                override_pacing: false,
            },
        );
        // The 4-top is theirs from 18:00 for the 90-minute turn.
        assert_eq!(slots[0].reason, Some(Unavailable::NoTable));
        assert_eq!(slots[1].reason, Some(Unavailable::NoTable));
        assert_eq!(slots[2].reason, None);
        assert!(!day.admits(utc("2026-12-08T19:00:00Z"), 4, &[]));
        assert!(day.admits(utc("2026-12-08T19:00:00Z"), 2, &[]));
    }

    #[test]
    fn pacing_counts_covers_starting_in_the_slot_with_an_online_cap() {
        let mut day = day();
        day.tables.push(DayTable {
            id: Uuid::from_u128(3),
            capacity: 8,
        });
        day.booked = vec![booked("2026-12-08T18:30:00Z", 5, false)];
        assert_eq!(
            day.slots(2, Channel::Online)[0].reason,
            Some(Unavailable::Pacing)
        );
        let staff = Channel::Staff {
            override_pacing: false,
        };
        assert_eq!(day.slots(2, staff)[0].reason, None);
        assert!(day.paced_out(utc("2026-12-08T18:00:00Z"), 6, staff));
        let manager = Channel::Staff {
            override_pacing: true,
        };
        assert!(!day.paced_out(utc("2026-12-08T18:00:00Z"), 6, manager));
        assert_eq!(day.slots(2, Channel::Online)[1].reason, None);
    }

    #[test]
    fn the_window_runs_from_the_notice_to_the_advance_limit() {
        let mut day = day();
        day.date = day.today;
        day.now = utc("2026-12-01T17:30:00Z");
        assert_eq!(
            day.slots(2, Channel::Online)[0].reason,
            Some(Unavailable::TooSoon)
        );
        assert_eq!(day.slots(2, Channel::Online)[1].reason, None);
        day.date = "2027-01-01".parse().unwrap();
        assert!(!day.in_window());
        assert_eq!(
            day.slots(2, Channel::Online)[0].reason,
            Some(Unavailable::TooFar)
        );
    }

    #[test]
    fn a_repeated_local_time_has_one_slot_at_its_first_instant() {
        let mut day = day();
        day.zone = chrono_tz::America::New_York;
        day.date = "2026-11-01".parse().unwrap();
        day.shifts[0].start_time = time("00:30");
        day.shifts[0].last_seating_time = time("02:00");
        day.shifts[0].slot_minutes = 30;
        let times: Vec<_> = day
            .slots(
                2,
                Channel::Staff {
                    override_pacing: false,
                },
            )
            .iter()
            .map(|s| s.time)
            .collect();
        assert_eq!(
            times,
            [
                utc("2026-11-01T04:30:00Z"),
                utc("2026-11-01T05:00:00Z"),
                utc("2026-11-01T05:30:00Z"),
                utc("2026-11-01T07:00:00Z"),
            ]
        );
    }
}
