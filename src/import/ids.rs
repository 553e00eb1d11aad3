//! Stable ids. The Python service's ids are free-form strings (`table-1`
//! exists in real data): a UUID is kept as it is, anything else becomes a
//! version-5 UUID of its kind and text, so references between rows survive
//! and a second run maps every row to the same id as the first.

use uuid::Uuid;

/// Fixed forever: changing it would give every derived id a new value and
/// make a re-run import everything twice.
const NAMESPACE: Uuid = Uuid::from_u128(0x6f1c_2a4e_93d0_4b7a_8e15_c0a7_7b2d_5e91);

/// What an old id names; the same text under two kinds gives two ids.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Restaurant,
    User,
    Table,
    Guest,
    Reservation,
    /// A guest profile, named after the first row of the rows it groups.
    Profile,
    Activity,
}

impl Kind {
    fn prefix(self) -> &'static str {
        match self {
            Kind::Restaurant => "restaurant",
            Kind::User => "user",
            Kind::Table => "table",
            Kind::Guest => "guest",
            Kind::Reservation => "reservation",
            Kind::Profile => "profile",
            Kind::Activity => "activity",
        }
    }
}

/// The QTable id of a row whose old id is `old`. Profiles never keep the
/// UUID they are named after: it is already the id of that guest's visit.
pub fn stable_id(kind: Kind, old: &str) -> Uuid {
    match (kind, Uuid::try_parse(old)) {
        (Kind::Profile, _) | (_, Err(_)) => {
            Uuid::new_v5(&NAMESPACE, format!("{}:{old}", kind.prefix()).as_bytes())
        }
        (_, Ok(id)) => id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_kept_and_other_ids_derived_stably_per_kind() {
        let kept = "0b3f8a52-1f3e-4d55-9f0a-2f6f4f1e7c10";
        assert_eq!(stable_id(Kind::Table, kept).to_string(), kept);
        assert_eq!(
            stable_id(Kind::Table, "table-1"),
            stable_id(Kind::Table, "table-1")
        );
        assert_ne!(
            stable_id(Kind::Table, "table-1"),
            stable_id(Kind::Guest, "table-1")
        );
        assert_ne!(stable_id(Kind::Profile, kept).to_string(), kept);
    }
}
