//! The Python service's shapes, as today's app decodes them: a guest is one
//! visit (a reservation or walk-in) joined to its guest profile, its status
//! in Title Case, its times in `Clock`'s form.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use super::time::Clock;
use crate::{
    guest_profiles::model::split_name,
    http::Versioned,
    reservations::model::{Reservation, ReservationStatus},
    tables::model::{Position, Table, TableShape, TableStatus},
};

/// A guest's status on this surface. Lowercase and camelCase spellings are
/// read too; answers are always one of these seven, since a Swift enum
/// fails a whole list on a value it does not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub enum GuestStatus {
    #[serde(alias = "waitlist")]
    Waitlist,
    #[serde(alias = "arrived", alias = "partiallyArrived")]
    Arrived,
    #[serde(alias = "seated")]
    Seated,
    #[serde(alias = "finished")]
    Finished,
    #[serde(alias = "cancelled")]
    Cancelled,
    #[serde(
        rename = "No Show",
        alias = "no show",
        alias = "noShow",
        alias = "no_show"
    )]
    NoShow,
    #[serde(
        rename = "Running Late",
        alias = "running late",
        alias = "runningLate",
        alias = "running_late"
    )]
    RunningLate,
}

impl GuestStatus {
    /// The guest status of a visit; a `confirmed` booking is not a guest yet.
    pub fn of(status: ReservationStatus) -> Option<Self> {
        use ReservationStatus as R;
        Some(match status {
            R::Confirmed => return None,
            R::Waitlist => Self::Waitlist,
            R::Arrived | R::PartiallyArrived => Self::Arrived,
            R::Seated => Self::Seated,
            R::Finished => Self::Finished,
            R::Cancelled => Self::Cancelled,
            R::NoShow => Self::NoShow,
            R::RunningLate => Self::RunningLate,
        })
    }

    /// The reservation statuses this guest status stands for.
    pub fn visits(self) -> &'static [ReservationStatus] {
        use ReservationStatus as R;
        match self {
            Self::Waitlist => &[R::Waitlist],
            Self::Arrived => &[R::Arrived, R::PartiallyArrived],
            Self::Seated => &[R::Seated],
            Self::Finished => &[R::Finished],
            Self::Cancelled => &[R::Cancelled],
            Self::NoShow => &[R::NoShow],
            Self::RunningLate => &[R::RunningLate],
        }
    }

    /// What a status written through this surface asks of the lifecycle.
    pub fn target(self) -> ReservationStatus {
        self.visits()[0]
    }

    /// The Title Case text (the key of `guests_by_status`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Waitlist => "Waitlist",
            Self::Arrived => "Arrived",
            Self::Seated => "Seated",
            Self::Finished => "Finished",
            Self::Cancelled => "Cancelled",
            Self::NoShow => "No Show",
            Self::RunningLate => "Running Late",
        }
    }
}

/// A visit with its profile's fields, as `queries` reads it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GuestRow {
    #[sqlx(flatten)]
    pub visit: Reservation,
    pub special_requests: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub visit_count: Option<i32>,
    pub dietary_restrictions: Option<Vec<String>>,
}

/// First and last name: the profile's when it has them, else the visit's name split.
pub fn names(guest_name: &str, profile: (Option<&str>, Option<&str>)) -> (String, String) {
    match profile {
        (Some(first), Some(last)) if !(first.is_empty() && last.is_empty()) => {
            (first.to_owned(), last.to_owned())
        }
        _ => split_name(guest_name),
    }
}

/// `first last`, or `Unknown Guest` when both are empty.
pub fn full_name(first: &str, last: &str) -> String {
    let name = format!("{first} {last}").trim().to_owned();
    if name.is_empty() {
        "Unknown Guest".to_owned()
    } else {
        name
    }
}

/// Phone and email of a visit without a profile, read from its contact text.
pub fn contact_parts(contact: Option<&str>) -> (Option<String>, Option<String>) {
    match contact {
        Some(text) if text.contains('@') => (None, Some(text.to_owned())),
        Some(text) if !text.is_empty() => (Some(text.to_owned()), None),
        _ => (None, None),
    }
}

