//! `WS /restaurants/{id}/live`: authenticated at the handshake, then `hello`,
//! an exact replay after `since`, and live events in `seq` order with no gaps
//! or duplicates. Close codes: 4001 re-authenticate (token expired, session
//! revoked), 4008 too slow (reconnect with `since`), 4009 replaced (the
//! session opened more than `LIVE_SOCKETS_PER_SESSION`; this was its oldest),
//! 1001 server going away.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use axum::{
    Extension,
    extract::{
        State, WebSocketUpgrade,
        ws::rejection::WebSocketUpgradeRejection,
        ws::{CloseFrame, Message, WebSocket},
    },
    http::HeaderMap,
    response::Response,
};
use futures_util::{SinkExt, StreamExt, stream::SplitSink};
use serde::Deserialize;
use serde_json::json;
use tokio::sync::broadcast::error::RecvError;
use utoipa::IntoParams;
use uuid::Uuid;

use super::{
    hub::{Delivery, Hub},
    queries,
};
use crate::{
    db::TenantTx,
    error::{ApiError, ApiResult, ErrorBody},
    event::Event,
    http::{AppPath, AppQuery, RestaurantId, bearer_token, time},
    state::AppState,
    tenant::AuthUser,
    tokens::Claims,
};

pub const CLOSE_REAUTHENTICATE: u16 = 4001;
pub const CLOSE_TOO_SLOW: u16 = 4008;
pub const CLOSE_REPLACED: u16 = 4009;
const CLOSE_GOING_AWAY: u16 = 1001;
/// Small socket buffers keep an idle connection at about 14 KiB of server
/// memory (measured: docs/performance.md); larger messages still get through.
const SOCKET_BUFFER: usize = 1024;
const MAX_INCOMING_MESSAGE: usize = 64 * 1024;
/// A client that cannot take a message for this long is dropped.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);
const REPLAY_PAGE: i64 = 500;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LiveQuery {
    /// The access token, for clients that cannot set headers.
    pub token: Option<String>,
    /// Replay every event after this `seq` before live ones.
    pub since: Option<i64>,
}

/// Live updates for one restaurant over a WebSocket (see the README for the protocol).
#[utoipa::path(get, path = "/restaurants/{restaurant_id}/live", tag = "live",
    params(RestaurantId, LiveQuery),
    responses((status = 101, description = "Switching to the WebSocket protocol"),
        (status = 400, description = "Not a WebSocket upgrade", body = ErrorBody),
        (status = 401, description = "Missing, invalid or expired token, or session ended", body = ErrorBody),
        (status = 403, description = "A token of another restaurant", body = ErrorBody)))]
pub async fn live(
    State(state): State<AppState>,
    Extension(hub): Extension<Hub>,
    AppPath(RestaurantId(restaurant_id)): AppPath<RestaurantId>,
    AppQuery(query): AppQuery<LiveQuery>,
    headers: HeaderMap,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> ApiResult<Response> {
    let token = query.token.as_deref();
    let user = authenticate(&state, &headers, token, Some(restaurant_id)).await?;
    accept(state, hub, user, upgrade, query.since, Arc::new(Native))
}

/// Checks a socket's handshake: the token (`Authorization: Bearer`, else
/// `token`) and its session, for `restaurant_id` (default: the token's).
pub async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
    token: Option<&str>,
    restaurant_id: Option<Uuid>,
) -> ApiResult<AuthUser> {
    let token = bearer_token(headers)
        .or(token)
        .ok_or(ApiError::Unauthorized("missing token"))?;
    let user = AuthUser::from_token(state, token)?;
    let restaurant_id = restaurant_id.unwrap_or(user.claims.rid);
    // Opening the tenant transaction checks the session; nothing else to do in it.
    user.open(state, restaurant_id).await?.end_read();
    Ok(user)
}

/// Upgrades an authenticated handshake and serves the restaurant's log in
/// `dialect`, replaying after `since` first.
pub fn accept(
    state: AppState,
    hub: Hub,
    user: AuthUser,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
    since: Option<i64>,
    dialect: Arc<dyn Dialect>,
) -> ApiResult<Response> {
    let upgrade = upgrade.map_err(|rejection| ApiError::BadRequest(rejection.body_text()))?;
    Ok(upgrade
        .read_buffer_size(SOCKET_BUFFER)
        .write_buffer_size(SOCKET_BUFFER)
        .max_message_size(MAX_INCOMING_MESSAGE)
        .on_upgrade(move |socket| async move {
            Connection::new(state, hub, user.claims, socket, dialect)
                .run(since)
                .await;
        }))
}

