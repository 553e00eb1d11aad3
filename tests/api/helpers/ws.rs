//! A WebSocket client for the live-update tests. Every wait is bounded by a
//! timeout that fails the test; nothing sleeps.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio::net::TcpStream;
use tokio_tungstenite::{
    MaybeTlsStream, WebSocketStream,
    tungstenite::{Message, client::IntoClientRequest, http::HeaderValue},
};

pub const WAIT: Duration = Duration::from_secs(10);

pub struct LiveClient {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

/// What the server ended the connection with.
#[derive(Debug, PartialEq)]
pub enum Ended {
    Closed(u16),
    Dropped,
}

/// Connects with the token in the `Authorization` header; returns the HTTP status on refusal.
pub async fn connect(
    port: u16,
    restaurant_id: &str,
    token: &str,
    query: &str,
) -> Result<LiveClient, u16> {
    connect_with_receive_buffer(port, restaurant_id, token, query, None).await
}

/// The same, optionally with a tiny kernel receive buffer: a client that
/// stops reading then backs up onto the server quickly.
pub async fn connect_with_receive_buffer(
    port: u16,
    restaurant_id: &str,
    token: &str,
    query: &str,
    receive_buffer: Option<u32>,
) -> Result<LiveClient, u16> {
    let path = format!("/restaurants/{restaurant_id}/live{query}");
    connect_to(port, &path, token, receive_buffer).await
}

/// The app-as-it-grew's `/realtime` (`query` with its `?`); `token` as on `connect`.
pub async fn connect_realtime(port: u16, query: &str, token: &str) -> Result<LiveClient, u16> {
    connect_to(port, &format!("/realtime{query}"), token, None).await
}

async fn connect_to(
    port: u16,
    path: &str,
    token: &str,
    receive_buffer: Option<u32>,
) -> Result<LiveClient, u16> {
    let url = format!("ws://127.0.0.1:{port}{path}");
    let mut request = url.into_client_request().unwrap();
    if !token.is_empty() {
        request.headers_mut().insert(
            "authorization",
            HeaderValue::from_str(&format!("Bearer {token}")).unwrap(),
        );
    }
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    if let Some(size) = receive_buffer {
        socket.set_recv_buffer_size(size).unwrap();
    }
    let stream = socket.connect(([127, 0, 0, 1], port).into()).await.unwrap();
    match tokio_tungstenite::client_async(request, MaybeTlsStream::Plain(stream)).await {
        Ok((socket, _)) => Ok(LiveClient { socket }),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            Err(response.status().as_u16())
        }
        Err(other) => panic!("unexpected WebSocket error: {other}"),
    }
}

impl LiveClient {
    /// The next JSON message (skipping WebSocket pings); panics on close or timeout.
    pub async fn next_json(&mut self) -> Value {
        match self.next_message().await {
            Ok(value) => value,
            Err(ended) => panic!("connection ended: {ended:?}"),
        }
    }

    /// The next JSON message, or how the connection ended.
    pub async fn next_message(&mut self) -> Result<Value, Ended> {
        loop {
            let message = tokio::time::timeout(WAIT, self.socket.next())
                .await
                .expect("timed out waiting for a message");
            match message {
                Some(Ok(Message::Text(text))) => return Ok(serde_json::from_str(&text).unwrap()),
                Some(Ok(Message::Close(frame))) => {
                    return Err(Ended::Closed(frame.map_or(1005, |f| u16::from(f.code))));
                }
                Some(Ok(_)) => continue,
                Some(Err(_)) | None => return Err(Ended::Dropped),
            }
        }
    }

    /// The next `n` events (after any `hello`), in arrival order.
    pub async fn events(&mut self, n: usize) -> Vec<Value> {
        let mut events = Vec::with_capacity(n);
        while events.len() < n {
            let message = self.next_json().await;
            if message["type"] != "hello" {
                events.push(message);
            }
        }
        events
    }

    pub async fn send_json(&mut self, value: &Value) {
        self.socket
            .send(Message::Text(value.to_string().into()))
            .await
            .unwrap();
    }

    /// Reads until the server closes; returns its close code.
    pub async fn until_closed(&mut self) -> Ended {
        loop {
            if let Err(ended) = self.next_message().await {
                return ended;
            }
        }
    }
}
