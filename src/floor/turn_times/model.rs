//! Turn times: how long a party of a given size keeps its table.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{error::FieldError, event::EventKind, http::Versioned, journal::Journaled};

/// Turn times apply from 15 minutes to 10 hours.
pub const MINUTES: std::ops::RangeInclusive<i32> = 15..=600;

/// Parties of up to `maxPartySize` keep their table `minutes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TurnBand {
    #[serde(alias = "max_party_size")]
    pub max_party_size: i32,
    pub minutes: i32,
}

/// A restaurant's turn times: the first band whose `maxPartySize` the party
/// fits, else `defaultMinutes`. Without any set: 90 minutes for everyone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TurnTimes {
    #[serde(alias = "default_minutes")]
    pub default_minutes: i32,
    /// Ascending by `maxPartySize`.
    #[serde(default, alias = "by_party_size")]
    pub by_party_size: Vec<TurnBand>,
    /// The restaurant's id: the entity the journal records.
    #[serde(skip)]
    pub restaurant_id: Uuid,
    #[serde(skip)]
    pub version: i32,
}

impl Default for TurnTimes {
    fn default() -> Self {
        Self {
            default_minutes: 90,
            by_party_size: Vec::new(),
            restaurant_id: Uuid::nil(),
            version: 0,
        }
    }
}

impl TurnTimes {
    pub fn minutes_for(&self, party_size: i32) -> i32 {
        self.by_party_size
            .iter()
            .find(|band| party_size <= band.max_party_size)
            .map_or(self.default_minutes, |band| band.minutes)
    }

    /// Minutes within `MINUTES`, bands strictly ascending by party size 1-99.
    pub fn validate(&self) -> Result<(), FieldError> {
        let out_of_range = |loc: Vec<String>| FieldError {
            loc,
            msg: format!("must be between {} and {}", MINUTES.start(), MINUTES.end()),
            kind: "value_error".into(),
        };
        if !MINUTES.contains(&self.default_minutes) {
            return Err(out_of_range(vec!["body".into(), "defaultMinutes".into()]));
        }
        let mut previous = 0;
        for (index, band) in self.by_party_size.iter().enumerate() {
            let at = |field: &str| {
                vec![
                    "body".into(),
                    "byPartySize".into(),
                    index.to_string(),
                    field.into(),
                ]
            };
            if !(1..=99).contains(&band.max_party_size) || band.max_party_size <= previous {
                return Err(FieldError {
                    loc: at("maxPartySize"),
                    msg: "must be 1 to 99 and above the previous band's".into(),
                    kind: "value_error".into(),
                });
            }
            if !MINUTES.contains(&band.minutes) {
                return Err(out_of_range(at("minutes")));
            }
            previous = band.max_party_size;
        }
        Ok(())
    }
}

impl Versioned for TurnTimes {
    fn version(&self) -> i32 {
        self.version
    }
}

impl Journaled for TurnTimes {
    const ENTITY: &'static str = "turn_times";
    const UPDATED: EventKind = EventKind::TurnTimesUpdate;
    const DELETED: EventKind = EventKind::TurnTimesUpdate;
    fn id(&self) -> Uuid {
        self.restaurant_id
    }
}

/// One party size's median turn over the sample.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SuggestedBand {
    pub max_party_size: i32,
    pub minutes: i32,
    pub sample_size: i64,
}

/// Turn times read off the restaurant's own finished parties of the last 60
/// days: the median per party size, and over all of them for the default.
/// Shaped like `TurnTimes`, so it can be sent back with `PUT`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SuggestedTurnTimes {
    pub default_minutes: i32,
    pub by_party_size: Vec<SuggestedBand>,
    /// Finished parties the medians are drawn from.
    pub sample_size: i64,
}