/// What a socket says, in its protocol: the native one (`Native`), or a
/// translation a caller passes in (the app-as-it-grew `/realtime`), so this
/// module never knows another surface's shapes. Ordering, replay, gap
/// filling and authentication stay here whatever the dialect.
pub trait Dialect: Send + Sync {
    /// The first message, naming the log's latest `seq`.
    fn hello(&self, restaurant_id: Uuid, latest: i64) -> String;
    /// Said when `since` cannot be replayed (`None`: nothing).
    fn resync(&self, latest: i64) -> Option<String>;
    /// The message for a logged event (`native` is its own JSON), or `None`
    /// to pass over it: its `seq` still counts as delivered.
    fn event(&self, event: &Event, native: &str) -> Option<String>;
    fn pong(&self) -> String;
    /// Said at a ping tick after the client has been silent this long.
    fn heartbeat(&self, silent: Duration) -> Option<String>;
}

/// The native protocol of `/restaurants/{id}/live` (README).
pub struct Native;

impl Dialect for Native {
    fn hello(&self, restaurant_id: Uuid, latest: i64) -> String {
        json!({"type": "hello", "seq": latest, "restaurant_id": restaurant_id,
            "timestamp": time::format(&chrono::Utc::now())})
        .to_string()
    }

    fn resync(&self, latest: i64) -> Option<String> {
        Some(json!({"type": "resync_required", "seq": latest}).to_string())
    }

    fn event(&self, _: &Event, native: &str) -> Option<String> {
        Some(native.to_owned())
    }

    fn pong(&self) -> String {
        json!({"type": "pong", "timestamp": time::format(&chrono::Utc::now())}).to_string()
    }

    fn heartbeat(&self, _: Duration) -> Option<String> {
        None
    }
}

struct Connection {
    state: AppState,
    hub: Hub,
    claims: Claims,
    dialect: Arc<dyn Dialect>,
    sink: SplitSink<WebSocket, Message>,
    stream: futures_util::stream::SplitStream<WebSocket>,
    /// The last `seq` this client has been sent.
    last_sent: i64,
    last_heard: Instant,
}

