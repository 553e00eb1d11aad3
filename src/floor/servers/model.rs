//! Server sections on the wire.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    error::FieldError,
    event::EventKind,
    http::{Versioned, validate},
    journal::Journaled,
};

/// A server in charge of a section (a table's `section`) for the day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct ServerAssignment {
    #[serde(deserialize_with = "crate::http::validate::nfc::string")]
    pub section: String,
    #[serde(alias = "user_id")]
    pub user_id: Uuid,
}

/// The restaurant's assignments for one local day.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServerAssignments {
    #[schema(value_type = String, example = "2025-08-13")]
    pub day: NaiveDate,
    pub assignments: Vec<ServerAssignment>,
    #[serde(skip)]
    pub restaurant_id: Uuid,
}

impl Versioned for ServerAssignments {
    /// A set replaced whole has no counter; its ETag is a digest of its content.
    fn version(&self) -> i32 {
        let json = serde_json::to_vec(self).expect("wire types serialise");
        let digest = Sha256::digest(json);
        i32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]) & i32::MAX
    }
}

impl Journaled for ServerAssignments {
    const ENTITY: &'static str = "server_assignments";
    const UPDATED: EventKind = EventKind::ServerAssignmentsUpdate;
    const DELETED: EventKind = EventKind::ServerAssignmentsUpdate;
    fn id(&self) -> Uuid {
        self.restaurant_id
    }
}

/// Each section at most once, named in 1 to 100 characters.
pub fn validate_assignments(assignments: &[ServerAssignment]) -> Result<(), FieldError> {
    let mut seen = std::collections::HashSet::new();
    for (index, assignment) in assignments.iter().enumerate() {
        let at = |msg: String| FieldError {
            loc: vec!["body".into(), index.to_string(), "section".into()],
            msg,
            kind: "value_error".into(),
        };
        validate::line("section", &assignment.section, 1, 100).map_err(|e| at(e.msg))?;
        if !seen.insert(assignment.section.as_str()) {
            return Err(at("a section can have one server".into()));
        }
    }
    Ok(())
}

/// A server's share of the floor now and today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Server {
    pub user_id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub sections: Vec<String>,
    /// The tables of those sections, in natural order.
    pub table_ids: Vec<Uuid>,
    pub parties_seated_now: usize,
    pub covers_now: i64,
    /// Guests seated today at those tables (a party counts where its first table is).
    pub covers_today: i64,
}

/// A free table or combination for a party, best first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Suggestion {
    pub table_ids: Vec<Uuid>,
    /// Null for a single table.
    pub combination_id: Option<Uuid>,
    pub capacity: i32,
    pub server_id: Option<Uuid>,
    /// Why it ranks where it does, most decisive first.
    pub reasons: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_section_is_named_once() {
        let assignment = |section: &str| ServerAssignment {
            section: section.into(),
            user_id: Uuid::nil(),
        };
        assert!(validate_assignments(&[assignment("Main"), assignment("Patio")]).is_ok());
        let twice = validate_assignments(&[assignment("Main"), assignment("Main")]);
        assert_eq!(twice.unwrap_err().loc, ["body", "1", "section"]);
        let empty = validate_assignments(&[assignment("")]);
        assert_eq!(empty.unwrap_err().loc, ["body", "0", "section"]);
    }
}
