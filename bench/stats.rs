//! Summaries: percentiles of one run, and the median of several runs with their spread.

use std::fmt;

/// The `p`-th percentile (0-100) of `samples`, by nearest rank.
pub fn percentile(samples: &mut [f64], p: f64) -> f64 {
    if samples.is_empty() {
        return f64::NAN;
    }
    samples.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * samples.len() as f64).ceil() as usize;
    samples[rank.clamp(1, samples.len()) - 1]
}

/// One figure over several runs: its median, and the lowest and highest run.
#[derive(Debug, Clone, Copy)]
pub struct Figure {
    pub median: f64,
    pub min: f64,
    pub max: f64,
}

impl Figure {
    pub fn of(runs: &[f64]) -> Self {
        let mut sorted = runs.to_vec();
        Self {
            median: percentile(&mut sorted, 50.0),
            min: sorted.first().copied().unwrap_or(f64::NAN),
            max: sorted.last().copied().unwrap_or(f64::NAN),
        }
    }

    /// The figure of one measure read off each run.
    pub fn of_each<T>(runs: &[T], measure: impl Fn(&T) -> f64) -> Self {
        Self::of(&runs.iter().map(measure).collect::<Vec<_>>())
    }

    /// Spread as a percentage of the median: (max - min) / median.
    pub fn spread_pct(&self) -> f64 {
        if self.median == 0.0 {
            0.0
        } else {
            100.0 * (self.max - self.min) / self.median
        }
    }
}

impl fmt::Display for Figure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let precision = if self.median >= 100.0 {
            0
        } else if self.median >= 10.0 {
            1
        } else {
            2
        };
        write!(
            f,
            "{:.*} ±{:.0}%",
            precision,
            self.median,
            self.spread_pct() / 2.0
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let mut samples: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&mut samples, 50.0), 50.0);
        assert_eq!(percentile(&mut samples, 99.0), 99.0);
        assert_eq!(percentile(&mut samples, 100.0), 100.0);
    }

    #[test]
    fn median_and_spread_of_runs() {
        let figure = Figure::of(&[10.0, 12.0, 11.0]);
        assert_eq!(figure.median, 11.0);
        assert_eq!((figure.min, figure.max), (10.0, 12.0));
    }
}
