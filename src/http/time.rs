//! Timestamps on the wire are RFC 3339 in UTC with whole seconds and a `Z`
//! (`2025-08-13T19:05:00Z`): the iOS app's `JSONDecoder` rejects fractions.
//! Inputs accept any RFC 3339 form and are normalised to UTC.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serializer};

pub fn format(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub fn serialize<S: Serializer>(at: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format(at))
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    let raw = String::deserialize(d)?;
    DateTime::parse_from_rfc3339(&raw)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            serde::de::Error::custom(format!("expected an RFC 3339 timestamp, got {raw:?}"))
        })
}

/// The same format for optional timestamps (`null` stays `null`).
pub mod option {
    use super::*;

    pub fn serialize<S: Serializer>(at: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        match at {
            Some(at) => super::serialize(at, s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        #[derive(Deserialize)]
        struct Wrapped(#[serde(deserialize_with = "super::deserialize")] DateTime<Utc>);
        Ok(Option::<Wrapped>::deserialize(d)?.map(|Wrapped(at)| at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_whole_seconds_with_z() {
        let at = DateTime::parse_from_rfc3339("2025-08-13T21:05:00.123456+02:00").unwrap();
        assert_eq!(format(&at.with_timezone(&Utc)), "2025-08-13T19:05:00Z");
    }

    #[test]
    fn parses_offsets_and_fractions_into_utc() {
        let json = serde_json::json!("2025-08-13T21:05:00.5+02:00");
        let at = deserialize(json).unwrap();
        assert_eq!(format(&at), "2025-08-13T19:05:00Z");
        assert!(deserialize(serde_json::json!("yesterday")).is_err());
    }
}
