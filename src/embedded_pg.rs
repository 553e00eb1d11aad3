//! A private PostgreSQL cluster, run from the server binaries installed on the
//! machine: the development default when `DATABASE_URL` is unset, and the test
//! harness's throwaway database server.
//!
//! The cluster is started by a tiny `sh` supervisor whose stdin is a pipe from
//! us. When we drop that pipe, or die in any way (even `kill -9`), the
//! supervisor reads end-of-file and stops PostgreSQL cleanly, so no server is
//! ever left behind. PostgreSQL refuses to run as root; as root we run it as
//! the `postgres` user that the distribution package creates.

use std::{
    fs,
    io::{BufRead, BufReader, Read},
    os::unix::{
        fs::{PermissionsExt, chown},
        process::CommandExt,
    },
    path::{Path, PathBuf},
    process::{Child, ChildStdin, Command, Stdio},
};

use anyhow::{Context, bail};
use sqlx::postgres::PgConnectOptions;

use crate::db::{self, statements};

/// The superuser that `initdb` creates inside the cluster.
pub const SUPERUSER: &str = "postgres";

/// Unix socket paths are limited to ~107 bytes; beyond this we move the socket.
const MAX_SOCKET_DIR_LEN: usize = 80;

const SUPERVISOR: &str = r#"
"$PGBIN/pg_ctl" start -w -t 120 -s -D "$PGDATA" -l "$PGLOG" >&2 || { echo failed; exit 1; }
echo ready
read -r _ || true
"$PGBIN/pg_ctl" stop -m fast -w -s -D "$PGDATA" >>"$PGLOG" 2>&1
if [ -n "${QTABLE_REMOVE_ON_EXIT:-}" ]; then rm -rf "$QTABLE_REMOVE_ON_EXIT"; fi
"#;

#[derive(Debug, Clone)]
pub struct ClusterOptions {
    /// Directory holding the cluster: `data/`, `postgres.log` and (usually) the socket.
    pub root: PathBuf,
    /// Trade durability for speed (`fsync=off`): only for throwaway test clusters.
    pub ephemeral: bool,
    pub max_connections: u32,
}

/// A running cluster; dropping it stops PostgreSQL.
#[derive(Debug)]
pub struct EmbeddedPostgres {
    supervisor: Child,
    stdin: Option<ChildStdin>,
    socket_dir: PathBuf,
    pub root: PathBuf,
}

/// The OS account the cluster runs as.
#[derive(Debug, Clone, Copy)]
struct RunAs {
    uid: u32,
    gid: u32,
}

impl EmbeddedPostgres {
    /// Initialises the cluster on first use, clears what a crash left behind,
    /// and starts it listening only on a Unix socket. Blocking.
    pub fn start(options: &ClusterOptions) -> anyhow::Result<Self> {
        let bin = find_postgres_bin()?;
        let run_as = cluster_user()?;
        let root = reachable_root(&options.root, run_as)?;
        prepare_dir(&root, run_as)?;
        let data = root.join("data");
        if !data.join("PG_VERSION").exists() {
            initdb(&bin, &data, run_as)?;
        }
        let socket_dir = socket_dir_for(&root, run_as)?;
        write_settings(&data, &socket_dir, options)?;
        clear_stale_server(&bin, &data, run_as)?;
        let mut supervisor = spawn_supervisor(&bin, &root, options, run_as)?;
        wait_until_ready(&mut supervisor, &root)?;
        let stdin = supervisor.stdin.take();
        Ok(Self {
            supervisor,
            stdin,
            socket_dir,
            root,
        })
    }

    /// Connection options for `database` as the cluster superuser, over the socket.
    pub fn connect_options(&self, database: &str) -> PgConnectOptions {
        PgConnectOptions::new()
            .socket(&self.socket_dir)
            .username(SUPERUSER)
            .database(database)
    }

    /// Stops PostgreSQL and waits for it to exit. Blocking.
    pub fn stop(mut self) -> anyhow::Result<()> {
        self.stop_and_wait()
    }

    fn stop_and_wait(&mut self) -> anyhow::Result<()> {
        drop(self.stdin.take());
        self.supervisor
            .wait()
            .context("waiting for PostgreSQL to stop")?;
        Ok(())
    }
}

impl Drop for EmbeddedPostgres {
    fn drop(&mut self) {
        if self.stdin.is_some() {
            let _ = self.stop_and_wait();
        }
    }
}

/// The database the embedded cluster serves.
macro_rules! database_name {
    () => {
        "qtable"
    };
}
pub const DATABASE: &str = database_name!();

statements! {
    DATABASE_EXISTS = "select exists(select 1 from pg_database where datname = $1)";
    // Identifiers cannot be bound, so the name is part of the constant.
    CREATE_DATABASE = concat!("create database ", database_name!());
}

/// Creates the service's database in the cluster if it does not exist yet.
pub async fn ensure_database(admin: &PgConnectOptions) -> anyhow::Result<()> {
    use sqlx::{ConnectOptions, Connection};
    let mut conn = admin
        .connect()
        .await
        .context("connecting to the embedded PostgreSQL")?;
    let exists: bool = db::query_scalar(DATABASE_EXISTS)
        .bind(DATABASE)
        .fetch_one(&mut conn)
        .await?;
    if !exists {
        sqlx::raw_sql(CREATE_DATABASE).execute(&mut conn).await?;
    }
    conn.close().await?;
    Ok(())
}

