//! The release server under test, run as its own process exactly as in production.

use std::{
    net::TcpListener,
    path::Path,
    process::Stdio,
    time::{Duration, Instant},
};

use anyhow::{Context, bail};
use nix::{sys::signal::Signal, unistd::Pid};
use tokio::process::{Child, Command};

/// Tuning knobs the server may take from the bench's environment, for
/// experiments (`DB_POOL_SIZE=4 scripts/bench`); everything else is fixed.
const PASSED_THROUGH: [&str; 3] = ["DB_POOL_SIZE", "TOKIO_WORKER_THREADS", "RUST_LOG"];

pub struct Server {
    child: Child,
    pub port: u16,
}

impl Server {
    /// Starts `binary` against `database_url` (and `redis_url`, to fan out
    /// to other instances) and returns once `/health` answers 200, with the
    /// time that took.
    pub async fn start(
        binary: &Path,
        database_url: &str,
        secret: &str,
        data_dir: &Path,
        redis_url: Option<&str>,
    ) -> anyhow::Result<(Self, Duration)> {
        let port = free_port()?;
        let started = Instant::now();
        let child = Command::new(binary)
            .arg("serve")
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("ENVIRONMENT", "production")
            .env("DATABASE_URL", database_url)
            .env("SECRET_KEY", secret)
            .env("HOST", "127.0.0.1")
            .env("PORT", port.to_string())
            // Every client of the bench has one address: the public
            // surface's limit would be all the bench measured.
            .env("PUBLIC_RATE_LIMIT", "1000000000")
            .envs(redis_url.map(|url| ("REDIS_URL", url)))
            .envs(std::env::vars().filter(|(name, _)| PASSED_THROUGH.contains(&name.as_str())))
            .env("QTABLE_DATA_DIR", data_dir)
            // The live load opens about a hundred sockets per sign-in.
            .env("LIVE_SOCKETS_PER_SESSION", "100000")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let mut server = Self { child, port };
        server.wait_healthy().await?;
        Ok((server, started.elapsed()))
    }

    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Polls `/health` until it answers 200; the server's own start-up is what is timed.
    async fn wait_healthy(&mut self) -> anyhow::Result<()> {
        let client = reqwest::Client::new();
        let url = format!("{}/health", self.base_url());
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait()? {
                bail!("the server exited during start-up: {status}");
            }
            if let Ok(response) = client.get(&url).send().await
                && response.status().is_success()
            {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        bail!("the server did not become healthy within 30 s")
    }

    /// Resident memory of the server process, in bytes.
    pub fn rss_bytes(&self) -> anyhow::Result<u64> {
        let pid = self.child.id().context("server already exited")?;
        let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
        let kib: u64 = status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
            .context("no VmRSS in /proc status")?;
        Ok(kib * 1024)
    }

    /// SIGKILL: the process ends at once, mid-request, as in a crash.
    pub async fn kill(&mut self) -> anyhow::Result<()> {
        self.child.kill().await?;
        Ok(())
    }

    /// SIGTERM, then waits for the graceful exit.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(pid) = self.child.id() {
            nix::sys::signal::kill(Pid::from_raw(pid as i32), Signal::SIGTERM)?;
        }
        self.child.wait().await?;
        Ok(())
    }
}

pub fn free_port() -> anyhow::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}
