//! What the tests run beside the service (redis-server, pgbouncer, chromium
//! and playwright-core) is installed by `scripts/test-tools` when missing:
//! the first test that needs one runs it, once per test process, so
//! `cargo test` on a fresh machine sets up what it needs (as root; as
//! another user the script names the command to run).

use std::{
    path::{Path, PathBuf},
    process::Command,
    sync::Mutex,
};

/// Runs the installer unless `present` already holds; panics with its
/// output if it fails or leaves `present` false.
pub fn ensure(what: &str, present: impl Fn() -> bool) {
    // One installer at a time: apt-get takes a lock of its own.
    static INSTALLING: Mutex<()> = Mutex::new(());
    let _installing = INSTALLING.lock().unwrap_or_else(|e| e.into_inner());
    if present() {
        return;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/test-tools");
    let output = Command::new(&script)
        .env("CARGO_TARGET_DIR", target_dir())
        .output()
        .expect("running scripts/test-tools");
    assert!(
        output.status.success() && present(),
        "{what} is missing and scripts/test-tools could not install it:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Whether `program` is in a directory of the PATH.
pub fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
}

/// The build's target folder (`CARGO_TARGET_DIR` included): a test binary
/// runs from `<target>/debug/deps/`.
pub fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    exe.ancestors()
        .nth(3)
        .expect("<target>/debug/deps")
        .to_path_buf()
}
