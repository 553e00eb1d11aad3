//! Guest profile wire types and their field rules.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::contact;
use crate::{
    error::FieldError,
    event::EventKind,
    http::{Versioned, time::WireTime, validate},
    journal::Journaled,
};

/// The columns a `GuestProfile` is read from, in every statement that returns one.
macro_rules! profile_columns {
    () => {
        "id, first_name, last_name, phone, email, notes, dietary_restrictions, tags, \
         visit_count, cover_count, no_show_count, cancellation_count, first_visit_at, \
         last_visit_at, created_at, updated_at, version"
    };
}
pub(crate) use profile_columns;

/// A person the restaurant knows, with the history their visits made.
#[derive(Debug, Clone, Serialize, ToSchema, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct GuestProfile {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    /// E.164 when the number could be placed in a region, else as typed.
    pub phone: Option<String>,
    /// Lowercased.
    pub email: Option<String>,
    pub notes: Option<String>,
    pub dietary_restrictions: Vec<String>,
    /// Lowercase labels such as `vip` or `regular`.
    pub tags: Vec<String>,
    /// Finished visits (and any made before an import).
    pub visit_count: i32,
    /// Guests brought on finished visits.
    pub cover_count: i32,
    pub no_show_count: i32,
    pub cancellation_count: i32,
    pub first_visit_at: Option<WireTime>,
    pub last_visit_at: Option<WireTime>,
    pub created_at: WireTime,
    #[serde(rename = "lastUpdated")]
    pub updated_at: WireTime,
    #[serde(skip)]
    pub version: i32,
}

impl Versioned for GuestProfile {
    fn version(&self) -> i32 {
        self.version
    }
}

impl Journaled for GuestProfile {
    const ENTITY: &'static str = "guest_profile";
    const UPDATED: EventKind = EventKind::GuestProfileUpdate;
    const DELETED: EventKind = EventKind::GuestProfileDelete;
    fn id(&self) -> Uuid {
        self.id
    }
}

/// A new profile, or (every field optional) a change to one.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProfileFields {
    #[serde(
        default,
        alias = "first_name",
        deserialize_with = "validate::nfc::option"
    )]
    pub first_name: Option<String>,
    #[serde(
        default,
        alias = "last_name",
        deserialize_with = "validate::nfc::option"
    )]
    pub last_name: Option<String>,
    /// A phone number (`""` removes it).
    pub phone: Option<String>,
    /// An email address (`""` removes it).
    pub email: Option<String>,
    pub notes: Option<String>,
    #[serde(alias = "dietary_restrictions")]
    pub dietary_restrictions: Option<Vec<String>>,
    pub tags: Option<Vec<String>>,
}

/// `ProfileFields` checked and normalised, ready to write (an empty phone
/// or email clears it).
#[derive(Debug, Default)]
pub struct CleanFields {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub notes: Option<String>,
    pub dietary_restrictions: Option<Vec<String>>,
    pub tags: Option<Vec<String>>,
}

const NAME_MAX: usize = 100;
const NOTES_MAX: usize = 4000;
const LIST_MAX: usize = 20;
const RESTRICTION_MAX: usize = 64;
const TAG_MAX: usize = 32;

impl ProfileFields {
    /// Checks every given field; `region` reads phone numbers without `+`.
    pub fn clean(&self, region: &str) -> Result<CleanFields, FieldError> {
        let name = |field, value: &Option<String>| -> Result<_, FieldError> {
            value
                .as_deref()
                .map(|v| validate::name(field, v, 0, NAME_MAX).map(|()| v.trim().to_owned()))
                .transpose()
        };
        Ok(CleanFields {
            first_name: name("firstName", &self.first_name)?,
            last_name: name("lastName", &self.last_name)?,
            phone: clearable(&self.phone, |p| contact::phone("phone", p, region))?,
            email: clearable(&self.email, |e| validate::email("email", e))?,
            notes: self
                .notes
                .as_deref()
                .map(|n| validate::text("notes", n, 0, NOTES_MAX).map(|()| n.to_owned()))
                .transpose()?,
            dietary_restrictions: self
                .dietary_restrictions
                .as_deref()
                .map(restrictions)
                .transpose()?,
            tags: self.tags.as_deref().map(tags).transpose()?,
        })
    }
}

