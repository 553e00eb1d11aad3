//! Assembles the application: domain routers, documentation, middleware, and
//! the listener. `Application::build` binds before returning, so a caller
//! (a test) knows the port and can connect at once.

use std::{future::Future, net::SocketAddr, sync::Arc, time::Duration};

use axum::{
    Router,
    extract::{DefaultBodyLimit, MatchedPath, Request, State},
    http::{HeaderName, HeaderValue, header},
    middleware::{self, Next},
    response::{IntoResponse, Response},
};
use sqlx::PgPool;
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::{
    catch_panic::CatchPanicLayer,
    cors::{AllowOrigin, Any, CorsLayer},
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    set_header::SetResponseHeaderLayer,
    trace::{DefaultOnResponse, TraceLayer},
};
use tracing::Level;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::{
    auth, booking, compat,
    config::{Config, CorsOrigins},
    docs,
    error::ApiError,
    export, floor, guest_profiles, health,
    http::{
        extract::MAX_BODY_BYTES,
        server::{self, ConnectionLimits},
    },
    journal, live, reservations, restaurants, staff,
    state::AppState,
    tables,
    tokens::TokenKeys,
    web,
};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

pub struct Application {
    listener: TcpListener,
    router: Router,
    shutdown_grace: Duration,
    limits: ConnectionLimits,
    live: live::Hub,
}

impl Application {
    /// Builds the router and binds `HOST:PORT` (port 0 picks a free one).
    pub async fn build(config: Config, db: PgPool) -> anyhow::Result<Self> {
        let shutdown_grace = config.shutdown_grace;
        let limits = ConnectionLimits {
            header_read_timeout: config.header_read_timeout,
            max_connections: config.max_connections,
        };
        let address = SocketAddr::new(config.host, config.port);
        let (state, live) = start(config, db)?;
        let router = router(state, live.clone());
        let listener = TcpListener::bind(address).await?;
        Ok(Self {
            listener,
            router,
            shutdown_grace,
            limits,
            live,
        })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map_or(0, |a| a.port())
    }

    /// Serves until `shutdown` completes, then lets in-flight requests finish
    /// for at most the configured grace period.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let (stopping_tx, mut stopping_rx) = tokio::sync::watch::channel(false);
        let live = self.live.clone();
        let signal = async move {
            shutdown.await;
            tracing::info!("shutting down: draining in-flight requests");
            // Live connections are closed (1001) so the drain does not wait on them.
            live.shut_down();
            let _ = stopping_tx.send(true);
        };
        let server = server::serve(self.listener, self.router, self.limits, tune_socket, signal);
        let grace = self.shutdown_grace;
        let deadline = async move {
            let _ = stopping_rx.wait_for(|stopping| *stopping).await;
            tokio::time::sleep(grace).await;
        };
        tokio::select! {
            () = server => {}
            () = deadline => tracing::warn!("grace period over: dropping remaining connections"),
        }
        Ok(())
    }
}

/// Builds the state every handler reaches, starting what it needs: the
/// metrics recorder and the live hub (returned too, for the live routes and
/// for shutdown). Fails when no `SECRET_KEY` has been resolved (see
/// `Config::ensure_secret_key`); must run inside the Tokio runtime.
pub fn start(config: Config, db: PgPool) -> anyhow::Result<(AppState, live::Hub)> {
    let secret = config
        .secret_key
        .as_ref()
        .ok_or_else(|| anyhow::anyhow!("SECRET_KEY: not set"))?;
    let tokens = TokenKeys::new(secret, config.access_token_ttl, config.refresh_token_ttl);
    // Install the metrics recorder before anything records.
    crate::metrics::handle();
    let hub = live::start(&config, db.clone())?;
    let state = AppState {
        db,
        config: Arc::new(config),
        tokens: Arc::new(tokens),
        publisher: Arc::new(hub.clone()),
    };
    Ok((state, hub))
}

/// Every documented route, each declared once with its OpenAPI entry.
fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(docs::ApiDoc::openapi())
        .merge(docs::router())
        .merge(health::router())
        .merge(auth::router())
        .merge(restaurants::router())
        .merge(staff::router())
        .merge(tables::router())
        .merge(reservations::router())
        .merge(guest_profiles::router())
        .merge(booking::router())
        .merge(floor::router())
        .merge(journal::router())
        .merge(live::router())
        .merge(compat::router())
        .merge(export::router())
}

