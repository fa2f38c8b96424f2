//! The application: shared state, the router, and the server lifecycle.
//!
//! `App::build` binds the listener first (port 0 in tests), so a test can talk to the server
//! as soon as `build` returns, with no sleep. `run_until_stopped` serves until the shutdown
//! future resolves, then drains in-flight requests and closes the pool.

use std::{future::Future, net::SocketAddr, sync::Arc, time::Duration};

use axum::{
    Router,
    extract::State,
    http::{HeaderValue, StatusCode, header},
    middleware,
    response::IntoResponse,
    routing::get,
};
use metrics_exporter_prometheus::PrometheusHandle;
use tokio::net::TcpListener;
use tower_http::{
    catch_panic::CatchPanicLayer, compression::CompressionLayer, csrf::CsrfLayer,
    set_header::SetResponseHeaderLayer, timeout::TimeoutLayer, trace::TraceLayer,
};

use tokio_util::sync::CancellationToken;

use crate::{
    api,
    auth::{limiter::LoginLimiter, token::TokenCache},
    calls::{sweeper, writer::Writer},
    config::Config,
    db::Db,
    error::{AppError, fallback_not_found},
    ingest, realtime,
    realtime::Hub,
    telemetry, web,
};

/// Everything a handler may need. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub db: Db,
    /// The validated configuration.
    pub config: Arc<Config>,
    /// Verified API tokens.
    pub tokens: TokenCache,
    /// Failed-login counters.
    pub login_limiter: LoginLimiter,
    /// The Prometheus registry.
    pub metrics: PrometheusHandle,
    /// Routes live events to SSE subscribers.
    pub hub: Hub,
    /// Applies call events in group commits.
    pub writer: Writer,
    /// Cancelled when the server shuts down (ends SSE streams).
    pub shutdown: CancellationToken,
    /// This process's id among instances sharing a database.
    pub instance: String,
    /// Recent caller matches for the webhook path.
    pub callers: ingest::prepare::CallerCache,
    /// PBX sources: the configuration's, then those added on the administration page.
    pub sources: crate::admin::sources::SourceRegistry,
}

impl AppState {
    /// State over an open database; starts the writer task (so it needs a Tokio runtime).
    pub fn new(db: Db, config: Config) -> Self {
        let login_limiter = LoginLimiter::new(config.auth.login_attempts_per_minute);
        let hub = Hub::default();
        let instance = uuid::Uuid::new_v4().simple().to_string();
        let writer = Writer::start(
            db.clone(),
            hub.clone(),
            config.calls.clone(),
            instance.clone(),
        );
        AppState {
            db,
            config: Arc::new(config),
            tokens: TokenCache::default(),
            login_limiter,
            metrics: telemetry::metrics_handle(),
            hub,
            writer,
            shutdown: CancellationToken::new(),
            instance,
            callers: ingest::prepare::CallerCache::default(),
            sources: crate::admin::sources::SourceRegistry::default(),
        }
    }
}

/// Builds the whole router: every URL prefix is mounted here.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route("/api/openapi.json", get(openapi))
        .nest("/api/v1", api::router(&state.config))
        .route("/api/v1/events", get(realtime::sse::events))
        .nest("/webhooks", ingest::handlers::router())
        .merge(web::router())
        .fallback(fallback_not_found)
        .layer(middleware::from_fn(telemetry::track_requests))
        .layer(CsrfLayer::new())
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(CompressionLayer::new())
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        // Pages run only our own script and style files: no inline script, no third party.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                 connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
                 frame-ancestors 'none'",
            ),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(TraceLayer::new_for_http().make_span_with(telemetry::request_span))
        .layer(CatchPanicLayer::custom(|_| {
            AppError::Internal(anyhow::anyhow!("a request handler panicked")).into_response()
        }))
        .with_state(state)
}

/// The OpenAPI document (hand-written in `docs/openapi.json`, compiled in).
async fn openapi() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        include_str!("../docs/openapi.json"),
    )
}

async fn healthz() -> &'static str {
    "ok"
}

async fn readyz(State(state): State<AppState>) -> Result<&'static str, AppError> {
    if state.db.ping().await {
        Ok("ready")
    } else {
        Err(AppError::Unavailable)
    }
}

async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    let (size, idle) = state.db.pool_stats();
    metrics::gauge!("db_pool_connections").set(f64::from(size));
    metrics::gauge!("db_pool_idle_connections").set(idle as f64);
    metrics::gauge!("db_pool_in_use_connections").set(f64::from(size) - idle as f64);
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
}

/// A bound, not yet serving, application.
pub struct App {
    listener: TcpListener,
    state: AppState,
}

impl App {
    /// Opens the database (applying migrations) and binds the listen address.
    pub async fn build(config: Config) -> anyhow::Result<App> {
        let db = Db::connect(&config.database).await?;
        Self::build_with_db(config, db).await
    }