impl CleanFields {
    /// A profile needs a name or a way to reach the guest.
    pub fn check_identifies(&self) -> Result<(), FieldError> {
        let given = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.is_empty());
        if [&self.first_name, &self.last_name, &self.phone, &self.email]
            .into_iter()
            .any(given)
        {
            Ok(())
        } else {
            Err(FieldError::body(
                "firstName",
                "a profile needs a name, a phone or an email",
                "value_error",
            ))
        }
    }
}

/// A given value checked by `check`; an empty one stays empty (it clears the field).
fn clearable(
    value: &Option<String>,
    check: impl Fn(&str) -> Result<String, FieldError>,
) -> Result<Option<String>, FieldError> {
    match value.as_deref().map(str::trim) {
        None => Ok(None),
        Some("") => Ok(Some(String::new())),
        Some(given) => check(given).map(Some),
    }
}

/// Up to 20 restrictions, each one line of 1 to 64 characters, duplicates dropped.
fn restrictions(items: &[String]) -> Result<Vec<String>, FieldError> {
    for item in items {
        validate::line("dietaryRestrictions", item, 1, RESTRICTION_MAX)?;
    }
    check_list(
        "dietaryRestrictions",
        dedup(items.iter().map(|i| i.trim().to_owned())),
    )
}

/// Up to 20 tags, each 1 to 32 of `a-z`, `0-9`, `-` and `_`, starting with a
/// letter or digit (`vip`, `regular`, `window-seat`); sent in any case.
fn tags(items: &[String]) -> Result<Vec<String>, FieldError> {
    let tags = check_list("tags", dedup(items.iter().map(|t| t.trim().to_lowercase())))?;
    let valid = |tag: &String| {
        (1..=TAG_MAX).contains(&tag.len())
            && tag.starts_with(|c: char| c.is_ascii_alphanumeric())
            && tag
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    };
    match tags.iter().find(|tag| !valid(tag)) {
        Some(bad) => Err(FieldError::body(
            "tags",
            format!("`{bad}` is not a tag: use 1 to {TAG_MAX} of a-z, 0-9, - and _"),
            "value_error",
        )),
        None => Ok(tags),
    }
}

fn check_list(field: &str, items: Vec<String>) -> Result<Vec<String>, FieldError> {
    if items.len() > LIST_MAX {
        return Err(FieldError::body(
            field,
            format!("at most {LIST_MAX} entries"),
            "value_error",
        ));
    }
    Ok(items)
}

/// Keeps the first of equal entries, in order.
pub fn dedup(items: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut seen = Vec::new();
    for item in items {
        if !seen.contains(&item) {
            seen.push(item);
        }
    }
    seen
}

/// Splits a reservation's `guestName` into first and last name: the first
/// word, then the rest.
pub fn split_name(full: &str) -> (String, String) {
    let full = full.trim();
    match full.split_once(char::is_whitespace) {
        Some((first, rest)) => (first.to_owned(), rest.trim().to_owned()),
        None => (full.to_owned(), String::new()),
    }
}

