//! Shifts on the wire, and the rules a shift must keep.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    error::FieldError,
    event::EventKind,
    http::{Versioned, local::LocalTime, time::WireTime, validate},
    journal::Journaled,
};

/// The columns a `Shift` is read from.
macro_rules! shift_columns {
    () => {
        "id, name, days_of_week, start_time, last_seating_time, end_time, slot_minutes,
         covers_per_slot, online_covers_per_slot, min_notice_minutes, max_advance_days,
         created_at, updated_at, version"
    };
}
pub(crate) use shift_columns;

/// Slot lengths that divide an hour, so slots from a start on the hour keep to it.
pub const SLOT_MINUTES: [i32; 6] = [5, 10, 15, 20, 30, 60];

/// A service period that takes bookings: on `daysOfWeek`, a party may be
/// seated from `startTime` to `lastSeatingTime` inclusive, in slots of
/// `slotMinutes` counted from `startTime`. Times are local to the
/// restaurant. Seating never crosses midnight; `endTime` before `startTime`
/// means the shift ends after midnight, on the next day.
#[derive(Debug, Clone, Serialize, ToSchema, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct Shift {
    pub id: Uuid,
    pub name: String,
    /// ISO days, ascending: 1 is Monday, 7 is Sunday.
    pub days_of_week: Vec<i32>,
    pub start_time: LocalTime,
    pub last_seating_time: LocalTime,
    pub end_time: LocalTime,
    pub slot_minutes: i32,
    /// Covers that may be booked into one slot, by every channel.
    pub covers_per_slot: i32,
    /// Of those, covers guests may book online.
    pub online_covers_per_slot: i32,
    /// How far ahead of a slot an online booking must be made.
    pub min_notice_minutes: i32,
    /// How many days ahead online bookings open.
    pub max_advance_days: i32,
    pub created_at: WireTime,
    #[serde(rename = "lastUpdated")]
    pub updated_at: WireTime,
    #[serde(skip)]
    pub version: i32,
}

impl Shift {
    pub fn seating(&self) -> Seating<'_> {
        Seating {
            days: &self.days_of_week,
            first: self.start_time,
            last: self.last_seating_time,
        }
    }
}

impl Versioned for Shift {
    fn version(&self) -> i32 {
        self.version
    }
}

impl Journaled for Shift {
    const ENTITY: &'static str = "shift";
    const UPDATED: EventKind = EventKind::ShiftUpdate;
    const DELETED: EventKind = EventKind::ShiftDelete;
    fn id(&self) -> Uuid {
        self.id
    }
}

/// When a shift seats parties: its days, its first and its last seating.
#[derive(Debug, Clone, Copy)]
pub struct Seating<'a> {
    pub days: &'a [i32],
    pub first: LocalTime,
    pub last: LocalTime,
}

impl Seating<'_> {
    /// Whether both seat on some day at some same time (ends included):
    /// then a slot would belong to two shifts.
    pub fn overlaps(&self, other: &Seating) -> bool {
        self.days.iter().any(|day| other.days.contains(day))
            && self.first <= other.last
            && other.first <= self.last
    }
}

/// A shift as `POST` creates it and `PUT` replaces it whole (an omitted
/// field takes its default again).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ShiftInput {
    /// 1 to 100 characters, unique within the restaurant.
    #[serde(deserialize_with = "crate::http::validate::nfc::string")]
    pub name: String,
    /// ISO days (1 is Monday, 7 is Sunday), each once, in any order.
    #[serde(alias = "days_of_week")]
    pub days_of_week: Vec<i32>,
    #[serde(alias = "start_time")]
    pub start_time: LocalTime,
    /// Not before `startTime`.
    #[serde(alias = "last_seating_time")]
    pub last_seating_time: LocalTime,
    /// Not before `lastSeatingTime`, or before `startTime`: the shift ends
    /// after midnight.
    #[serde(alias = "end_time")]
    pub end_time: LocalTime,
    /// 5, 10, 15, 20, 30 or 60; 15 when omitted.
    #[serde(alias = "slot_minutes")]
    pub slot_minutes: Option<i32>,
    /// 0 to 10000.
    #[serde(alias = "covers_per_slot")]
    pub covers_per_slot: i32,
    /// 0 to `coversPerSlot`; `coversPerSlot` when omitted.
    #[serde(alias = "online_covers_per_slot")]
    pub online_covers_per_slot: Option<i32>,
    /// 0 to 43200 (30 days); 60 when omitted.
    #[serde(alias = "min_notice_minutes")]
    pub min_notice_minutes: Option<i32>,
    /// 0 to 730; 60 when omitted.
    #[serde(alias = "max_advance_days")]
    pub max_advance_days: Option<i32>,
}

/// A shift to store: defaults filled in, days ascending, every rule kept.
#[derive(Debug)]
pub struct Draft {
    pub name: String,
    pub days_of_week: Vec<i32>,
    pub start_time: LocalTime,
    pub last_seating_time: LocalTime,
    pub end_time: LocalTime,
    pub slot_minutes: i32,
    pub covers_per_slot: i32,
    pub online_covers_per_slot: i32,
    pub min_notice_minutes: i32,
    pub max_advance_days: i32,
}

impl Draft {
    pub fn seating(&self) -> Seating<'_> {
        Seating {
            days: &self.days_of_week,
            first: self.start_time,
            last: self.last_seating_time,
        }
    }
}

fn invalid(field: &str, msg: &str) -> FieldError {
    FieldError::body(field, msg, "value_error")
}

/// `value` when it lies in `0..=max` (`max` is `named` in the message).
fn up_to(field: &str, value: i32, max: i32, named: &str) -> Result<i32, FieldError> {
    if (0..=max).contains(&value) {
        Ok(value)
    } else {
        Err(invalid(field, &format!("must be between 0 and {named}")))
    }
}