/// From `(party size, parties, median minutes)` rows, with `None` for the
/// row over all sizes (which comes, without a median, even when nothing has
/// finished): medians rounded and clamped into `MINUTES`; 90 minutes when
/// nothing has finished yet.
pub fn suggest(rows: &[(Option<i32>, i64, Option<f64>)]) -> SuggestedTurnTimes {
    let minutes = |median: f64| (median.round() as i32).clamp(*MINUTES.start(), *MINUTES.end());
    let overall = rows.iter().find(|row| row.0.is_none());
    let mut by_party_size: Vec<SuggestedBand> = rows
        .iter()
        .filter_map(|&(size, sample_size, median)| {
            Some(SuggestedBand {
                max_party_size: size?,
                minutes: minutes(median?),
                sample_size,
            })
        })
        .collect();
    by_party_size.sort_by_key(|band| band.max_party_size);
    SuggestedTurnTimes {
        default_minutes: overall
            .and_then(|row| row.2)
            .map_or(TurnTimes::default().default_minutes, minutes),
        by_party_size,
        sample_size: overall.map_or(0, |row| row.1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn turn_times(default_minutes: i32, bands: &[(i32, i32)]) -> TurnTimes {
        TurnTimes {
            default_minutes,
            by_party_size: bands
                .iter()
                .map(|&(max_party_size, minutes)| TurnBand {
                    max_party_size,
                    minutes,
                })
                .collect(),
            ..TurnTimes::default()
        }
    }

    #[test]
    fn a_party_takes_the_first_band_it_fits_else_the_default() {
        let times = turn_times(120, &[(2, 75), (4, 90), (6, 105)]);
        for (party, minutes) in [
            (1, 75),
            (2, 75),
            (3, 90),
            (4, 90),
            (6, 105),
            (7, 120),
            (20, 120),
        ] {
            assert_eq!(times.minutes_for(party), minutes, "party of {party}");
        }
        assert_eq!(TurnTimes::default().minutes_for(4), 90);
    }

    #[test]
    fn bands_must_ascend_and_minutes_stay_within_15_to_600() {
        let cases: [(TurnTimes, Option<&[&str]>); 6] = [
            (turn_times(90, &[(2, 75), (4, 90)]), None),
            (turn_times(15, &[]), None),
            (turn_times(14, &[]), Some(&["body", "defaultMinutes"])),
            (
                turn_times(90, &[(4, 90), (4, 100)]),
                Some(&["body", "byPartySize", "1", "maxPartySize"]),
            ),
            (
                turn_times(90, &[(4, 90), (2, 100)]),
                Some(&["body", "byPartySize", "1", "maxPartySize"]),
            ),
            (
                turn_times(90, &[(2, 601)]),
                Some(&["body", "byPartySize", "0", "minutes"]),
            ),
        ];
        for (times, loc) in cases {
            let error = times.validate().err().map(|e| e.loc);
            let expected = loc.map(|l| l.iter().map(|s| s.to_string()).collect::<Vec<_>>());
            assert_eq!(error, expected, "{times:?}");
        }
    }

    #[test]
    fn suggestions_round_and_clamp_medians_and_default_to_90_without_a_sample() {
        let rows = [
            (Some(4), 10, Some(88.5)),
            (None, 13, Some(80.2)),
            (Some(2), 3, Some(9.0)),
        ];
        let suggested = suggest(&rows);
        assert_eq!(suggested.default_minutes, 80);
        assert_eq!(suggested.sample_size, 13);
        let bands: Vec<(i32, i32, i64)> = suggested
            .by_party_size
            .iter()
            .map(|b| (b.max_party_size, b.minutes, b.sample_size))
            .collect();
        assert_eq!(bands, [(2, 15, 3), (4, 89, 10)]);
        let nothing_finished = suggest(&[(None, 0, None)]);
        assert_eq!(
            (
                nothing_finished.default_minutes,
                nothing_finished.sample_size
            ),
            (90, 0)
        );
        assert!(nothing_finished.by_party_size.is_empty());
    }
}