/// Double-quotes an SQL identifier.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Finds `initdb` and `pg_ctl`: on PATH, or in the places packages install them.
fn find_postgres_bin() -> anyhow::Result<PathBuf> {
    let mut candidates: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect())
        .unwrap_or_default();
    for pattern in ["/usr/lib/postgresql", "/opt/homebrew/opt", "/usr/local/opt"] {
        let mut versions: Vec<PathBuf> = fs::read_dir(pattern)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.to_string_lossy().contains("postgres") || pattern.contains("postgresql"))
            .collect();
        versions.sort_by_key(|p| std::cmp::Reverse(version_of(p)));
        candidates.extend(versions.into_iter().map(|p| p.join("bin")));
    }
    candidates.push("/usr/local/pgsql/bin".into());
    candidates.push("/Applications/Postgres.app/Contents/Versions/latest/bin".into());
    candidates
        .into_iter()
        .find(|dir| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file())
        .ok_or_else(|| {
            anyhow::anyhow!(
                "PostgreSQL server binaries (initdb, pg_ctl) were not found on PATH or in \
                 /usr/lib/postgresql/*/bin.\n  Debian/Ubuntu: sudo apt-get install postgresql\n  \
                 macOS: brew install postgresql@16\nor set DATABASE_URL to use an existing server."
            )
        })
}

/// The numeric version in a path such as `/usr/lib/postgresql/15` or `postgresql@16`.
fn version_of(path: &Path) -> u32 {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let digits: String = name.chars().filter(char::is_ascii_digit).collect();
    digits.parse().unwrap_or(0)
}

/// PostgreSQL refuses to run as root: as root, use the `postgres` account.
fn cluster_user() -> anyhow::Result<Option<RunAs>> {
    if !nix::unistd::geteuid().is_root() {
        return Ok(None);
    }
    let user = nix::unistd::User::from_name(SUPERUSER)?.with_context(|| {
        "PostgreSQL refuses to run as root, and there is no `postgres` user to run it as. \
         Install the postgresql package (which creates that user), run as a normal user, \
         or set DATABASE_URL."
    })?;
    Ok(Some(RunAs {
        uid: user.uid.as_raw(),
        gid: user.gid.as_raw(),
    }))
}

/// The cluster user must be able to reach its directory through every parent.
/// A checkout under a private home (e.g. /root) is not reachable, so the
/// cluster then lives in a stable place of its own, keyed by the requested path.
fn reachable_root(requested: &Path, run_as: Option<RunAs>) -> anyhow::Result<PathBuf> {
    fs::create_dir_all(requested).with_context(|| format!("creating {}", requested.display()))?;
    let requested = requested.canonicalize()?;
    let Some(run_as) = run_as else {
        return Ok(requested);
    };
    let parents_reachable = requested
        .ancestors()
        .skip(1)
        .all(|dir| fs::metadata(dir).is_ok_and(|m| traversable_by(&m, run_as)));
    if parents_reachable {
        return Ok(requested);
    }
    let fallback = Path::new("/var/lib/qtable/clusters").join(short_hash(&requested));
    tracing::warn!(
        requested = %requested.display(),
        actual = %fallback.display(),
        "the postgres user cannot reach the data directory; keeping the cluster elsewhere"
    );
    Ok(fallback)
}

fn traversable_by(meta: &fs::Metadata, run_as: RunAs) -> bool {
    use std::os::unix::fs::MetadataExt;
    let mode = meta.mode();
    mode & 0o001 != 0
        || (meta.uid() == run_as.uid && mode & 0o100 != 0)
        || (meta.gid() == run_as.gid && mode & 0o010 != 0)
}

fn short_hash(path: &Path) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(&Sha256::digest(path.as_os_str().as_encoded_bytes())[..8])
}

fn prepare_dir(dir: &Path, run_as: Option<RunAs>) -> anyhow::Result<()> {
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
    if let Some(run_as) = run_as {
        chown(dir, Some(run_as.uid), Some(run_as.gid))
            .with_context(|| format!("giving {} to the postgres user", dir.display()))?;
    }
    Ok(())
}

/// The socket lives beside the data unless that path is too long for a socket.
fn socket_dir_for(root: &Path, run_as: Option<RunAs>) -> anyhow::Result<PathBuf> {
    if root.as_os_str().len() <= MAX_SOCKET_DIR_LEN {
        return Ok(root.to_path_buf());
    }
    let dir = std::env::temp_dir().join(format!("qtable-pg-{}", short_hash(root)));
    prepare_dir(&dir, run_as)?;
    Ok(dir)
}

fn command(program: PathBuf, run_as: Option<RunAs>) -> Command {
    let mut cmd = Command::new(program);
    if let Some(run_as) = run_as {
        cmd.uid(run_as.uid).gid(run_as.gid);
    }
    // Our own terminal's Ctrl-C must not reach PostgreSQL: we stop it ourselves, last.
    cmd.process_group(0);
    cmd
}

