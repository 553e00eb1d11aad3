//! Sign-ins hash passwords on blocking threads: eight at once must not slow
//! the floor plan. Both run side by side and both are timed.

use std::{
    path::Path,
    time::{Duration, Instant},
};

use anyhow::bail;

use crate::{
    http_load::{self, WrkRun},
    seed::{PASSWORD, email},
    stats::percentile,
};

const CONCURRENT_LOGINS: u32 = 8;
/// Connections reading the floor plan while the logins run.
const READERS: u32 = 16;

pub struct LoginRun {
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub logins: usize,
    pub get_tables: WrkRun,
}

/// Eight clients sign in back to back for `seconds` while wrk reads tables.
pub async fn measure(base_url: &str, get_tables: &Path, seconds: u32) -> anyhow::Result<LoginRun> {
    let until = Instant::now() + Duration::from_secs(seconds.into());
    let script = get_tables.to_path_buf();
    let base = base_url.to_owned();
    let readers =
        tokio::task::spawn_blocking(move || http_load::run(&script, &base, READERS, seconds));
    let signers: Vec<_> = (1..=CONCURRENT_LOGINS)
        .map(|n| tokio::spawn(sign_in_until(base_url.to_owned(), email(n, 2), until)))
        .collect();
    let mut latencies = Vec::new();
    for signer in signers {
        latencies.extend(signer.await??);
    }
    Ok(LoginRun {
        logins: latencies.len(),
        p50_ms: percentile(&mut latencies, 50.0),
        p99_ms: percentile(&mut latencies, 99.0),
        get_tables: readers.await??,
    })
}

async fn sign_in_until(
    base_url: String,
    email: String,
    until: Instant,
) -> anyhow::Result<Vec<f64>> {
    let client = reqwest::Client::new();
    let body = serde_json::json!({ "email": email, "password": PASSWORD });
    let mut latencies = Vec::new();
    while Instant::now() < until {
        let started = Instant::now();
        let response = client
            .post(format!("{base_url}/auth/login"))
            .json(&body)
            .send()
            .await?;
        if !response.status().is_success() {
            bail!("login answered {}", response.status());
        }
        response.bytes().await?;
        latencies.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    Ok(latencies)
}
