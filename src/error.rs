//! The one error type of the HTTP layer and its mapping to status codes.
//!
//! Every handler returns `Result<_, AppError>`. Client errors carry a stable `error` code, a
//! human message and optionally the offending field; internal errors answer a generic 500 body
//! and are logged once, here, with their cause chain — never SQL text or a stack trace on the
//! wire.

use axum::{
    Json,
    extract::{FromRequest, Request, rejection::JsonRejection},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::Serialize;

/// What went wrong, as the HTTP layer sees it.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 400: the request is malformed.
    #[error("{message}")]
    BadRequest {
        /// Stable code.
        code: &'static str,
        /// For people.
        message: String,
    },
    /// 401: no or bad credentials (never says which).
    #[error("authentication required")]
    Unauthorized,
    /// 403: authenticated, not allowed.
    #[error("not allowed")]
    Forbidden,
    /// 404.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// 409: a uniqueness or state conflict.
    #[error("{message}")]
    Conflict {
        /// For people.
        message: String,
        /// The field that conflicts, if one does.
        field: Option<String>,
    },
    /// 413.
    #[error("the request body is too large")]
    PayloadTooLarge,
    /// 415.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// 422: well-formed but invalid content.
    #[error("{message}")]
    Validation {
        /// The offending field (`phones[1]`).
        field: Option<String>,
        /// For people.
        message: String,
    },
    /// 429.
    #[error("too many attempts; try again in a minute")]
    TooManyRequests,
    /// 503: a dependency (the database) is unreachable.
    #[error("service unavailable")]
    Unavailable,
    /// 500: a bug or an unexpected failure; details are logged, not returned.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    /// A 422 naming a field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::Validation {
            field: Some(field.into()),
            message: message.into(),
        }
    }

    /// A 400 with a code.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        AppError::BadRequest {
            code,
            message: message.into(),
        }
    }

    /// The HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::Validation { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            AppError::BadRequest { code, .. } => code,
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden => "forbidden",
            AppError::NotFound(_) => "not_found",
            AppError::Conflict { .. } => "conflict",
            AppError::PayloadTooLarge => "payload_too_large",
            AppError::UnsupportedMediaType(_) => "unsupported_media_type",
            AppError::Validation { .. } => "invalid",
            AppError::TooManyRequests => "too_many_requests",
            AppError::Unavailable => "unavailable",
            AppError::Internal(_) => "internal",
        }
    }
}

/// The JSON error body: `{ "error", "message", "field"? }`.
#[derive(Serialize)]
pub struct ErrorBody {
    /// Stable code.
    pub error: &'static str,
    /// For people.
    pub message: String,
    /// The offending field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let message = match &self {
            AppError::Internal(e) => {
                tracing::error!(error = format!("{e:#}"), "internal error");
                "internal error; it has been logged".to_owned()
            }
            other => other.to_string(),
        };
        let field = match &self {
            AppError::Validation { field, .. } | AppError::Conflict { field, .. } => field.clone(),
            _ => None,
        };
        (
            status,
            Json(ErrorBody {
                error: self.code(),
                message,
                field,
            }),
        )
            .into_response()
    }
}

impl From<crate::db::DbError> for AppError {
    fn from(e: crate::db::DbError) -> Self {
        use crate::db::DbError;
        match e {
            DbError::NotFound(what) => AppError::NotFound(what),
            DbError::Conflict { message, field } => AppError::Conflict { message, field },
            DbError::Unavailable => AppError::Unavailable,
            DbError::Other(e) => AppError::Internal(e),
        }
    }
}

impl From<JsonRejection> for AppError {
    fn from(r: JsonRejection) -> Self {
        match r {
            JsonRejection::MissingJsonContentType(_) => {
                AppError::UnsupportedMediaType("expected Content-Type: application/json".into())
            }
            JsonRejection::JsonSyntaxError(e) => {
                AppError::bad_request("malformed_json", e.body_text())
            }
            JsonRejection::JsonDataError(e) => AppError::Validation {
                field: None,
                message: e.body_text(),
            },
            JsonRejection::BytesRejection(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                AppError::PayloadTooLarge
            }
            other => AppError::bad_request("bad_body", other.body_text()),
        }
    }
}

/// `Json` whose rejections answer in our error format.
#[derive(Debug, Clone, Copy, Default, FromRequest)]
#[from_request(via(axum::Json), rejection(AppError))]
pub struct AppJson<T>(pub T);

impl<T: Serialize> IntoResponse for AppJson<T> {
    fn into_response(self) -> Response {
        Json(self.0).into_response()
    }
}

/// Shorthand for handler results.
pub type AppResult<T> = Result<T, AppError>;

/// Turns any request that reached no route into our JSON 404.
pub async fn fallback_not_found(_req: Request) -> AppError {
    AppError::NotFound("route")
}

impl From<axum::extract::rejection::QueryRejection> for AppError {
    fn from(r: axum::extract::rejection::QueryRejection) -> Self {
        AppError::bad_request("bad_query", r.body_text())
    }
}

impl From<axum::extract::rejection::PathRejection> for AppError {
    fn from(r: axum::extract::rejection::PathRejection) -> Self {
        AppError::bad_request("bad_path", r.body_text())
    }
}

/// `Query` whose rejections answer in our error format.
#[derive(Debug, Clone, Copy, Default, axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(AppError))]
pub struct AppQuery<T>(pub T);

/// `Path` whose rejections answer in our error format.
#[derive(Debug, Clone, Copy, axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(AppError))]
pub struct AppPath<T>(pub T);
