//! The host stand at `/app`: its headers over HTTP, and the page itself in
//! real Chromium (tests/browser/host_stand.mjs, driven by playwright-core)
//! against this test's server and database. `scripts/test-tools` installs
//! the browser and the driver when they are missing.

use std::{
    path::{Path, PathBuf},
    process::Stdio,
    time::Duration,
};

use crate::helpers::{
    TestApp,
    tools::{ensure, on_path, target_dir},
};

#[tokio::test]
async fn the_host_stand_page_and_its_assets_are_served_with_a_strict_policy() {
    let app = TestApp::spawn().await;

    for (path, media_type) in [
        ("/app", "text/html"),
        ("/app/main.js", "text/javascript"),
        ("/app/app.css", "text/css"),
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        let header = |name: &str| response.headers()[name].to_str().unwrap().to_owned();
        assert!(header("content-type").starts_with(media_type), "{path}");
        assert_eq!(header("x-content-type-options"), "nosniff");
        let policy = header("content-security-policy");
        assert!(
            policy.starts_with("default-src 'self'; script-src 'self';"),
            "{policy}"
        );
        let sockets = format!(
            "connect-src 'self' ws://127.0.0.1:{0} wss://127.0.0.1:{0};",
            app.port
        );
        assert!(policy.contains(&sockets), "{policy}");
        assert!(!policy.contains("unsafe"), "{policy}");
    }
    let missing = app.get("/app/missing.js").await;
    assert_eq!(missing.status(), 404);
    assert_eq!(
        missing.json::<serde_json::Value>().await.unwrap()["code"],
        "not_found"
    );
}

/// Where the tools are: Debian's chromium and the playwright-core package
/// (installed by `scripts/test-tools` when missing).
struct BrowserTools {
    chromium: PathBuf,
    playwright: PathBuf,
}

impl BrowserTools {
    fn find() -> Self {
        let tools = BrowserTools {
            chromium: PathBuf::from("/usr/bin/chromium"),
            playwright: target_dir().join("browser-tools/node_modules/playwright-core"),
        };
        let present = || {
            on_path("node")
                && tools.chromium.exists()
                && tools.playwright.join("index.mjs").exists()
        };
        ensure("Chromium, Node.js or playwright-core", present);
        tools
    }
}

#[tokio::test]
async fn two_hosts_run_the_host_stand_together_in_real_chromium() {
    let tools = BrowserTools::find();
    let app = TestApp::spawn().await;
    let artifacts = target_dir().join("browser-artifacts");
    std::fs::create_dir_all(&artifacts).expect("the artifacts folder");
    let screenshot = artifacts.join("host-stand-floor.png");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/host_stand.mjs");

    let run = tokio::process::Command::new("node")
        .arg(script)
        .env("QTABLE_URL", &app.address)
        .env("PLAYWRIGHT_CORE", &tools.playwright)
        .env("CHROMIUM", &tools.chromium)
        .env("SCREENSHOT", &screenshot)
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(Duration::from_secs(120), run)
        .await
        .expect("the browser run finishes within two minutes")
        .expect("node starts");

    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the browser run failed:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("host stand: all browser checks passed"),
        "{stdout}"
    );
    assert!(
        screenshot.exists(),
        "the floor's screenshot at {}",
        screenshot.display()
    );
}
