//! Failed sign-ins are counted per email and per client address; past the
//! limit within the window, attempts get 429 with `Retry-After`. A success
//! clears the email's count. Counts live in this instance's memory: behind a
//! load balancer each instance counts on its own.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use crate::error::ApiError;

pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Failures allowed per email within the window.
pub const PER_EMAIL: u32 = 10;
/// Failures allowed per client address: higher, since a restaurant's iPads share one.
pub const PER_ADDRESS: u32 = 50;
/// Beyond this many tracked keys, expired ones are swept.
const SWEEP_AT: usize = 10_000;

#[derive(Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

/// The keys one attempt is counted under, with their limits.
pub fn keys(email: &str, address: std::net::IpAddr) -> [(String, u32); 2] {
    [
        (format!("email:{}", email.to_lowercase()), PER_EMAIL),
        (format!("addr:{address}"), PER_ADDRESS),
    ]
}

impl LoginThrottle {
    /// 429 when any key is over its limit.
    pub fn check(&self, keys: &[(String, u32)]) -> Result<(), ApiError> {
        let failures = self.failures.lock().expect("throttle lock");
        for (key, limit) in keys {
            if let Some((count, started)) = failures.get(key)
                && *count >= *limit
                && started.elapsed() < WINDOW
            {
                let retry_after = (WINDOW - started.elapsed()).as_secs().max(1);
                return Err(ApiError::TooManyRequests { retry_after });
            }
        }
        Ok(())
    }

    pub fn record_failure(&self, keys: &[(String, u32)]) {
        let mut failures = self.failures.lock().expect("throttle lock");
        if failures.len() > SWEEP_AT {
            failures.retain(|_, (_, started)| started.elapsed() < WINDOW);
        }
        for (key, _) in keys {
            let entry = failures.entry(key.clone()).or_insert((0, Instant::now()));
            if entry.1.elapsed() >= WINDOW {
                *entry = (0, Instant::now());
            }
            entry.0 += 1;
        }
    }

    pub fn reset(&self, key: &str) {
        self.failures.lock().expect("throttle lock").remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_eleventh_attempt_after_ten_failures_is_throttled_until_a_reset() {
        let throttle = LoginThrottle::default();
        let keys = keys("A@b.c", [10, 0, 0, 1].into());
        for _ in 0..PER_EMAIL {
            throttle.check(&keys).unwrap();
            throttle.record_failure(&keys);
        }
        assert!(
            matches!(throttle.check(&keys), Err(ApiError::TooManyRequests { retry_after }) if retry_after > 0)
        );
        throttle.reset(&keys[0].0);
        throttle.check(&keys).unwrap();
    }
}
