//! The soak's processes beside the instances: one Redis for their fan-out and
//! HAProxy in front of them, each on a free loopback port, killed when dropped.

use std::{
    fmt::Write as _,
    path::Path,
    process::Stdio,
    time::{Duration, Instant},
};

use anyhow::{Context, bail};
use tokio::process::{Child, Command};

use crate::server::free_port;

/// How often HAProxy checks each instance's `/health`, and how many failures
/// in a row take it out: a killed instance leaves within about a second.
const CHECK_EVERY: &str = "500ms";
const CHECK_FALLS: u32 = 2;

/// A child process listening on `port`.
pub struct Daemon {
    _child: Child,
    pub port: u16,
}

impl Daemon {
    fn spawn(command: &mut Command, port: u16, how_to_install: &str) -> anyhow::Result<Self> {
        let name = command
            .as_std()
            .get_program()
            .to_string_lossy()
            .into_owned();
        let child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {name} ({how_to_install})"))?;
        Ok(Self {
            _child: child,
            port,
        })
    }

    /// Waits until the port accepts connections.
    async fn accepting(self) -> anyhow::Result<Self> {
        let deadline = Instant::now() + Duration::from_secs(10);
        while tokio::net::TcpStream::connect(("127.0.0.1", self.port))
            .await
            .is_err()
        {
            if Instant::now() > deadline {
                bail!("nothing listens on port {} after 10 s", self.port);
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Ok(self)
    }
}

/// A private Redis: nothing persisted, as the service keeps nothing in it.
pub async fn redis() -> anyhow::Result<Daemon> {
    let port = free_port()?;
    let mut command = Command::new("redis-server");
    command
        .args(["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        .args(["--port", &port.to_string()])
        .stderr(Stdio::null());
    Daemon::spawn(&mut command, port, "apt-get install redis-server")?
        .accepting()
        .await
}

/// HAProxy balancing over the instances on `backends`, with the settings
/// docs/deploy.md recommends; its configuration is written into `dir`.
pub async fn haproxy(dir: &Path, backends: &[u16]) -> anyhow::Result<Daemon> {
    let port = free_port()?;
    let config = dir.join("haproxy.cfg");
    std::fs::write(&config, haproxy_config(port, backends))?;
    let mut command = Command::new("haproxy");
    command
        .arg("-db") // in the foreground, so it dies with us
        .arg("-f")
        .arg(&config)
        .stderr(Stdio::inherit());
    Daemon::spawn(&mut command, port, "apt-get install haproxy")?
        .accepting()
        .await
}

/// The configuration: round robin over `backends` named `q1`, `q2`, …;
/// each response says which one served it (`X-Served-By`).
fn haproxy_config(port: u16, backends: &[u16]) -> String {
    let mut config = format!(
        "global
    maxconn 4096

defaults
    mode http
    timeout connect 1s
    # A request and its response; above the instances' REQUEST_TIMEOUT_SECS
    # (15), so a slow request gets their 503 rather than HAProxy's 504.
    timeout client 30s
    timeout server 30s
    # Idle keep-alive from clients (ours keep theirs 2 s).
    timeout http-keep-alive 10s
    # An upgraded live socket: longer than LIVE_IDLE_SECS (90), so the
    # server's 30 s pings keep it open and the server decides when it is dead.
    timeout tunnel 120s
    # A request that could not connect to an instance (nothing sent yet)
    # is retried on another one; one already sent is never retried, since
    # a write may have committed before its instance died.
    option redispatch 1
    retries 2

frontend live
    bind 127.0.0.1:{port}
    default_backend qtable

backend qtable
    balance roundrobin
    option httpchk GET /health
    http-check expect status 200
    http-response set-header X-Served-By %s
    # A crash is seen at once (the check's connection is refused); the
    # timeout is for an instance that answers slowly, which under load
    # /health may (it answers 503 within 3 s when the database does not).
    timeout check 4s
    default-server check inter {CHECK_EVERY} fall {CHECK_FALLS} rise 2
"
    );
    for (n, backend) in backends.iter().enumerate() {
        let _ = writeln!(config, "    server q{} 127.0.0.1:{backend}", n + 1);
    }
    config
}
