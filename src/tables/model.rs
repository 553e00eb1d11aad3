//! Table wire types, exactly as the iOS app decodes them.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    error::FieldError,
    event::EventKind,
    http::{Versioned, time::WireTime, validate},
    journal::Journaled,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, sqlx::Type)]
#[serde(rename_all = "camelCase")]
#[sqlx(type_name = "table_status", rename_all = "camelCase")]
pub enum TableStatus {
    Available,
    Occupied,
    Reserved,
    OutOfService,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, sqlx::Type)]
#[serde(rename_all = "lowercase")]
#[sqlx(type_name = "table_shape", rename_all = "lowercase")]
pub enum TableShape {
    Round,
    Square,
    Rectangle,
    Oval,
}

/// Where the table sits on the floor plan, normalised to 0.0..=1.0 on both axes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema, sqlx::FromRow)]
pub struct Position {
    #[sqlx(rename = "position_x")]
    pub x: f64,
    #[sqlx(rename = "position_y")]
    pub y: f64,
}

impl Position {
    pub fn validate(&self) -> Result<(), FieldError> {
        for (axis, value) in [("x", self.x), ("y", self.y)] {
            if !(0.0..=1.0).contains(&value) {
                return Err(FieldError {
                    loc: vec!["body".into(), "position".into(), axis.into()],
                    msg: "must be between 0.0 and 1.0".into(),
                    kind: "value_error".into(),
                });
            }
        }
        Ok(())
    }
}

/// The columns a `Table` is read from, in every statement that returns one.
macro_rules! table_columns {
    () => {
        "id, table_number, capacity, status, position_x, position_y, shape, section, \
         current_guest_id, updated_at, created_at, version"
    };
}
pub(crate) use table_columns;

#[derive(Debug, Clone, Serialize, ToSchema, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct Table {
    pub id: Uuid,
    pub table_number: String,
    pub capacity: i32,
    pub status: TableStatus,
    #[sqlx(flatten)]
    pub position: Position,
    pub shape: TableShape,
    pub section: Option<String>,
    /// The reservation seated here, or null.
    pub current_guest_id: Option<Uuid>,
    #[serde(rename = "lastUpdated")]
    pub updated_at: WireTime,
    pub created_at: WireTime,
    #[serde(skip)]
    pub version: i32,
}

impl Versioned for Table {
    fn version(&self) -> i32 {
        self.version
    }
}

impl Journaled for Table {
    const ENTITY: &'static str = "table";
    const UPDATED: EventKind = EventKind::TableUpdate;
    const DELETED: EventKind = EventKind::TableDelete;
    fn id(&self) -> Uuid {
        self.id
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateTable {
    #[serde(
        alias = "table_number",
        deserialize_with = "crate::http::validate::nfc::string"
    )]
    pub table_number: String,
    pub capacity: i32,
    pub position: Option<Position>,
    pub shape: Option<TableShape>,
    #[serde(default, deserialize_with = "crate::http::validate::nfc::option")]
    pub section: Option<String>,
    pub status: Option<TableStatus>,
}

/// Any subset of fields. `status: "occupied"` with `currentGuestId` seats that
/// reservation here; `status: "available"` on an occupied table finishes its party.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdateTable {
    #[serde(
        alias = "table_number",
        default,
        deserialize_with = "crate::http::validate::nfc::option"
    )]
    pub table_number: Option<String>,
    pub capacity: Option<i32>,
    pub position: Option<Position>,
    pub shape: Option<TableShape>,
    #[serde(default, deserialize_with = "crate::http::validate::nfc::option")]
    pub section: Option<String>,
    pub status: Option<TableStatus>,
    #[serde(
        default,
        alias = "current_guest_id",
        deserialize_with = "crate::http::validate::blank::uuid"
    )]
    pub current_guest_id: Option<Uuid>,
    /// Seat a party larger than the table's capacity.
    #[serde(default, alias = "allow_over_capacity")]
    pub allow_over_capacity: bool,
}

impl UpdateTable {
    /// Fields only owners and managers may change: the floor plan itself.
    pub fn edits_floor_plan(&self) -> bool {
        self.table_number.is_some()
            || self.capacity.is_some()
            || self.position.is_some()
            || self.shape.is_some()
            || self.section.is_some()
    }
}

pub fn validate_table_number(value: &str) -> Result<(), FieldError> {
    validate::line("tableNumber", value, 1, 20)?;
    if value.trim() != value {
        return Err(FieldError::body(
            "tableNumber",
            "must not start or end with spaces",
            "value_error",
        ));
    }
    Ok(())
}

pub fn validate_capacity(value: i32) -> Result<(), FieldError> {
    if (1..=99).contains(&value) {
        Ok(())
    } else {
        Err(FieldError::body(
            "capacity",
            "must be between 1 and 99",
            "value_error",
        ))
    }
}

pub fn validate_section(value: &str) -> Result<(), FieldError> {
    validate::line("section", value, 0, 100)
}

/// Natural order: `A2` before `A10`, digits compared as numbers, letters
/// ignoring case (case breaks only an otherwise exact tie).
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    natural_cmp_ignoring_case(a.as_bytes(), b.as_bytes()).then_with(|| a.cmp(b))
}

fn natural_cmp_ignoring_case(mut a: &[u8], mut b: &[u8]) -> Ordering {
    loop {
        match (a.first(), b.first()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let (da, ra) = split_digits(a);
                let (db, rb) = split_digits(b);
                let (ta, tb) = (trim_zeros(da), trim_zeros(db));
                let order = ta
                    .len()
                    .cmp(&tb.len())
                    .then_with(|| ta.cmp(tb))
                    .then_with(|| da.len().cmp(&db.len()));
                if order != Ordering::Equal {
                    return order;
                }
                (a, b) = (ra, rb);
            }
            (Some(x), Some(y)) => {
                let order = x.to_ascii_lowercase().cmp(&y.to_ascii_lowercase());
                if order != Ordering::Equal {
                    return order;
                }
                (a, b) = (&a[1..], &b[1..]);
            }
        }
    }
}

fn split_digits(s: &[u8]) -> (&[u8], &[u8]) {
    let end = s
        .iter()
        .position(|c| !c.is_ascii_digit())
        .unwrap_or(s.len());
    s.split_at(end)
}

fn trim_zeros(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|&c| c != b'0').unwrap_or(s.len());
    &s[start..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order_compares_numbers_as_numbers() {
        let mut numbers = vec![
            "A10", "B1", "A2", "a3", "10", "9", "A02", "Patio 12", "Patio 2",
        ];
        numbers.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            numbers,
            [
                "9", "10", "A2", "A02", "a3", "A10", "B1", "Patio 2", "Patio 12"
            ]
        );
    }

    #[test]
    fn positions_outside_the_unit_square_are_rejected_not_clamped() {
        assert!(Position { x: 0.0, y: 1.0 }.validate().is_ok());
        let error = Position { x: 0.5, y: 1.01 }.validate().unwrap_err();
        assert_eq!(error.loc, ["body", "position", "y"]);
        assert!(Position { x: -0.1, y: 0.5 }.validate().is_err());
    }

    #[test]
    fn table_numbers_are_short_visible_text() {
        assert!(validate_table_number("A1").is_ok());
        assert!(validate_table_number("").is_err());
        assert!(validate_table_number(&"x".repeat(21)).is_err());
        assert!(validate_table_number(" A1").is_err());
        assert!(validate_table_number("A\u{7}").is_err());
    }
}
