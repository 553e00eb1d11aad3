//! The accept loop: what `axum::serve` does, plus the bounds it leaves out.
//! `axum::serve` gives hyper no timer, so hyper's header read timeout is off
//! and a client that sends half a request head (slowloris) or goes quiet on a
//! kept-alive connection holds its socket for ever. Here every connection is
//! served by hyper's HTTP/1 builder with a timer: the head of each request
//! must arrive within `header_read_timeout`, counted from when the
//! connection starts waiting for it, so an idle keep-alive connection is
//! closed after the same time. And at most `max_connections` are open at
//! once: one more is answered `503` and closed, with a log line.

use std::{
    future::Future,
    net::SocketAddr,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use axum::{Router, body::Body, extract::ConnectInfo, http::Request};
use hyper::body::Incoming;
use hyper_util::{
    rt::{TokioIo, TokioTimer},
    service::TowerToHyperService,
};
use tokio::{
    io::AsyncWriteExt,
    net::{TcpListener, TcpStream},
    sync::{OwnedSemaphorePermit, Semaphore, watch},
};
use tower::ServiceExt;

use super::parse_errors::ErrorBodies;

/// Bounds on the connections one instance serves.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    pub header_read_timeout: Duration,
    pub max_connections: usize,
}

/// What a connection over the cap is told before it is closed.
fn busy_answer() -> Vec<u8> {
    let body = r#"{"detail":"the server is at its connection limit","code":"server_busy"}"#;
    format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\n\
         content-length: {}\r\nretry-after: 1\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Serves `router` on `listener` until `shutdown` completes, then lets every
/// open connection finish its request in flight (the caller bounds how long).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    tune: fn(&mut TcpStream),
    shutdown: impl Future<Output = ()>,
) {
    let open = Arc::new(Semaphore::new(limits.max_connections));
    let at_limit = AtomicBool::new(false);
    let (stop_tx, stop_rx) = watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let (mut stream, peer) = tokio::select! {
            accepted = accept(&listener) => accepted,
            () = &mut shutdown => break,
        };
        tune(&mut stream);
        let Ok(permit) = open.clone().try_acquire_owned() else {
            if !at_limit.swap(true, Ordering::Relaxed) {
                tracing::warn!(
                    max_connections = limits.max_connections,
                    "connection limit reached: new connections are answered 503 until some close"
                );
            }
            tokio::spawn(refuse(stream));
            continue;
        };
        at_limit.store(false, Ordering::Relaxed);
        let connection = Connection {
            router: router.clone(),
            peer,
            limits,
        };
        tokio::spawn(connection.run(stream, permit, stop_rx.clone()));
    }
    drop(listener);
    let _ = stop_tx.send(true);
    // Every connection holds a receiver: this returns once all have ended.
    stop_tx.closed().await;
}

/// The next connection; a failed accept (out of descriptors, say) is logged
/// and retried shortly rather than ending the server.
async fn accept(listener: &TcpListener) -> (TcpStream, SocketAddr) {
    loop {
        match listener.accept().await {
            Ok(accepted) => return accepted,
            Err(error) => {
                tracing::error!(%error, "accepting a connection failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

async fn refuse(mut stream: TcpStream) {
    let _ = stream.write_all(&busy_answer()).await;
    let _ = stream.shutdown().await;
}

/// One accepted connection.
struct Connection {
    router: Router,
    peer: SocketAddr,
    limits: ConnectionLimits,
}

impl Connection {
    /// Serves the connection; `place` (under the cap) goes with the socket,
    /// so a live socket keeps it after the upgrade.
    async fn run(
        self,
        stream: TcpStream,
        place: OwnedSemaphorePermit,
        mut stopping: watch::Receiver<bool>,
    ) {
        let peer = self.peer;
        // What `into_make_service_with_connect_info` gives handlers.
        let service = self.router.map_request(move |request: Request<Incoming>| {
            let mut request = request.map(Body::new);
            request.extensions_mut().insert(ConnectInfo(peer));
            request
        });
        let io = TokioIo::new(ErrorBodies::holding(stream, place));
        let mut builder = hyper::server::conn::http1::Builder::new();
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(self.limits.header_read_timeout);
        let connection = builder
            .serve_connection(io, TowerToHyperService::new(service))
            .with_upgrades();
        tokio::pin!(connection);
        let mut stop_requested = false;
        loop {
            tokio::select! {
                result = connection.as_mut() => {
                    if let Err(error) = result {
                        tracing::debug!(%error, %peer, "connection ended with an error");
                    }
                    break;
                }
                changed = stopping.wait_for(|stop| *stop), if !stop_requested => {
                    stop_requested = true;
                    if changed.is_ok() {
                        connection.as_mut().graceful_shutdown();
                    }
                }
            }
        }
    }
}
