//! Running the external load generators (wrk, pgbench).

use std::process::Command;

use anyhow::{Context, bail};

/// Runs `command` to completion and returns what it printed; a failure
/// carries both its outputs, and a missing tool says how to get it.
pub fn stdout_of(command: &mut Command, how_to_install: &str) -> anyhow::Result<String> {
    let name = command.get_program().to_string_lossy().into_owned();
    let output = command
        .output()
        .with_context(|| format!("running {name} ({how_to_install})"))?;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    if !output.status.success() {
        bail!(
            "{name} failed: {stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(stdout)
}