/// What `keep` becomes when `other` is merged into it: its own names and
/// contacts, or the other's where it has none; both notes; every
/// restriction and tag of either.
pub fn merged(keep: &GuestProfile, other: &GuestProfile) -> CleanFields {
    let or_other = |mine: &str, theirs: &str| {
        (mine.is_empty() && !theirs.is_empty()).then(|| theirs.to_owned())
    };
    let missing = |mine: &Option<String>, theirs: &Option<String>| {
        if mine.is_none() { theirs.clone() } else { None }
    };
    let notes = match (&keep.notes, &other.notes) {
        (Some(mine), Some(theirs)) if mine != theirs => Some(format!("{mine}\n\n{theirs}")),
        (None, Some(theirs)) => Some(theirs.clone()),
        _ => None,
    };
    let union = |mine: &[String], theirs: &[String]| dedup(mine.iter().chain(theirs).cloned());
    CleanFields {
        first_name: or_other(&keep.first_name, &other.first_name),
        last_name: or_other(&keep.last_name, &other.last_name),
        phone: missing(&keep.phone, &other.phone),
        email: missing(&keep.email, &other.email),
        notes,
        dietary_restrictions: Some(union(
            &keep.dietary_restrictions,
            &other.dietary_restrictions,
        )),
        tags: Some(union(&keep.tags, &other.tags)),
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MergeProfiles {
    /// The profile merged into this one, then removed.
    #[serde(alias = "other_id")]
    pub other_id: Uuid,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProfileSearch {
    /// Name, phone or email, or the start of one; small typos are forgiven.
    /// Without it, the guest book in name order.
    pub q: Option<String>,
    /// 1 to 100, default 25.
    pub limit: Option<i64>,
    /// `nextCursor` of the previous page.
    pub cursor: Option<String>,
}

/// One page of the guest book or of a search.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProfilePage {
    pub items: Vec<GuestProfile>,
    /// Pass as `cursor` for the next page; null on the last one.
    pub next_cursor: Option<String>,
}

/// Where a page ends: the order's key of its last profile and its id. The
/// guest book is in name order, a search in score order, so a cursor says
/// which it continues. Opaque to clients (base64url).
#[derive(Debug, Clone, PartialEq)]
pub enum Cursor {
    Name(String, Uuid),
    Score(f64, Uuid),
}

impl Cursor {
    pub fn encode(&self) -> String {
        let raw = match self {
            Self::Name(name, id) => format!("n\t{name}\t{id}"),
            Self::Score(score, id) => format!("s\t{score}\t{id}"),
        };
        URL_SAFE_NO_PAD.encode(raw)
    }

    pub fn decode(text: &str) -> Result<Self, FieldError> {
        let invalid = || FieldError::query("cursor", "not a cursor this list gave", "value_error");
        let raw = URL_SAFE_NO_PAD.decode(text).map_err(|_| invalid())?;
        let raw = String::from_utf8(raw).map_err(|_| invalid())?;
        let mut parts = raw.splitn(3, '\t');
        let (kind, key, id) = (parts.next(), parts.next(), parts.next());
        let id = id.and_then(|id| id.parse().ok()).ok_or_else(invalid)?;
        match (kind, key) {
            (Some("n"), Some(name)) => Ok(Self::Name(name.to_owned(), id)),
            (Some("s"), Some(score)) => score
                .parse()
                .map(|score| Self::Score(score, id))
                .map_err(|_| invalid()),
            _ => Err(invalid()),
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VisitQuery {
    /// 1 to 1000, default 100.
    pub limit: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_at_the_first_space() {
        assert_eq!(
            split_name(" Ana  Maria Silva "),
            ("Ana".into(), "Maria Silva".into())
        );
        assert_eq!(split_name("Cher"), ("Cher".into(), String::new()));
    }

    #[test]
    fn tags_are_lowercased_deduplicated_and_checked() {
        let given = |t: &[&str]| tags(&t.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(
            given(&["VIP", "vip", "window-seat"]).unwrap(),
            ["vip", "window-seat"]
        );
        for bad in [&["big spender"][..], &[""], &["-x"], &["café"]] {
            assert_eq!(given(bad).unwrap_err().loc, ["body", "tags"], "{bad:?}");
        }
        assert!(
            given(&["a"; 21]).is_ok(),
            "duplicates collapse before the count"
        );
        let many: Vec<String> = (0..21).map(|i| format!("t{i}")).collect();
        assert!(tags(&many).is_err());
    }

    #[test]
    fn cursors_read_back_as_written_and_others_are_refused() {
        let id = Uuid::new_v4();
        for cursor in [
            Cursor::Name("silva ana maria".into(), id),
            Cursor::Score(4.123_456_789_012_345, id),
        ] {
            assert_eq!(Cursor::decode(&cursor.encode()).unwrap(), cursor);
        }
        for bad in [
            "",
            "???",
            "bg",
            &URL_SAFE_NO_PAD.encode("s\tNaNx\tnot-a-uuid"),
        ] {
            assert!(Cursor::decode(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_profile_needs_something_to_know_the_guest_by() {
        let clean = |fields: ProfileFields| fields.clean("US").unwrap().check_identifies();
        assert!(clean(ProfileFields::default()).is_err());
        assert!(
            clean(ProfileFields {
                first_name: Some("  ".into()),
                ..ProfileFields::default()
            })
            .is_err()
        );
        assert!(
            clean(ProfileFields {
                email: Some("a@b.co".into()),
                ..ProfileFields::default()
            })
            .is_ok()
        );
    }
}