fn run(mut cmd: Command, what: &str) -> anyhow::Result<()> {
    let output = cmd.output().with_context(|| format!("running {what}"))?;
    if !output.status.success() {
        bail!(
            "{what} failed ({}): {}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}

fn initdb(bin: &Path, data: &Path, run_as: Option<RunAs>) -> anyhow::Result<()> {
    tracing::info!(data = %data.display(), "initialising a new PostgreSQL cluster");
    let mut cmd = command(bin.join("initdb"), run_as);
    cmd.arg("-D")
        .arg(data)
        .args([
            "-U",
            SUPERUSER,
            "-E",
            "UTF8",
            "--locale=C",
            "--auth-local=trust",
        ])
        .args(["--auth-host=reject", "--no-instructions"]);
    run(cmd, "initdb")?;
    // Our settings live in a file of their own, rewritten at every start.
    let conf = data.join("postgresql.conf");
    let mut text = fs::read_to_string(&conf)?;
    text.push_str("\ninclude_if_exists = 'qtable.conf'\n");
    fs::write(conf, text)?;
    Ok(())
}

fn write_settings(data: &Path, socket_dir: &Path, options: &ClusterOptions) -> anyhow::Result<()> {
    let mut settings = format!(
        "listen_addresses = ''\nunix_socket_directories = '{}'\nmax_connections = {}\n",
        socket_dir.display().to_string().replace('\'', "''"),
        options.max_connections
    );
    if options.ephemeral {
        settings.push_str("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n");
    }
    let path = data.join("qtable.conf");
    fs::write(&path, settings)?;
    // The file is written by us (maybe root) but read by the cluster user.
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644))?;
    Ok(())
}

/// After a crash, a server may still run on this data directory (its
/// supervisor was killed with it) or its pid file may name a dead or unrelated
/// process. Stop the former, remove the latter.
fn clear_stale_server(bin: &Path, data: &Path, run_as: Option<RunAs>) -> anyhow::Result<()> {
    let pid_file = data.join("postmaster.pid");
    let Ok(contents) = fs::read_to_string(&pid_file) else {
        return Ok(());
    };
    let pid: i32 = contents
        .lines()
        .next()
        .unwrap_or("")
        .trim()
        .parse()
        .unwrap_or(0);
    if pid > 0 && is_postgres_process(pid) {
        tracing::warn!(
            pid,
            "stopping a PostgreSQL left running by an earlier crash"
        );
        let mut cmd = command(bin.join("pg_ctl"), run_as);
        cmd.args(["stop", "-m", "fast", "-w", "-s", "-D"]).arg(data);
        return run(cmd, "pg_ctl stop");
    }
    tracing::warn!("removing a stale postmaster.pid left by a crash");
    fs::remove_file(pid_file)?;
    Ok(())
}

fn is_postgres_process(pid: i32) -> bool {
    let alive = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None).is_ok();
    let comm = fs::read_to_string(format!("/proc/{pid}/comm"));
    // Where /proc exists, a live pid must also be a postgres process (pids get reused).
    alive && comm.map_or(true, |c| c.trim().starts_with("postgres"))
}

fn spawn_supervisor(
    bin: &Path,
    root: &Path,
    options: &ClusterOptions,
    run_as: Option<RunAs>,
) -> anyhow::Result<Child> {
    let mut cmd = command("sh".into(), run_as);
    cmd.args(["-c", SUPERVISOR])
        .env("PGBIN", bin)
        .env("PGDATA", root.join("data"))
        .env("PGLOG", root.join("postgres.log"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if options.ephemeral {
        cmd.env("QTABLE_REMOVE_ON_EXIT", root);
    }
    cmd.spawn().context("starting PostgreSQL")
}

/// The supervisor prints `ready` once `pg_ctl start -w` has seen the server accept connections.
fn wait_until_ready(supervisor: &mut Child, root: &Path) -> anyhow::Result<()> {
    let stdout = supervisor.stdout.take().context("supervisor stdout")?;
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line)?;
    if line.trim() == "ready" {
        return Ok(());
    }
    let mut stderr = String::new();
    if let Some(mut err) = supervisor.stderr.take() {
        let _ = err.read_to_string(&mut stderr);
    }
    let log = fs::read_to_string(root.join("postgres.log")).unwrap_or_default();
    let tail: Vec<&str> = log.lines().rev().take(15).collect();
    let tail: Vec<&str> = tail.into_iter().rev().collect();
    bail!(
        "PostgreSQL did not start: {}\n{}",
        stderr.trim(),
        tail.join("\n")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_sort_numerically() {
        assert_eq!(version_of(Path::new("/usr/lib/postgresql/15")), 15);
        assert_eq!(version_of(Path::new("/opt/homebrew/opt/postgresql@16")), 16);
        assert!(version_of(Path::new("/usr/lib/postgresql/9")) < version_of(Path::new("/x/10")));
    }

    #[test]
    fn identifiers_are_quoted() {
        assert_eq!(quote_ident("t_1"), "\"t_1\"");
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
    }
}