/// The days ascending, each 1 to 7 and given once.
fn days(given: &[i32]) -> Result<Vec<i32>, FieldError> {
    let mut days = given.to_vec();
    days.sort_unstable();
    days.dedup();
    let each_once = days.len() == given.len();
    if days.is_empty() || !each_once || !days.iter().all(|day| (1..=7).contains(day)) {
        return Err(invalid(
            "daysOfWeek",
            "must list days 1 (Monday) to 7 (Sunday), each once",
        ));
    }
    Ok(days)
}

/// Seating within one day; the end after the last seating, or past midnight.
fn times(start: LocalTime, last: LocalTime, end: LocalTime) -> Result<(), FieldError> {
    if last < start {
        return Err(invalid("lastSeatingTime", "must not be before startTime"));
    }
    if end < last && end >= start {
        return Err(invalid(
            "endTime",
            "must not be before lastSeatingTime (before startTime, it is after midnight)",
        ));
    }
    Ok(())
}

impl ShiftInput {
    /// The shift to store, or the first rule it breaks.
    pub fn draft(&self) -> Result<Draft, FieldError> {
        let name = self.name.trim();
        validate::line("name", name, 1, 100)?;
        let days = days(&self.days_of_week)?;
        let (start, last, end) = (self.start_time, self.last_seating_time, self.end_time);
        times(start, last, end)?;
        let slot_minutes = self.slot_minutes.unwrap_or(15);
        if !SLOT_MINUTES.contains(&slot_minutes) {
            return Err(invalid("slotMinutes", "must be 5, 10, 15, 20, 30 or 60"));
        }
        let covers = up_to("coversPerSlot", self.covers_per_slot, 10_000, "10000")?;
        let online = self.online_covers_per_slot.unwrap_or(covers);
        let notice = self.min_notice_minutes.unwrap_or(60);
        let advance = self.max_advance_days.unwrap_or(60);
        Ok(Draft {
            name: name.to_owned(),
            days_of_week: days,
            start_time: start,
            last_seating_time: last,
            end_time: end,
            slot_minutes,
            covers_per_slot: covers,
            online_covers_per_slot: up_to("onlineCoversPerSlot", online, covers, "coversPerSlot")?,
            min_notice_minutes: up_to("minNoticeMinutes", notice, 43_200, "43200")?,
            max_advance_days: up_to("maxAdvanceDays", advance, 730, "730")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dinner() -> ShiftInput {
        serde_json::from_value(serde_json::json!({
            "name": " Dinner ", "daysOfWeek": [5, 1, 3], "startTime": "17:00",
            "lastSeatingTime": "21:30", "endTime": "23:00", "coversPerSlot": 20
        }))
        .unwrap()
    }

    fn at(text: &str) -> LocalTime {
        text.parse().unwrap()
    }

    #[test]
    fn omitted_fields_take_their_defaults_and_days_are_sorted() {
        let draft = dinner().draft().unwrap();
        assert_eq!(draft.name, "Dinner");
        assert_eq!(draft.days_of_week, [1, 3, 5]);
        assert_eq!((draft.slot_minutes, draft.online_covers_per_slot), (15, 20));
        assert_eq!((draft.min_notice_minutes, draft.max_advance_days), (60, 60));
    }

    #[test]
    fn each_broken_rule_names_its_field() {
        type Change = fn(&mut ShiftInput);
        let cases: [(Change, Option<&str>); 14] = [
            (|_| {}, None),
            (|s| s.end_time = at("01:00"), None),
            (|s| s.end_time = at("21:30"), None),
            (|s| s.name = "  ".into(), Some("name")),
            (|s| s.days_of_week = vec![], Some("daysOfWeek")),
            (|s| s.days_of_week = vec![1, 1], Some("daysOfWeek")),
            (|s| s.days_of_week = vec![0, 2], Some("daysOfWeek")),
            (|s| s.days_of_week = vec![8], Some("daysOfWeek")),
            (
                |s| s.last_seating_time = at("16:59"),
                Some("lastSeatingTime"),
            ),
            (|s| s.end_time = at("21:00"), Some("endTime")),
            (|s| s.slot_minutes = Some(25), Some("slotMinutes")),
            (|s| s.covers_per_slot = -1, Some("coversPerSlot")),
            (
                |s| s.online_covers_per_slot = Some(21),
                Some("onlineCoversPerSlot"),
            ),
            (|s| s.max_advance_days = Some(731), Some("maxAdvanceDays")),
        ];
        for (index, (change, field)) in cases.into_iter().enumerate() {
            let mut input = dinner();
            change(&mut input);
            let loc = input.draft().err().map(|e| e.loc[1].clone());
            assert_eq!(loc.as_deref(), field, "case {index}");
        }
    }

    #[test]
    fn seatings_overlap_when_they_share_a_day_and_a_moment() {
        let seating = |days: &'static [i32], first: &str, last: &str| Seating {
            days,
            first: at(first),
            last: at(last),
        };
        let lunch = seating(&[1, 2, 3], "11:30", "14:30");
        let cases = [
            (seating(&[3, 4], "14:00", "22:00"), true),
            (seating(&[2], "14:30", "22:00"), true),
            (seating(&[1], "09:00", "20:00"), true),
            (seating(&[1, 2, 3], "14:45", "22:00"), false),
            (seating(&[4, 5], "12:00", "13:00"), false),
        ];
        for (other, overlaps) in cases {
            assert_eq!(lunch.overlaps(&other), overlaps, "{other:?}");
            assert_eq!(other.overlaps(&lunch), overlaps, "{other:?} reversed");
        }
    }
}
