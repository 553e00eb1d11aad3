//! The Python service's timestamps, which today's app decodes and may decode
//! nothing else: over HTTP zone-less UTC with microseconds, the fraction
//! left out when it is zero (`isoformat()`); on `/realtime` the same plus
//! `Z`. `COMPAT_TIME_FORMAT=seed` writes the seed's `…SSZ` instead.

use chrono::{DateTime, SecondsFormat, Timelike, Utc};

use crate::{config::CompatTimeFormat, http::time::WireTime};

/// How this surface writes a timestamp, from the deployment's setting.
#[derive(Debug, Clone, Copy)]
pub struct Clock(pub CompatTimeFormat);

impl Clock {
    /// A timestamp in an HTTP body.
    pub fn http(self, at: DateTime<Utc>) -> String {
        match self.0 {
            CompatTimeFormat::Python => isoformat(at),
            CompatTimeFormat::Seed => seed(at),
        }
    }

    /// A timestamp in a `/realtime` message.
    pub fn socket(self, at: DateTime<Utc>) -> String {
        match self.0 {
            CompatTimeFormat::Python => isoformat(at) + "Z",
            CompatTimeFormat::Seed => seed(at),
        }
    }

    pub fn http_opt(self, at: Option<WireTime>) -> Option<String> {
        at.map(|WireTime(at)| self.http(at))
    }

    pub fn now(self) -> String {
        self.http(Utc::now())
    }
}

/// Python's `datetime.isoformat()` of a naive UTC time.
fn isoformat(at: DateTime<Utc>) -> String {
    let micros = at.nanosecond() / 1000;
    if micros == 0 {
        at.format("%Y-%m-%dT%H:%M:%S").to_string()
    } else {
        format!("{}.{micros:06}", at.format("%Y-%m-%dT%H:%M:%S"))
    }
}

fn seed(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().to_utc()
    }

    #[test]
    fn python_forms_over_http_and_on_the_socket_and_the_seed_form_when_set() {
        let python = Clock(CompatTimeFormat::Python);
        let seeded = Clock(CompatTimeFormat::Seed);
        let cases = [
            ("2026-12-01T19:02:11.250300Z", "2026-12-01T19:02:11.250300"),
            ("2026-12-01T19:02:11.000000901Z", "2026-12-01T19:02:11"),
            ("2026-12-01T19:02:11Z", "2026-12-01T19:02:11"),
        ];
        for (stored, http) in cases {
            assert_eq!(python.http(at(stored)), http);
            assert_eq!(python.socket(at(stored)), format!("{http}Z"));
            assert_eq!(seeded.http(at(stored)), "2026-12-01T19:02:11Z");
            assert_eq!(seeded.socket(at(stored)), "2026-12-01T19:02:11Z");
        }
    }
}