/// Why the loop ended: a close to send, or nothing (the peer is gone).
type Ending = Option<(u16, &'static str)>;

impl Connection {
    fn new(
        state: AppState,
        hub: Hub,
        claims: Claims,
        socket: WebSocket,
        dialect: Arc<dyn Dialect>,
    ) -> Self {
        let (sink, stream) = socket.split();
        Self {
            state,
            hub,
            claims,
            dialect,
            sink,
            stream,
            last_sent: 0,
            last_heard: Instant::now(),
        }
    }

    fn restaurant_id(&self) -> Uuid {
        self.claims.rid
    }

    async fn run(mut self, since: Option<i64>) {
        let connections = metrics::gauge!(crate::metrics::LIVE_CONNECTIONS);
        connections.increment(1.0);
        self.run_connected(since).await;
        connections.decrement(1.0);
    }

    async fn run_connected(&mut self, since: Option<i64>) {
        // Subscribe before reading the log, so nothing falls between the two.
        let mut deliveries = self.hub.subscribe(self.restaurant_id());
        let mut place = self.hub.join_session(self.claims.sid);
        let ending = match self.greet(since).await {
            Ok(()) => self.serve(&mut deliveries, &mut place.replaced).await,
            Err(error) => {
                tracing::warn!(error = %error, "live: could not start a connection");
                Some((1011, "internal error"))
            }
        };
        if let Some((code, reason)) = ending {
            let frame = CloseFrame {
                code,
                reason: reason.into(),
            };
            let _ = tokio::time::timeout(SEND_TIMEOUT, self.sink.send(Message::Close(Some(frame))))
                .await;
        }
    }

    /// Sends `hello` with the latest `seq`, then the replay after `since`.
    async fn greet(&mut self, since: Option<i64>) -> ApiResult<()> {
        let mut tx = TenantTx::begin(&self.state.db, self.restaurant_id()).await?;
        let latest = queries::latest_seq(&mut tx).await?;
        let replayable = match since {
            Some(since) => queries::can_replay_from(&mut tx, since, latest).await?,
            None => true,
        };
        tx.end_read();
        let hello = self.dialect.hello(self.restaurant_id(), latest);
        self.send_text(hello).await?;
        match since {
            Some(since) if replayable => {
                self.last_sent = since;
                self.send_from_log(latest).await?;
            }
            Some(_) => {
                self.last_sent = latest;
                if let Some(resync) = self.dialect.resync(latest) {
                    self.send_text(resync).await?;
                }
            }
            None => self.last_sent = latest,
        }
        Ok(())
    }

    /// Sends every logged event after `last_sent` up to `until`.
    async fn send_from_log(&mut self, until: i64) -> ApiResult<()> {
        while self.last_sent < until {
            let mut tx = TenantTx::begin(&self.state.db, self.restaurant_id()).await?;
            let page = queries::events_after(&mut tx, self.last_sent, until, REPLAY_PAGE).await?;
            tx.end_read();
            if page.is_empty() {
                break;
            }
            for event in page {
                self.last_sent = event.seq;
                let native = serde_json::to_string(&event).expect("events serialise");
                if let Some(text) = self.dialect.event(&event, &native) {
                    self.send_text(text).await?;
                }
            }
        }
        Ok(())
    }

    async fn send_text(&mut self, text: String) -> ApiResult<()> {
        match tokio::time::timeout(SEND_TIMEOUT, self.sink.send(Message::Text(text.into()))).await {
            Ok(Ok(())) => Ok(()),
            _ => Err(ApiError::Unavailable("the client is not reading")),
        }
    }

    async fn serve(
        &mut self,
        deliveries: &mut tokio::sync::broadcast::Receiver<Delivery>,
        replaced: &mut tokio::sync::oneshot::Receiver<()>,
    ) -> Ending {
        let config = &self.state.config;
        let mut ping = tokio::time::interval(config.live_ping_interval);
        ping.reset();
        let idle_limit = config.live_idle_timeout;
        let expires_in =
            u64::try_from(self.claims.exp - chrono::Utc::now().timestamp()).unwrap_or(0);
        let expiry = tokio::time::sleep(Duration::from_secs(expires_in));
        tokio::pin!(expiry);
        let mut stopping = self.hub.stopping();
        loop {
            tokio::select! {
                delivery = deliveries.recv() => match delivery {
                    Ok(Delivery::Event(event, json)) => {
                        if let Err(ending) = self.forward(&event, &json).await { return ending; }
                    }
                    Ok(Delivery::Revoked(user)) if user == self.claims.sub => {
                        if !self.session_live().await { return Some((CLOSE_REAUTHENTICATE, "session ended")); }
                    }
                    Ok(Delivery::Revoked(_)) => {}
                    Err(RecvError::Lagged(_)) => return Some((CLOSE_TOO_SLOW, "too slow: reconnect with since")),
                    Err(RecvError::Closed) => return Some((CLOSE_GOING_AWAY, "restarting")),
                },
                incoming = self.stream.next() => {
                    self.last_heard = Instant::now();
                    match incoming {
                        Some(Ok(Message::Text(text))) => {
                            if let Err(ending) = self.answer(&text).await { return ending; }
                        }
                        Some(Ok(Message::Close(_)) | Err(_)) | None => return None,
                        Some(Ok(_)) => {}
                    }
                }
                _ = ping.tick() => {
                    if self.last_heard.elapsed() > idle_limit {
                        return Some((CLOSE_GOING_AWAY, "idle"));
                    }
                    if !self.session_live().await {
                        return Some((CLOSE_REAUTHENTICATE, "session ended"));
                    }
                    if let Some(beat) = self.dialect.heartbeat(self.last_heard.elapsed())
                        && self.send_text(beat).await.is_err()
                    {
                        return None;
                    }
                    if tokio::time::timeout(SEND_TIMEOUT, self.sink.send(Message::Ping(Default::default()))).await.is_err() {
                        return None;
                    }
                }
                () = &mut expiry => return Some((CLOSE_REAUTHENTICATE, "token expired")),
                _ = &mut *replaced => return Some((CLOSE_REPLACED, "replaced by a newer connection of this session")),
                _ = stopping.changed() => return Some((CLOSE_GOING_AWAY, "server shutting down")),
            }
        }
    }

    /// Sends a live event, first filling from the log any gap before it.
    async fn forward(&mut self, event: &Event, json: &str) -> Result<(), Ending> {
        if event.seq <= self.last_sent {
            return Ok(()); // Already sent during the replay.
        }
        if event.seq > self.last_sent + 1 && self.send_from_log(event.seq - 1).await.is_err() {
            return Err(None);
        }
        self.last_sent = event.seq;
        if let Some(text) = self.dialect.event(event, json) {
            self.send_text(text).await.map_err(|_| None)?;
            metrics::counter!(crate::metrics::EVENTS_DELIVERED).increment(1);
        }
        if event.concerns_user(self.claims.sub) && !self.session_live().await {
            return Err(Some((CLOSE_REAUTHENTICATE, "session ended")));
        }
        Ok(())
    }

    /// `{"type": "ping"}` is answered with a pong; anything else is ignored.
    async fn answer(&mut self, text: &str) -> Result<(), Ending> {
        let is_ping =
            serde_json::from_str::<serde_json::Value>(text).is_ok_and(|v| v["type"] == "ping");
        if is_ping {
            let pong = self.dialect.pong();
            self.send_text(pong).await.map_err(|_| None)?;
        }
        Ok(())
    }

    /// Whether the session is still live and its user active.
    async fn session_live(&self) -> bool {
        match TenantTx::begin_session(&self.state.db, self.restaurant_id(), self.claims.sid).await {
            Ok((tx, role)) => {
                tx.end_read();
                role.is_some()
            }
            // A database hiccup is not a revocation; the next check decides.
            Err(_) => true,
        }
    }
}