    /// Binds the listen address over an already open database.
    pub async fn build_with_db(config: Config, db: Db) -> anyhow::Result<App> {
        let listener = TcpListener::bind(config.server.listen)
            .await
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", config.server.listen))?;
        Ok(App {
            listener,
            state: AppState::new(db, config),
        })
    }

    /// The bound address (the real port when the configuration said 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    /// The shared state (for tests and the demo loader).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` resolves, then finishes in-flight requests and closes the pool.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let App { listener, state } = self;
        let db = state.db.clone();
        let mut background = vec![
            tokio::spawn(housekeeping(state.clone())),
            tokio::spawn(sweep(state.clone())),
            tokio::spawn(checkpoint(db.clone())),
            tokio::spawn(segments_refresh(state.clone())),
            tokio::spawn(state.hub.clone().run_worklist_ticks()),
            tokio::spawn(aggregates_refresh(state.clone())),
            tokio::spawn(retention(state.clone())),
        ];
        if let Db::Postgres(pool) = &db {
            let listen = realtime::pg::listen(
                pool.clone(),
                db.clone(),
                state.hub.clone(),
                state.instance.clone(),
            );
            background.push(tokio::spawn(listen));
        }
        let token = state.shutdown.clone();
        let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
        // SSE streams never end by themselves: cancel them when the signal comes, or the
        // graceful shutdown would wait for them forever (axum#2673).
        let signal = async move {
            shutdown.await;
            token.cancel();
        };
        axum::serve(listener, app)
            .with_graceful_shutdown(signal)
            .await?;
        background.iter().for_each(tokio::task::JoinHandle::abort);
        db.close().await;
        Ok(())
    }
}

/// Periodic chores: expired sessions, idle rate-limit windows.
async fn housekeeping(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    loop {
        tick.tick().await;
        state.login_limiter.retain_recent();
        let now = crate::domain::time::now_ms();
        if let Err(e) = crate::db::sessions::delete_expired_sessions(&state.db, now).await {
            tracing::warn!(error = %e, "could not delete expired sessions");
        }
    }
}

/// Checkpoints the SQLite WAL every second, off the writer's path.
async fn checkpoint(db: Db) {
    if !matches!(db, Db::Sqlite(_)) {
        return;
    }
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        tick.tick().await;
        db.checkpoint().await;
    }
}

/// Closes calls whose end never arrived, every 30 seconds.
async fn sweep(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(30));
    loop {
        tick.tick().await;
        if let Err(e) = sweeper::sweep_once(&state).await {
            tracing::warn!(error = %e, "the call sweeper failed");
        }
    }
}

/// Recomputes the client segmentation at start and every `[reports] segments_refresh_minutes`.
async fn segments_refresh(state: AppState) {
    let minutes = state.config.reports.segments_refresh_minutes;
    let mut tick = tokio::time::interval(Duration::from_secs(minutes * 60));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let now = crate::domain::time::now_ms();
        match crate::segments::recompute::recompute(&state.db, &state.config.reports, now).await {
            Ok(run) => tracing::info!(
                clients = run.clients,
                duration_ms = run.duration_ms,
                "client segments recomputed"
            ),
            Err(e) => tracing::warn!(error = %e, "recomputing the client segments failed"),
        }
    }
}

/// Keeps the report aggregates up to date every `[aggregates] refresh_seconds` (a full
/// rebuild at start when they do not match the configuration).
async fn aggregates_refresh(state: AppState) {
    let seconds = state.config.aggregates.refresh_seconds;
    if seconds == 0 {
        return;
    }
    let mut tick = tokio::time::interval(Duration::from_secs(seconds));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let now = crate::domain::time::now_ms();
        match crate::reports::aggregate::refresh(&state.db, &state.config, now).await {
            Ok(r) if r.rebuilt => tracing::info!(slots = r.slots, "report aggregates rebuilt"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "refreshing the report aggregates failed"),
        }
    }
}

/// Removes old call details every `[retention] run_every_minutes`, when any age is set.
async fn retention(state: AppState) {
    let cfg = state.config.retention.clone();
    let ages = [
        cfg.events_days,
        cfg.raw_payload_days,
        cfg.recording_days,
        cfg.caller_numbers_days,
        cfg.audit_days,
    ];
    if ages.iter().all(|d| *d == 0) {
        return;
    }
    // The first run waits a little (a period, at most 5 minutes): a service that has just
    // started has a PBX's backlog to take first, and a run at the very start would race
    // whatever the start was for (a test's data, an import). 5 minutes at most, so that a
    // service restarted more often than its period still runs the job.
    let period = Duration::from_secs(cfg.run_every_minutes * 60);
    let first = tokio::time::Instant::now() + period.min(Duration::from_secs(300));
    let mut tick = tokio::time::interval_at(first, period);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let now = crate::domain::time::now_ms();
        match crate::retention::run_once(&state.db, &cfg, now).await {
            Ok(r) => tracing::info!(removed = r.total(), "retention run finished"),
            Err(e) => tracing::warn!(error = %e, "the retention run failed"),
        }
    }
}

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
    tracing::info!("shutdown signal received; finishing in-flight requests");
}
