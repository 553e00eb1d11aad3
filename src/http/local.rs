//! A restaurant's wall-clock times and days on the wire: `HH:MM` (24-hour)
//! and `YYYY-MM-DD`, one spelling each, in and out. They are local to the
//! restaurant's time zone, so unlike `WireTime` they carry none; in the
//! database they are a `time` and a `date`.

use std::{borrow::Cow, fmt, str::FromStr};

use chrono::{Datelike, NaiveDate, NaiveTime};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use utoipa::openapi::{
    KnownFormat, ObjectBuilder, RefOr, Schema, SchemaFormat, Type, schema::SchemaType,
};

/// Whether `text` has exactly the shape of `pattern`, where `d` is a digit
/// and anything else itself: chrono alone also reads `7:5` and ` 2026-1-5`.
fn shaped(text: &str, pattern: &str) -> bool {
    text.len() == pattern.len()
        && text.bytes().zip(pattern.bytes()).all(|(c, p)| match p {
            b'd' => c.is_ascii_digit(),
            _ => c == p,
        })
}

/// A local time of day to the minute, `17:30`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, sqlx::Type)]
#[sqlx(transparent)]
pub struct LocalTime(pub NaiveTime);

impl FromStr for LocalTime {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        shaped(text, "dd:dd")
            .then(|| NaiveTime::parse_from_str(text, "%H:%M").ok())
            .flatten()
            .map(Self)
            .ok_or_else(|| format!("expected a time HH:MM from 00:00 to 23:59, got {text:?}"))
    }
}

impl fmt::Display for LocalTime {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}", self.0.format("%H:%M"))
    }
}

/// A local calendar day, `2026-12-24`, in years 1 to 9999 (as PostgreSQL
/// and RFC 3339 hold them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, sqlx::Type)]
#[sqlx(transparent)]
pub struct LocalDate(pub NaiveDate);

impl FromStr for LocalDate {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        shaped(text, "dddd-dd-dd")
            .then(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
            .flatten()
            .filter(|date| date.year() >= 1)
            .map(Self)
            .ok_or_else(|| format!("expected a date YYYY-MM-DD, got {text:?}"))
    }
}

impl fmt::Display for LocalDate {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

/// Both read and write themselves as their one spelling.
macro_rules! as_text {
    ($type:ty, $format:expr, $pattern:expr, $example:expr, $description:expr) => {
        impl Serialize for $type {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $type {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                Cow::<str>::deserialize(d)?
                    .parse()
                    .map_err(serde::de::Error::custom)
            }
        }

        impl utoipa::PartialSchema for $type {
            fn schema() -> RefOr<Schema> {
                ObjectBuilder::new()
                    .schema_type(SchemaType::Type(Type::String))
                    .format($format)
                    .pattern(Some($pattern))
                    .description(Some($description))
                    .examples([$example])
                    .into()
            }
        }

        impl utoipa::ToSchema for $type {}
    };
}

as_text!(
    LocalTime,
    None::<SchemaFormat>,
    "^([01][0-9]|2[0-3]):[0-5][0-9]$",
    "17:30",
    "A local time of day in the restaurant's time zone, HH:MM (24-hour)"
);
as_text!(
    LocalDate,
    Some(SchemaFormat::KnownFormat(KnownFormat::Date)),
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
    "2026-12-24",
    "A local day in the restaurant's time zone, YYYY-MM-DD"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_hh_mm_only() {
        let time: LocalTime = "07:05".parse().unwrap();
        assert_eq!(time.to_string(), "07:05");
        assert_eq!(
            "23:59".parse::<LocalTime>().unwrap().0.to_string(),
            "23:59:00"
        );
        for bad in [
            "7:05", "07:5", "24:00", "12:60", "12:00:00", " 12:00", "12h00", "",
        ] {
            assert!(bad.parse::<LocalTime>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn dates_are_yyyy_mm_dd_in_years_1_to_9999() {
        let date: LocalDate = "2026-12-24".parse().unwrap();
        assert_eq!(date.to_string(), "2026-12-24");
        assert!("0001-01-01".parse::<LocalDate>().is_ok());
        for bad in [
            "2026-2-30",
            "2026-02-30",
            "0000-01-01",
            "2026-1-05",
            "+2026-01-05",
            "2026-01-05 ",
        ] {
            assert!(bad.parse::<LocalDate>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn both_read_and_write_json_as_their_one_spelling() {
        let time: LocalTime = serde_json::from_str(r#""21:30""#).unwrap();
        assert_eq!(serde_json::to_string(&time).unwrap(), r#""21:30""#);
        assert!(serde_json::from_str::<LocalDate>(r#""2026/12/24""#).is_err());
    }
}
