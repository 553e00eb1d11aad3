//! The day report as a pure function of the day's records, and its CSV form.

use std::fmt::Write as _;

use chrono::{DateTime, Duration, NaiveDate, Timelike, Utc};

use super::model::{DayReport, HourOccupancy, ServerCovers, Split, TurnStat, WaitStat};
use crate::{floor::servers::rules::Staffed, http::time::WireTime};

/// A party seated during the day.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Party {
    pub party_size: i32,
    pub walk_in: bool,
    pub joined_at: DateTime<Utc>,
    pub seated_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub quoted_wait_minutes: Option<i32>,
    /// The section of the party's first table.
    pub section: Option<String>,
}

/// The local day: its bounds in UTC, its hours, the clock, the floor's size.
#[derive(Debug, Clone)]
pub struct Day {
    pub date: NaiveDate,
    pub timezone: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub now: DateTime<Utc>,
    pub tables: i64,
}

impl Day {
    /// Each hour of the day, with its local hour of the clock.
    fn hours(&self) -> Vec<(u32, DateTime<Utc>)> {
        let zone: chrono_tz::Tz = self.timezone.parse().unwrap_or(chrono_tz::UTC);
        let mut hours = Vec::new();
        let mut at = self.start;
        while at < self.end {
            hours.push((at.with_timezone(&zone).hour(), at));
            at += Duration::hours(1);
        }
        hours
    }
}

/// Everything the report is compiled from.
pub struct Records {
    pub day: Day,
    pub parties: Vec<Party>,
    pub no_shows: i64,
    pub cancellations: i64,
    /// Every seating that overlaps the day: from, until (open: still seated).
    pub seatings: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)>,
    pub staffed: Vec<Staffed>,
}

/// The `p`-th percentile (0-1) of `values`, interpolated between ranks.
pub fn percentile(values: &mut [f64], p: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let rank = p * (values.len() - 1) as f64;
    let (low, high) = (rank.floor() as usize, rank.ceil() as usize);
    Some(values[low] + (values[high] - values[low]) * (rank - low as f64))
}

fn minutes(from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    (to - from).num_seconds() as f64 / 60.0
}

fn split(parties: &[Party], measure: impl Fn(&Party) -> i64) -> Split {
    let sum = |walk_in: bool| {
        parties
            .iter()
            .filter(|p| p.walk_in == walk_in)
            .map(&measure)
            .sum()
    };
    let (walk_ins, reservations) = (sum(true), sum(false));
    Split {
        walk_ins,
        reservations,
        total: walk_ins + reservations,
    }
}

fn turn_times(parties: &[Party]) -> Vec<TurnStat> {
    let mut sizes: Vec<i32> = parties.iter().map(|p| p.party_size).collect();
    sizes.sort_unstable();
    sizes.dedup();
    sizes
        .into_iter()
        .filter_map(|size| {
            let mut turns: Vec<f64> = parties
                .iter()
                .filter(|p| p.party_size == size)
                .filter_map(|p| Some(minutes(p.seated_at, p.finished_at?)))
                .collect();
            Some(TurnStat {
                party_size: size,
                parties: turns.len(),
                median_minutes: percentile(&mut turns, 0.5)?,
                p90_minutes: percentile(&mut turns, 0.9)?,
            })
        })
        .collect()
}

fn walk_in_waits(parties: &[Party]) -> WaitStat {
    let walk_ins: Vec<&Party> = parties.iter().filter(|p| p.walk_in).collect();
    let mut waits: Vec<f64> = walk_ins
        .iter()
        .map(|p| minutes(p.joined_at, p.seated_at))
        .collect();
    let quoted: Vec<(f64, f64)> = walk_ins
        .iter()
        .filter_map(|p| {
            Some((
                minutes(p.joined_at, p.seated_at),
                f64::from(p.quoted_wait_minutes?),
            ))
        })
        .collect();
    let mut quotes: Vec<f64> = quoted.iter().map(|q| q.1).collect();
    let within = quoted
        .iter()
        .filter(|(wait, quote)| (wait - quote).abs() <= 5.0)
        .count();
    WaitStat {
        walk_ins: walk_ins.len(),
        median_wait_minutes: percentile(&mut waits, 0.5),
        quoted: quoted.len(),
        median_quoted_minutes: percentile(&mut quotes, 0.5),
        within_five_minutes: within,
        within_five_minutes_share: (!quoted.is_empty())
            .then(|| within as f64 / quoted.len() as f64),
    }
}