/// The Python GuestResponse: every key always present, null where unknown.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GuestResponse {
    pub id: Uuid,
    pub name: String,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub total_visits: i32,
    pub notes: Option<String>,
    pub dietary_restrictions: Vec<String>,
    pub special_requests: Option<String>,
    pub party_size: i32,
    pub status: GuestStatus,
    pub table_id: Option<Uuid>,
    pub reservation_time: Option<String>,
    pub check_in_time: Option<String>,
    pub seated_time: Option<String>,
    pub finished_time: Option<String>,
    pub created_at: String,
    pub last_updated: String,
    #[serde(skip)]
    pub version: i32,
}

impl GuestResponse {
    pub fn of(row: GuestRow, clock: Clock) -> Self {
        let visit = row.visit;
        let (first_name, last_name) = names(
            &visit.guest_name,
            (row.first_name.as_deref(), row.last_name.as_deref()),
        );
        let (phone, email) = match (
            &row.first_name,
            contact_parts(visit.contact_info.as_deref()),
        ) {
            // A linked visit: the profile's contacts.
            (Some(_), _) => (row.phone, row.email),
            (None, parts) => parts,
        };
        Self {
            id: visit.id,
            name: full_name(&first_name, &last_name),
            first_name,
            last_name,
            email,
            phone,
            total_visits: row.visit_count.unwrap_or(0),
            notes: visit.notes,
            dietary_restrictions: row.dietary_restrictions.unwrap_or_default(),
            special_requests: row.special_requests,
            party_size: visit.party_size,
            // The rows of this surface are never `confirmed` (queries::GUESTS).
            status: GuestStatus::of(visit.status).unwrap_or(GuestStatus::Waitlist),
            table_id: visit.assigned_table_id,
            reservation_time: clock.http_opt(visit.reservation_time),
            check_in_time: clock.http_opt(visit.check_in_time),
            seated_time: clock.http_opt(visit.seated_time),
            finished_time: clock.http_opt(visit.finished_time),
            created_at: clock.http(visit.created_at.0),
            last_updated: clock.http(visit.updated_at.0),
            version: visit.version,
        }
    }
}

impl Versioned for GuestResponse {
    fn version(&self) -> i32 {
        self.version
    }
}

/// A table as the native API shows it, with this surface's times.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CompatTable {
    pub id: Uuid,
    pub table_number: String,
    pub capacity: i32,
    pub status: TableStatus,
    pub position: Position,
    pub shape: TableShape,
    pub section: Option<String>,
    pub current_guest_id: Option<Uuid>,
    pub last_updated: String,
    pub created_at: String,
}

impl CompatTable {
    pub fn of(table: &Table, clock: Clock) -> Self {
        Self {
            id: table.id,
            table_number: table.table_number.clone(),
            capacity: table.capacity,
            status: table.status,
            position: table.position,
            shape: table.shape,
            section: table.section.clone(),
            current_guest_id: table.current_guest_id,
            last_updated: clock.http(table.updated_at.0),
            created_at: clock.http(table.created_at.0),
        }
    }
}

/// `{"success": true, "message": …}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Done {
    pub success: bool,
    pub message: &'static str,
}

/// The answer to a table clear: the table, and the party finished there.
#[derive(Debug, Serialize, ToSchema)]
pub struct Cleared {
    pub success: bool,
    pub message: &'static str,
    pub table: CompatTable,
    /// The finished party with `status: "finished"` (Python's lowercase,
    /// exactly so) and `assignedTableId`; left out when nobody sat there.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub guest: Option<Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_reads_and_title_case_is_written() {
        let cases = [
            (["Waitlist", "waitlist", "waitlist"], GuestStatus::Waitlist),
            (
                ["Arrived", "partiallyArrived", "arrived"],
                GuestStatus::Arrived,
            ),
            (["No Show", "no show", "noShow"], GuestStatus::NoShow),
            (
                ["Running Late", "running late", "runningLate"],
                GuestStatus::RunningLate,
            ),
        ];
        for (spellings, status) in cases {
            for spelling in spellings {
                let read: GuestStatus = serde_json::from_value(spelling.into()).unwrap();
                assert_eq!(read, status, "{spelling}");
            }
            assert_eq!(serde_json::to_value(status).unwrap(), status.as_str());
            assert_eq!(GuestStatus::of(status.target()), Some(status));
        }
        assert_eq!(GuestStatus::of(ReservationStatus::Confirmed), None);
    }
}
