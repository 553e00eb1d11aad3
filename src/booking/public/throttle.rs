//! The public surface's rate limit: `PUBLIC_RATE_LIMIT` requests a minute
//! per client address (a cell every 60/N seconds, bursts up to N), else 429
//! with `Retry-After`. Counts live in this instance's memory, as sign-in's
//! do: behind a load balancer each instance counts on its own.

use std::{
    net::{IpAddr, Ipv4Addr, SocketAddr},
    num::NonZeroU32,
    sync::{Arc, OnceLock},
};

use axum::{
    Extension,
    extract::{ConnectInfo, FromRequestParts},
    http::request::Parts,
};
use governor::{
    DefaultKeyedRateLimiter, Quota, RateLimiter,
    clock::{Clock, DefaultClock},
};

use crate::{error::ApiError, state::AppState};

/// Beyond this many tracked addresses, those back to a full allowance are forgotten.
const FORGET_AT: usize = 100_000;

/// One instance's counts, made on first use from the configured limit.
#[derive(Default)]
pub struct PublicThrottle {
    limiter: OnceLock<DefaultKeyedRateLimiter<IpAddr>>,
}

impl PublicThrottle {
    fn check(&self, per_minute: NonZeroU32, address: IpAddr) -> Result<(), ApiError> {
        let limiter = self
            .limiter
            .get_or_init(|| RateLimiter::keyed(Quota::per_minute(per_minute)));
        if limiter.len() > FORGET_AT {
            limiter.retain_recent();
        }
        limiter.check_key(&address).map_err(|refused| {
            let wait = refused.wait_time_from(DefaultClock::default().now());
            ApiError::TooManyRequests {
                retry_after: wait.as_secs().max(1),
            }
        })
    }
}

/// A public request its client address may make now.
pub struct Throttled;

impl FromRequestParts<AppState> for Throttled {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Extension(throttle) =
            Extension::<Arc<PublicThrottle>>::from_request_parts(parts, state)
                .await
                .map_err(|e| ApiError::Internal(anyhow::anyhow!("public throttle: {e}")))?;
        // Only an in-process caller (no socket) has no address.
        let address = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |ConnectInfo(peer)| {
                peer.ip()
            });
        throttle.check(state.config.public_rate_limit, address)?;
        Ok(Self)
    }
}
