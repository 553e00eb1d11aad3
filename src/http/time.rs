//! Timestamps on the wire are RFC 3339 in UTC with whole seconds and a `Z`
//! (`2025-08-13T19:05:00Z`): the iOS app's `JSONDecoder` rejects fractions.
//! Inputs accept any RFC 3339 form and are normalised to UTC; a zone-less
//! `YYYY-MM-DDTHH:MM:SS[.ffffff]` is read as UTC, as the Python service that
//! today's app was built against stored and sent its times. `WireTime`
//! carries that rule in its type, so a field needs no attributes for it.

use std::borrow::Cow;

use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use utoipa::openapi::{
    KnownFormat, ObjectBuilder, RefOr, Schema, SchemaFormat, Type, schema::SchemaType,
};

pub fn format(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A timestamp as it crosses the wire; in the database, a `timestamptz`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, sqlx::Type)]
#[sqlx(transparent)]
pub struct WireTime(pub DateTime<Utc>);

impl From<DateTime<Utc>> for WireTime {
    fn from(at: DateTime<Utc>) -> Self {
        Self(at)
    }
}

impl Serialize for WireTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format(&self.0))
    }
}

impl<'de> Deserialize<'de> for WireTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = Cow::<str>::deserialize(d)?;
        DateTime::parse_from_rfc3339(&raw)
            .map(|t| t.with_timezone(&Utc))
            .or_else(|_| {
                NaiveDateTime::parse_from_str(&raw, "%Y-%m-%dT%H:%M:%S%.f").map(|t| t.and_utc())
            })
            .map(Self)
            .map_err(|_| {
                serde::de::Error::custom(format!("expected an RFC 3339 timestamp, got {raw:?}"))
            })
    }
}

impl utoipa::PartialSchema for WireTime {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(SchemaType::Type(Type::String))
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
            .description(Some(
                "RFC 3339 in UTC, whole seconds (any RFC 3339 form accepted on input)",
            ))
            .examples(["2025-08-13T19:05:00Z"])
            .into()
    }
}

impl utoipa::ToSchema for WireTime {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_whole_seconds_with_z() {
        let at = DateTime::parse_from_rfc3339("2025-08-13T21:05:00.123456+02:00").unwrap();
        let json = serde_json::to_value(WireTime(at.with_timezone(&Utc))).unwrap();
        assert_eq!(json, "2025-08-13T19:05:00Z");
    }

    #[test]
    fn parses_offsets_and_fractions_into_utc() {
        let at: WireTime =
            serde_json::from_value(serde_json::json!("2025-08-13T21:05:00.5+02:00")).unwrap();
        assert_eq!(format(&at.0), "2025-08-13T19:05:00Z");
        assert!(serde_json::from_value::<WireTime>(serde_json::json!("yesterday")).is_err());
    }

    #[test]
    fn reads_zone_less_times_as_utc() {
        for (naive, utc) in [
            ("2025-09-01T03:04:47.200198", "2025-09-01T03:04:47Z"),
            ("2025-09-01T03:04:47", "2025-09-01T03:04:47Z"),
        ] {
            let at: WireTime = serde_json::from_value(serde_json::json!(naive)).unwrap();
            assert_eq!(format(&at.0), utc);
        }
        assert!(serde_json::from_value::<WireTime>(serde_json::json!("2025-09-01 03:04")).is_err());
    }
}
