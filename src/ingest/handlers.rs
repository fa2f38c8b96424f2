//! `POST /webhooks/{source}` and `POST /webhooks/{source}/{token}`: authenticate, parse,
//! prepare, hand to the writer, answer after the commit.

use std::sync::Arc;

use axum::{
    Router,
    body::Body,
    extract::{Path, Request, State},
    response::Response,
    routing::post,
};

use super::{ParseError, formats, prepare::prepare};
use crate::{
    app::AppState,
    config::SourceConfig,
    domain::time::now_ms,
    error::{AppError, AppResult},
};

/// Routes under `/webhooks`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/{source}", post(receive))
        .route("/{source}/{token}", post(receive_with_token))
}

async fn receive(
    State(state): State<AppState>,
    Path(source): Path<String>,
    req: Request,
) -> AppResult<Response> {
    handle(&state, &source, None, req).await
}

async fn receive_with_token(
    State(state): State<AppState>,
    Path((source, token)): Path<(String, String)>,
    req: Request,
) -> AppResult<Response> {
    handle(&state, &source, Some(&token), req).await
}

async fn handle(
    state: &AppState,
    source_id: &str,
    path_token: Option<&str>,
    req: Request,
) -> AppResult<Response> {
    let source = find_source(state, source_id).await?;
    let (parts, body) = req.into_parts();
    let now = now_ms();
    // Credentials that do not cover the body are checked before reading it, so an
    // unauthenticated sender learns nothing but 401, whatever it sends.
    let signed =
        source.hmac_secret.is_some() && parts.headers.contains_key("x-orderline-signature");
    if !signed {
        check_credentials(&source, &parts.headers, &[], path_token, now)?;
    }
    let body = read_body(body, state.config.server.webhook_body_limit_bytes).await?;
    if signed {
        check_credentials(&source, &parts.headers, &body, path_token, now)?;
    }
    let events = formats::parse(source.format, &parts.headers, &body)
        .map_err(|e| reject_parse(&source, e))?;
    if events.is_empty() {
        // A message that carries no call state (a SIP OPTIONS, say): acknowledged, nothing stored.
        return Ok(formats::respond(source.format, &[], &[]));
    }
    // The two halves of a webhook's time, for the load generator's breakdown of slow
    // requests: the reads before the writer (caller match, block list), then the wait for the
    // writer and its commit.
    let started = std::time::Instant::now();
    let prepared = prepare(state, events, now).await?;
    metrics::histogram!("webhook_prepare_seconds").record(started.elapsed().as_secs_f64());
    let started = std::time::Instant::now();
    let outcomes = state
        .writer
        .submit(Arc::from(source.id.as_str()), prepared.clone())
        .await?;
    metrics::histogram!("webhook_store_seconds").record(started.elapsed().as_secs_f64());
    Ok(formats::respond(source.format, &prepared, &outcomes))
}

fn check_credentials(
    source: &SourceConfig,
    headers: &axum::http::HeaderMap,
    body: &[u8],
    path_token: Option<&str>,
    now: i64,
) -> AppResult<()> {
    formats::authenticate(source, headers, body, path_token, now / 1000).map_err(|why| {
        metrics::counter!("webhook_rejections_total", "source" => source.id.clone(), "reason" => why.as_str())
            .increment(1);
        tracing::warn!(source = %source.id, reason = why.as_str(), "webhook refused");
        AppError::Unauthorized
    })
}

/// The configuration's sources, then those added on the administration page.
async fn find_source(state: &AppState, id: &str) -> AppResult<SourceConfig> {
    state
        .sources
        .find(&state.db, &state.config, id)
        .await?
        .ok_or(AppError::NotFound("source"))
}

async fn read_body(body: Body, limit: usize) -> AppResult<axum::body::Bytes> {
    axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| AppError::PayloadTooLarge)
}

fn reject_parse(source: &SourceConfig, e: ParseError) -> AppError {
    metrics::counter!("webhook_rejections_total", "source" => source.id.clone(), "reason" => "malformed").increment(1);
    // A parser's message may quote a field's value (a number): mask digits in the log.
    let masked = crate::domain::phone::mask_digits(&e.to_string());
    tracing::info!(source = %source.id, error = %masked, "webhook body refused");
    match e {
        ParseError::UnsupportedContentType(_) => AppError::UnsupportedMediaType(e.to_string()),
        ParseError::Malformed(_) => AppError::bad_request("malformed_body", e.to_string()),
        ParseError::Missing(_) | ParseError::Invalid { .. } => {
            AppError::bad_request("invalid_event", e.to_string())
        }
    }
}
