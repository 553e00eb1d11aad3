//! What the soak's report checks, as pure functions of what the clients saw
//! and what the database holds afterwards.

use std::{
    collections::{HashMap, HashSet},
    hash::Hash,
    ops::Range,
    time::Duration,
};

/// How one socket's events compare with the log after its first `hello`.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Delivery {
    /// In the log, never received.
    pub lost: usize,
    /// Received again after the first time.
    pub duplicated: usize,
    /// Received after a later `seq` had been.
    pub out_of_order: usize,
    /// Received, but not in the log.
    pub unexpected: usize,
}

impl Delivery {
    pub fn is_exact(self) -> bool {
        self == Self::default()
    }

    pub fn add(&mut self, other: Self) {
        self.lost += other.lost;
        self.duplicated += other.duplicated;
        self.out_of_order += other.out_of_order;
        self.unexpected += other.unexpected;
    }
}

/// Compares the `seq`s a socket received, in arrival order, with the log's
/// `expected` ones: exact when every one arrived once, in order.
pub fn delivery(expected: &[i64], received: &[i64]) -> Delivery {
    let wanted: HashSet<i64> = expected.iter().copied().collect();
    let mut seen: HashMap<i64, usize> = HashMap::new();
    let mut result = Delivery::default();
    let mut highest = i64::MIN;
    for &seq in received {
        let times = seen.entry(seq).or_default();
        *times += 1;
        if *times > 1 {
            result.duplicated += 1;
        } else if seq < highest {
            result.out_of_order += 1;
        }
        if !wanted.contains(&seq) && *times == 1 {
            result.unexpected += 1;
        }
        highest = highest.max(seq);
    }
    result.lost = wanted.iter().filter(|seq| !seen.contains_key(seq)).count();
    result
}

/// Numbers missing between the lowest and highest of a restaurant's logged
/// `seq`s (sorted): the log itself must be gap-free.
pub fn gaps(sorted: &[i64]) -> usize {
    sorted
        .windows(2)
        .map(|pair| usize::try_from(pair[1] - pair[0] - 1).unwrap_or(0))
        .sum()
}

/// The acknowledged writes the database does not hold.
pub fn lost<'a, K: Eq + Hash>(acknowledged: &'a [K], stored: &HashSet<K>) -> Vec<&'a K> {
    acknowledged
        .iter()
        .filter(|key| !stored.contains(key))
        .collect()
}

/// A client request that failed, from when it was sent to when it failed
/// (since the load began), and how (a status, or the connection).
#[derive(Debug, Clone)]
pub struct Failure {
    pub sent: Duration,
    pub failed: Duration,
    pub what: String,
}

/// Failures split by whether the request was in flight while the instance
/// died (sent before it was gone, failed once the kill was sent): only those may fail.
pub fn in_flight_at(dying: Range<Duration>, failures: &[Failure]) -> (usize, usize) {
    let in_flight = failures
        .iter()
        .filter(|f| f.sent <= dying.end && f.failed >= dying.start)
        .count();
    (in_flight, failures.len() - in_flight)
}

/// Failures of one kind: how many, and when the first and the last failed.
#[derive(Debug, PartialEq, Eq)]
pub struct FailureKind {
    pub what: String,
    pub count: usize,
    pub first: Duration,
    pub last: Duration,
}

/// `failures` by kind, most frequent first.
pub fn kinds(failures: &[Failure]) -> Vec<FailureKind> {
    let mut kinds: Vec<FailureKind> = Vec::new();
    for failure in failures {
        match kinds.iter_mut().find(|kind| kind.what == failure.what) {
            Some(kind) => {
                kind.count += 1;
                kind.first = kind.first.min(failure.failed);
                kind.last = kind.last.max(failure.failed);
            }
            None => kinds.push(FailureKind {
                what: failure.what.clone(),
                count: 1,
                first: failure.failed,
                last: failure.failed,
            }),
        }
    }
    kinds.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.what.cmp(&b.what)));
    kinds
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delivery_counts_each_kind_of_fault() {
        let log = [11, 12, 13, 14, 15];
        let cases: [(&[i64], Delivery); 6] = [
            (&[11, 12, 13, 14, 15], Delivery::default()),
            (
                &[11, 12, 14, 15],
                Delivery {
                    lost: 1,
                    ..Delivery::default()
                },
            ),
            (
                &[11, 12, 13, 13, 14, 15],
                Delivery {
                    duplicated: 1,
                    ..Delivery::default()
                },
            ),
            (
                &[11, 13, 12, 14, 15],
                Delivery {
                    out_of_order: 1,
                    ..Delivery::default()
                },
            ),
            (
                &[11, 12, 13, 14, 15, 16],
                Delivery {
                    unexpected: 1,
                    ..Delivery::default()
                },
            ),
            (
                &[],
                Delivery {
                    lost: 5,
                    ..Delivery::default()
                },
            ),
        ];
        for (received, want) in cases {
            assert_eq!(delivery(&log, received), want, "{received:?}");
        }
    }

    #[test]
    fn a_replay_after_reconnecting_that_repeats_the_last_event_is_a_duplicate() {
        // A client that reconnected with `since` one too low gets 12 again.
        let got = delivery(&[11, 12, 13], &[11, 12, 12, 13]);
        assert_eq!(got.duplicated, 1);
        assert_eq!(got.out_of_order, 0);
        assert!(!got.is_exact());
    }

    #[test]
    fn gaps_counts_missing_numbers_of_the_log() {
        assert_eq!(gaps(&[]), 0);
        assert_eq!(gaps(&[4]), 0);
        assert_eq!(gaps(&[1, 2, 3]), 0);
        assert_eq!(gaps(&[1, 2, 5, 6, 8]), 3);
    }

    #[test]
    fn lost_names_acknowledged_writes_missing_from_the_database() {
        let stored: HashSet<&str> = ["a", "b"].into();
        assert_eq!(lost(&["a", "b", "c"], &stored), [&"c"]);
        assert!(lost(&["b"], &stored).is_empty());
    }

    #[test]
    fn only_requests_spanning_the_kill_count_as_in_flight() {
        let failures = [
            failure(900, 1_000, "502"),
            failure(990, 1_010, "502"),
            failure(1_004, 1_006, "502"),
            failure(500, 900, "502"),
            failure(1_200, 1_300, "502"),
        ];
        let dying = Duration::from_millis(1_000)..Duration::from_millis(1_005);
        assert_eq!(in_flight_at(dying, &failures), (3, 2));
    }

    #[test]
    fn kinds_counts_each_failure_and_when_it_happened() {
        let failures = [
            failure(0, 300, "502"),
            failure(0, 100, "connection reset"),
            failure(0, 200, "502"),
        ];
        let kind = |what: &str, count, first, last| FailureKind {
            what: what.into(),
            count,
            first: Duration::from_millis(first),
            last: Duration::from_millis(last),
        };
        assert_eq!(
            kinds(&failures),
            [
                kind("502", 2, 200, 300),
                kind("connection reset", 1, 100, 100)
            ]
        );
    }

    fn failure(sent: u64, failed: u64, what: &str) -> Failure {
        Failure {
            sent: Duration::from_millis(sent),
            failed: Duration::from_millis(failed),
            what: what.into(),
        }
    }
}
