//! The bounds on connections, over raw sockets: a request head sent half
//! way and a kept-alive connection left idle are closed after the header
//! read timeout while others are served, and connections over the cap are
//! answered 503 until some close.

use std::time::{Duration, Instant};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

use crate::helpers::{TestApp, test_config, ws::connect};

const TIMEOUT: Duration = Duration::from_secs(1);
const HEALTH: &[u8] = b"GET /health HTTP/1.1\r\nhost: qtable.test\r\n\r\n";

async fn app_with(max_connections: usize) -> TestApp {
    let mut config = test_config();
    config.header_read_timeout = TIMEOUT;
    config.max_connections = max_connections;
    TestApp::spawn_with(config).await
}

async fn open_socket(app: &TestApp) -> TcpStream {
    TcpStream::connect(("127.0.0.1", app.port))
        .await
        .expect("connect")
}

/// Reads one response head and its body (the body has a content-length), or
/// nothing when the server closes first; gives up after 10 s.
async fn read_response(stream: &mut TcpStream) -> String {
    let mut received = Vec::new();
    let mut chunk = [0u8; 4096];
    let read = async {
        loop {
            let n = stream.read(&mut chunk).await.unwrap_or(0);
            received.extend_from_slice(&chunk[..n]);
            if n == 0 || is_complete(&received) {
                break;
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(10), read)
        .await
        .expect("an answer or a close within 10 s");
    String::from_utf8_lossy(&received).into_owned()
}

fn is_complete(response: &[u8]) -> bool {
    let text = String::from_utf8_lossy(response);
    let Some((head, body)) = text.split_once("\r\n\r\n") else {
        return false;
    };
    let length = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length: ")
                .map(str::to_owned)
        })
        .and_then(|l| l.trim().parse::<usize>().ok())
        .unwrap_or(0);
    body.len() >= length
}

/// Waits for the server to close `stream`; returns how long that took.
async fn closed_after(stream: &mut TcpStream) -> Duration {
    let started = Instant::now();
    let leftover = read_response(stream).await;
    assert_eq!(leftover, "", "closed without an answer");
    started.elapsed()
}

#[tokio::test]
async fn a_half_sent_request_head_is_closed_after_the_timeout_while_others_are_served() {
    let app = app_with(100).await;
    let mut slow = open_socket(&app).await;
    slow.write_all(b"GET /health HTTP/1.1\r\nhost: qtable.test\r\n")
        .await
        .unwrap();

    let mut other = open_socket(&app).await;
    other.write_all(HEALTH).await.unwrap();
    let answered = read_response(&mut other).await;
    let waited = closed_after(&mut slow).await;

    assert!(answered.starts_with("HTTP/1.1 200"), "{answered}");
    assert!(waited >= TIMEOUT / 2, "closed after {waited:?}");
}

#[tokio::test]
async fn an_idle_kept_alive_connection_is_closed_after_the_same_timeout() {
    let app = app_with(100).await;
    let mut idle = open_socket(&app).await;
    idle.write_all(HEALTH).await.unwrap();

    let answered = read_response(&mut idle).await;
    let waited = closed_after(&mut idle).await;

    assert!(answered.starts_with("HTTP/1.1 200"), "{answered}");
    assert!(waited >= TIMEOUT / 2, "closed after {waited:?}");
}

#[tokio::test]
async fn connections_over_the_cap_are_answered_503_until_one_closes() {
    let app = app_with(3).await;
    // Kept-alive connections, each answered once, until one is refused
    // (the test client's own pooled connection may hold a place too).
    let mut open = Vec::new();
    let refused = loop {
        let mut stream = open_socket(&app).await;
        stream.write_all(HEALTH).await.unwrap();
        let answer = read_response(&mut stream).await;
        if !answer.starts_with("HTTP/1.1 200") {
            break answer;
        }
        open.push(stream);
        assert!(open.len() <= 3, "more connections than the cap were served");
    };
    drop(open.pop());

    assert!(refused.starts_with("HTTP/1.1 503"), "{refused}");
    assert!(refused.contains(r#""code":"server_busy""#), "{refused}");
    assert!(
        refused.to_ascii_lowercase().contains("retry-after: 1"),
        "{refused}"
    );
    // The closed connection's place frees once the server has seen it go.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let mut stream = open_socket(&app).await;
        stream.write_all(HEALTH).await.unwrap();
        if read_response(&mut stream).await.starts_with("HTTP/1.1 200") {
            break;
        }
        assert!(Instant::now() < deadline, "no place freed");
        tokio::task::yield_now().await;
    }
}

#[tokio::test]
async fn live_sockets_hold_their_place_under_the_cap() {
    let app = app_with(3).await;
    let owner = app.register().await;
    // Live sockets until the cap refuses one (the test client's pooled
    // connection may hold a place too); each outlives its HTTP handshake.
    let mut sockets = Vec::new();
    let refused = loop {
        match connect(app.port, &owner.restaurant_id, &owner.token, "").await {
            Ok(socket) => sockets.push(socket),
            Err(status) => break status,
        }
        assert!(
            sockets.len() <= 3,
            "more connections than the cap were served"
        );
    };

    assert_eq!(refused, 503);
    sockets.clear();
    let deadline = Instant::now() + Duration::from_secs(10);
    while connect(app.port, &owner.restaurant_id, &owner.token, "")
        .await
        .is_err()
    {
        assert!(Instant::now() < deadline, "no place freed");
        tokio::task::yield_now().await;
    }
}
