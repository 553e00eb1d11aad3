//! One error type for every handler, rendered as the FastAPI-compatible bodies
//! of CONTRACT.md: `{"detail", "code"}`, or for 422 a `{loc, msg, type}` list.
//! Internal errors are logged with their chain and answered generically.

use axum::{
    Json,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

pub type ApiResult<T> = Result<T, ApiError>;

/// One entry of a 422 body: where, what, and a machine-readable kind.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct FieldError {
    pub loc: Vec<String>,
    pub msg: String,
    #[serde(rename = "type")]
    pub kind: String,
}

impl FieldError {
    /// An error on a request body field.
    pub fn body(field: &str, msg: impl Into<String>, kind: &str) -> Self {
        Self {
            loc: vec!["body".into(), field.into()],
            msg: msg.into(),
            kind: kind.into(),
        }
    }
    /// An error on a query-string parameter.
    pub fn query(field: &str, msg: impl Into<String>, kind: &str) -> Self {
        Self {
            loc: vec!["query".into(), field.into()],
            msg: msg.into(),
            kind: kind.into(),
        }
    }
}

/// The error body for every status but 422.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub detail: String,
    pub code: String,
}

/// The 422 body.
#[derive(Debug, Serialize, ToSchema)]
pub struct ValidationErrorBody {
    pub detail: Vec<FieldError>,
    pub code: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(&'static str),
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("{detail}")]
    Conflict { code: &'static str, detail: String },
    #[error("the resource has changed since it was read (stale If-Match)")]
    PreconditionFailed,
    #[error("request body is larger than the limit of {0} bytes")]
    PayloadTooLarge(usize),
    #[error("request validation failed")]
    Validation(Vec<FieldError>),
    #[error("too many requests; retry in {retry_after} seconds")]
    TooManyRequests { retry_after: u64 },
    #[error("{detail}")]
    Gone {
        code: &'static str,
        detail: &'static str,
    },
    #[error("{0}")]
    Unavailable(&'static str),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            detail: detail.into(),
        }
    }

    pub fn validation(error: FieldError) -> Self {
        Self::Validation(vec![error])
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Gone { .. } => StatusCode::GONE,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::BadRequest(_) => "bad_request",
            Self::Unauthorized(_) => "unauthorized",
            Self::Forbidden(_) => "forbidden",
            Self::NotFound(_) => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::Conflict { code, .. } => code,
            Self::PreconditionFailed => "precondition_failed",
            Self::PayloadTooLarge(_) => "payload_too_large",
            Self::Validation(_) => "validation_error",
            Self::TooManyRequests { .. } => "too_many_requests",
            Self::Gone { code, .. } => code,
            Self::Unavailable(_) => "service_unavailable",
            Self::Internal(_) => "internal_error",
        }
    }
}

impl From<FieldError> for ApiError {
    fn from(error: FieldError) -> Self {
        Self::Validation(vec![error])
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        match error {
            sqlx::Error::RowNotFound => Self::NotFound("resource"),
            // Two writers crossed (e.g. seating from the table side and the
            // reservation side at once): PostgreSQL aborted one; it may retry.
            sqlx::Error::Database(ref db)
                if matches!(db.code().as_deref(), Some("40P01" | "40001")) =>
            {
                Self::conflict(
                    "concurrent_update",
                    "another change to the same records happened at once; retry",
                )
            }
            // The book's guarantee (`table_blocks_no_overlap`), whichever
            // write tripped it: the table is taken for part of that time.
            sqlx::Error::Database(ref db) if db.code().as_deref() == Some("23P01") => {
                Self::conflict(
                    "table_conflict",
                    "the table is already booked for part of that time",
                )
            }
            // The database is down or saturated: tell the client to retry, fast.
            sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed => {
                tracing::warn!(%error, "database unavailable");
                Self::Unavailable("the database is unavailable; retry shortly")
            }
            other => Self::Internal(other.into()),
        }
    }
}

/// Maps violations of a named constraint to a domain error, the rest as usual:
/// `.map_err(on_constraint("users_email_key", email_taken))`. The constraint
/// decides (no SELECT-then-INSERT race); the domain names what it means.
pub fn on_constraint(
    constraint: &'static str,
    error: fn() -> ApiError,
) -> impl Fn(sqlx::Error) -> ApiError {
    move |db_error| on_constraints(&[(constraint, error)])(db_error)
}

/// A constraint's name and the error its violation answers.
pub type ConstraintError = (&'static str, fn() -> ApiError);

/// The same for several constraints, each with its own error.
pub fn on_constraints(map: &[ConstraintError]) -> impl Fn(sqlx::Error) -> ApiError + '_ {
    move |db_error| {
        let violated = db_error.as_database_error().and_then(|e| e.constraint());
        match map.iter().find(|(name, _)| Some(*name) == violated) {
            Some((_, error)) => error(),
            None => db_error.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let code = self.code();
        let body = match &self {
            Self::Validation(errors) => json!({ "detail": errors, "code": code }),
            Self::Internal(error) => {
                tracing::error!(error = format!("{error:#}"), "internal error");
                json!({ "detail": "internal server error", "code": code })
            }
            other => json!({ "detail": other.to_string(), "code": code }),
        };
        let mut response = (status, Json(body)).into_response();
        let headers = response.headers_mut();
        match self {
            Self::Unauthorized(_) => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            Self::TooManyRequests { retry_after } => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
            }
            _ => {}
        }
        response
    }
}
