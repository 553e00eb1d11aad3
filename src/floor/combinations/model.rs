//! Table combinations: several tables pushed together for one party.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    error::FieldError,
    event::EventKind,
    http::{Versioned, time::WireTime, validate},
    journal::Journaled,
};

/// The columns a `Combination` is read from.
macro_rules! combination_columns {
    () => {
        "id, name, table_ids, min_capacity, max_capacity, created_at, updated_at, version"
    };
}
pub(crate) use combination_columns;

#[derive(Debug, Clone, Serialize, ToSchema, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct Combination {
    pub id: Uuid,
    pub name: String,
    /// Member tables in the natural order of their numbers; the first is a
    /// seated party's `assignedTableId`.
    pub table_ids: Vec<Uuid>,
    /// The smallest party the combination is meant for.
    pub min_capacity: i32,
    /// The largest party it seats.
    pub max_capacity: i32,
    pub created_at: WireTime,
    #[serde(rename = "lastUpdated")]
    pub updated_at: WireTime,
    #[serde(skip)]
    pub version: i32,
}

impl Versioned for Combination {
    fn version(&self) -> i32 {
        self.version
    }
}

impl Journaled for Combination {
    const ENTITY: &'static str = "table_combination";
    const UPDATED: EventKind = EventKind::TableCombinationUpdate;
    const DELETED: EventKind = EventKind::TableCombinationDelete;
    fn id(&self) -> Uuid {
        self.id
    }
}

/// A new combination. Without capacities it is meant for parties no single
/// member seats (`minCapacity`: the largest member's capacity plus one) up
/// to the members' total (`maxCapacity`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateCombination {
    #[serde(deserialize_with = "crate::http::validate::nfc::string")]
    pub name: String,
    #[serde(alias = "table_ids")]
    pub table_ids: Vec<Uuid>,
    #[serde(alias = "min_capacity")]
    pub min_capacity: Option<i32>,
    #[serde(alias = "max_capacity")]
    pub max_capacity: Option<i32>,
}

/// Any subset of fields; the result is validated as a whole.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdateCombination {
    #[serde(default, deserialize_with = "crate::http::validate::nfc::option")]
    pub name: Option<String>,
    #[serde(alias = "table_ids")]
    pub table_ids: Option<Vec<Uuid>>,
    #[serde(alias = "min_capacity")]
    pub min_capacity: Option<i32>,
    #[serde(alias = "max_capacity")]
    pub max_capacity: Option<i32>,
}

/// What a combination must be once every default is filled in.
pub struct Draft<'a> {
    pub name: &'a str,
    pub table_ids: &'a [Uuid],
    pub min_capacity: i32,
    pub max_capacity: i32,
}

/// Two to eight distinct tables, a short name, `1 <= min <= max <= 99`.
pub fn validate(draft: &Draft) -> Result<(), FieldError> {
    validate::line("name", draft.name, 1, 100)?;
    let mut ids = draft.table_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.len() != draft.table_ids.len() || !(2..=8).contains(&ids.len()) {
        return Err(FieldError::body(
            "tableIds",
            "must name 2 to 8 distinct tables",
            "value_error",
        ));
    }
    if !(1..=99).contains(&draft.max_capacity) {
        return Err(FieldError::body(
            "maxCapacity",
            "must be between 1 and 99",
            "value_error",
        ));
    }
    if !(1..=draft.max_capacity).contains(&draft.min_capacity) {
        return Err(FieldError::body(
            "minCapacity",
            "must be between 1 and maxCapacity",
            "value_error",
        ));
    }
    Ok(())
}

/// The default capacities for members of these capacities: see `CreateCombination`.
pub fn default_capacities(capacities: &[i32]) -> (i32, i32) {
    let largest = capacities.iter().copied().max().unwrap_or(0);
    let total: i32 = capacities.iter().sum();
    ((largest + 1).min(total.min(99)), total.min(99))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_combination_needs_distinct_tables_a_name_and_ordered_capacities() {
        let [a, b, c] = [1, 2, 3].map(Uuid::from_u128);
        let (two, three, one, twice) = ([a, b], [a, b, c], [a], [a, a]);
        let draft = |name, table_ids, min_capacity, max_capacity| Draft {
            name,
            table_ids,
            min_capacity,
            max_capacity,
        };
        let cases: [(Draft, Option<&str>); 7] = [
            (draft("Patio 6", &two, 5, 8), None),
            (draft("Big", &three, 1, 99), None),
            (draft("", &two, 5, 8), Some("name")),
            (draft("One", &one, 5, 8), Some("tableIds")),
            (draft("Twice", &twice, 5, 8), Some("tableIds")),
            (draft("Upside down", &two, 9, 8), Some("minCapacity")),
            (draft("Huge", &two, 5, 100), Some("maxCapacity")),
        ];
        for (draft, field) in cases {
            let loc = validate(&draft).err().map(|e| e.loc[1].clone());
            assert_eq!(loc.as_deref(), field, "{}", draft.name);
        }
    }

    #[test]
    fn default_capacities_start_above_the_largest_member_and_end_at_the_total() {
        assert_eq!(default_capacities(&[4, 4]), (5, 8));
        assert_eq!(default_capacities(&[2, 6, 4]), (7, 12));
        assert_eq!(default_capacities(&[60, 60]), (61, 99));
    }
}