/// The OpenAPI document, as served at `/openapi.json`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api().1
}

/// The routes and their document, completed with the common error responses.
fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (routes, mut api) = api_router().split_for_parts();
    docs::add_common_responses(&mut api);
    (routes, api)
}

/// Kernel send buffer per connection. Bounded, so a client that stops reading
/// backs up onto its live connection quickly (and is closed as too slow)
/// instead of parking megabytes in the kernel; still ample for any response.
const SOCKET_SEND_BUFFER: usize = 64 * 1024;

/// Small requests and pushes go out at once (no Nagle delay); see `SOCKET_SEND_BUFFER`.
fn tune_socket(stream: &mut tokio::net::TcpStream) {
    let _ = stream.set_nodelay(true);
    let _ = socket2::SockRef::from(&*stream).set_send_buffer_size(SOCKET_SEND_BUFFER);
}

/// The whole HTTP surface: every domain router, the docs, the host stand's
/// page (outside the OpenAPI document), fallbacks and layers.
/// The live socket subscribes through `hub`, its own domain's handle.
pub fn router(state: AppState, hub: live::Hub) -> Router {
    let (api_routes, api) = api();
    let routes = api_routes
        .merge(docs::viewers(api))
        .merge(web::router())
        .layer(axum::Extension(hub));
    layered(routes, state)
}

/// Adds the fallbacks and the middleware every route gets, outermost first:
/// request id, tracing, security headers, panic catching, CORS, time and size limits.
pub fn layered(routes: Router<AppState>, state: AppState) -> Router {
    let request_timeout = state.config.request_timeout;
    let cors = cors_layer(
        &state.config.cors_origins,
        &state.config.public_cors_origins,
    );
    // Browsers must only ever reach a production instance over HTTPS.
    let hsts = state.config.is_production().then(|| {
        SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        )
    });
    routes
        .fallback(|| async { ApiError::NotFound("route") })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(request_span)
                        .on_response(DefaultOnResponse::new().level(Level::INFO)),
                )
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(middleware::from_fn(crate::metrics::track))
                .layer(SetResponseHeaderLayer::overriding(
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                ))
                .option_layer(hsts)
                .layer(CatchPanicLayer::custom(|_| {
                    ApiError::Internal(anyhow::anyhow!("a request handler panicked"))
                        .into_response()
                }))
                .layer(cors)
                .layer(middleware::from_fn_with_state(request_timeout, time_limit))
                .layer(DefaultBodyLimit::max(MAX_BODY_BYTES)),
        )
        .with_state(state)
}

/// The request's span: method, route template and request id. Not the URI:
/// its query string may carry a token.
fn request_span(request: &Request) -> tracing::Span {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("-", MatchedPath::as_str);
    let request_id = request
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    // Filled in once the caller is authenticated.
    let (restaurant_id, user_id) = (tracing::field::Empty, tracing::field::Empty);
    tracing::info_span!("request", method = %request.method(), route, request_id, restaurant_id, user_id)
}

/// A request that outlives the limit is answered 503; its work is dropped.
async fn time_limit(State(limit): State<Duration>, request: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::Unavailable("the request took too long; retry shortly").into_response(),
    }
}

/// The staff API's origins (`CORS_ORIGINS`) everywhere but the public
/// booking surface, which the restaurants' own sites call
/// (`PUBLIC_CORS_ORIGINS`).
fn cors_layer(staff: &CorsOrigins, public: &CorsOrigins) -> CorsLayer {
    let layer = CorsLayer::new()
        .allow_methods(Any)
        .allow_headers(Any)
        .expose_headers([header::ETAG, REQUEST_ID, header::RETRY_AFTER]);
    if (staff, public) == (&CorsOrigins::Any, &CorsOrigins::Any) {
        return layer.allow_origin(Any);
    }
    let (staff, public) = (staff.clone(), public.clone());
    layer.allow_origin(AllowOrigin::predicate(move |origin, request| {
        let origins = if request.uri.path().starts_with("/public/") {
            &public
        } else {
            &staff
        };
        match origins {
            CorsOrigins::Any => true,
            CorsOrigins::List(list) => list.iter().any(|o| o.as_bytes() == origin.as_bytes()),
        }
    }))
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}