fn covers_by_server(records: &Records) -> Vec<ServerCovers> {
    let mut servers: Vec<ServerCovers> = Vec::new();
    for assignment in &records.staffed {
        let theirs = records
            .parties
            .iter()
            .filter(|p| p.section.as_deref() == Some(&assignment.section));
        let (parties, covers) =
            theirs.fold((0, 0), |(n, c), p| (n + 1, c + i64::from(p.party_size)));
        match servers.iter_mut().find(|s| s.user_id == assignment.user_id) {
            Some(server) => {
                server.parties += parties;
                server.covers += covers;
            }
            None => servers.push(ServerCovers {
                user_id: assignment.user_id,
                first_name: assignment.first_name.clone(),
                last_name: assignment.last_name.clone(),
                parties,
                covers,
            }),
        }
    }
    servers.sort_by(|a, b| b.covers.cmp(&a.covers).then(a.last_name.cmp(&b.last_name)));
    servers
}

fn occupancy(records: &Records) -> Vec<HourOccupancy> {
    let day = &records.day;
    day.hours()
        .into_iter()
        .map(|(hour, from)| {
            let until = (from + Duration::hours(1)).min(day.end);
            let occupied: f64 = records
                .seatings
                .iter()
                .map(|&(seated, released)| {
                    let (a, b) = (seated.max(from), released.unwrap_or(day.now).min(until));
                    if b > a { minutes(a, b) } else { 0.0 }
                })
                .sum();
            let available = day.tables as f64 * minutes(from, until);
            HourOccupancy {
                hour,
                starts_at: WireTime(from),
                occupied_table_minutes: occupied,
                occupancy: if available > 0.0 {
                    occupied / available
                } else {
                    0.0
                },
            }
        })
        .collect()
}

pub fn compile(records: &Records) -> DayReport {
    DayReport {
        date: records.day.date,
        timezone: records.day.timezone.clone(),
        parties: split(&records.parties, |_| 1),
        covers: split(&records.parties, |p| p.party_size.into()),
        no_shows: records.no_shows,
        cancellations: records.cancellations,
        turn_times: turn_times(&records.parties),
        walk_in_waits: walk_in_waits(&records.parties),
        covers_by_server: covers_by_server(records),
        occupancy_by_hour: occupancy(records),
    }
}

/// The report as `metric,key,value` rows, for a spreadsheet.
pub fn to_csv(report: &DayReport) -> String {
    let mut csv = String::from("metric,key,value\n");
    let mut row = |metric: &str, key: &dyn std::fmt::Display, value: &dyn std::fmt::Display| {
        let _ = writeln!(csv, "{metric},{key},{value}");
    };
    for (metric, split) in [("parties", report.parties), ("covers", report.covers)] {
        row(metric, &"walkIns", &split.walk_ins);
        row(metric, &"reservations", &split.reservations);
        row(metric, &"total", &split.total);
    }
    row("noShows", &"", &report.no_shows);
    row("cancellations", &"", &report.cancellations);
    for turn in &report.turn_times {
        row("turnMedianMinutes", &turn.party_size, &turn.median_minutes);
        row("turnP90Minutes", &turn.party_size, &turn.p90_minutes);
    }
    let waits = &report.walk_in_waits;
    let optional = |value: Option<f64>| value.map_or(String::new(), |v| v.to_string());
    row(
        "walkInMedianWaitMinutes",
        &"",
        &optional(waits.median_wait_minutes),
    );
    row(
        "walkInMedianQuotedMinutes",
        &"",
        &optional(waits.median_quoted_minutes),
    );
    row("walkInsWithinFiveMinutes", &"", &waits.within_five_minutes);
    for server in &report.covers_by_server {
        row("serverCovers", &server.user_id, &server.covers);
    }
    for hour in &report.occupancy_by_hour {
        row("occupancy", &hour.hour, &hour.occupancy);
    }
    csv
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use uuid::Uuid;

    use super::*;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, h, m, 0).unwrap()
    }

    fn party(
        size: i32,
        walk_in: bool,
        joined: (u32, u32),
        seated: (u32, u32),
        minutes: i64,
        quote: Option<i32>,
    ) -> Party {
        let seated_at = at(seated.0, seated.1);
        Party {
            party_size: size,
            walk_in,
            joined_at: at(joined.0, joined.1),
            seated_at,
            finished_at: Some(seated_at + Duration::minutes(minutes)),
            quoted_wait_minutes: quote,
            section: Some("Main".into()),
        }
    }

    fn records(
        parties: Vec<Party>,
        seatings: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)>,
    ) -> Records {
        Records {
            day: Day {
                date: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
                timezone: "UTC".into(),
                start: at(0, 0),
                end: at(0, 0) + Duration::days(1),
                now: at(23, 0),
                tables: 2,
            },
            parties,
            no_shows: 1,
            cancellations: 2,
            seatings,
            staffed: vec![Staffed {
                section: "Main".into(),
                user_id: Uuid::nil(),
                first_name: "Sam".into(),
                last_name: "Lee".into(),
            }],
        }
    }

    #[test]
    fn percentiles_interpolate_between_ranks() {
        let cases: [(&[f64], f64, Option<f64>); 5] = [
            (&[], 0.5, None),
            (&[60.0], 0.9, Some(60.0)),
            (&[60.0, 90.0], 0.5, Some(75.0)),
            (&[90.0, 60.0, 70.0], 0.5, Some(70.0)),
            (
                &[
                    10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0, 110.0,
                ],
                0.9,
                Some(100.0),
            ),
        ];
        for (values, p, expected) in cases {
            assert_eq!(
                percentile(&mut values.to_vec(), p),
                expected,
                "{values:?} {p}"
            );
        }
    }

    #[test]
    fn a_constructed_day_adds_up() {
        let parties = vec![
            party(2, true, (18, 0), (18, 10), 60, Some(10)),
            party(2, true, (18, 0), (18, 30), 90, Some(15)),
            party(4, false, (17, 0), (19, 0), 120, None),
        ];
        let report = compile(&records(
            parties,
            vec![(at(18, 30), Some(at(19, 30))), (at(22, 0), None)],
        ));

        assert_eq!(
            (
                report.parties.walk_ins,
                report.parties.reservations,
                report.parties.total
            ),
            (2, 1, 3)
        );
        assert_eq!(
            (
                report.covers.walk_ins,
                report.covers.reservations,
                report.covers.total
            ),
            (4, 4, 8)
        );
        let turns: Vec<(i32, usize, f64, f64)> = report
            .turn_times
            .iter()
            .map(|t| (t.party_size, t.parties, t.median_minutes, t.p90_minutes))
            .collect();
        assert_eq!(turns, [(2, 2, 75.0, 87.0), (4, 1, 120.0, 120.0)]);
        let waits = &report.walk_in_waits;
        assert_eq!(
            (waits.median_wait_minutes, waits.median_quoted_minutes),
            (Some(20.0), Some(12.5))
        );
        assert_eq!(
            (waits.within_five_minutes, waits.within_five_minutes_share),
            (1, Some(0.5))
        );
        assert_eq!(
            (
                report.covers_by_server[0].parties,
                report.covers_by_server[0].covers
            ),
            (3, 8)
        );
        let hours: Vec<(u32, f64, f64)> = report.occupancy_by_hour[18..23]
            .iter()
            .map(|h| (h.hour, h.occupied_table_minutes, h.occupancy))
            .collect();
        assert_eq!(
            hours,
            [
                (18, 30.0, 0.25),
                (19, 30.0, 0.25),
                (20, 0.0, 0.0),
                (21, 0.0, 0.0),
                (22, 60.0, 0.5)
            ]
        );
        assert_eq!(report.occupancy_by_hour.len(), 24);
        assert!(to_csv(&report).contains("\nparties,walkIns,2\n"));
    }
}
