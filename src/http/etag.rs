//! Optimistic concurrency: every resource has a `version`, sent as a strong
//! `ETag` (`"7"`). A write with `If-Match` applies only to that version;
//! otherwise it is 412 and changes nothing.

use axum::{
    Json,
    extract::FromRequestParts,
    http::{HeaderValue, StatusCode, header, request::Parts},
    response::{IntoResponse, Response},
};
use serde::Serialize;

use crate::error::ApiError;

/// A resource that knows its version.
pub trait Versioned {
    fn version(&self) -> i32;
}

/// The strong ETag of a resource: its version, quoted.
pub fn etag_of(resource: &impl Versioned) -> String {
    format!("\"{}\"", resource.version())
}

/// A JSON response with the resource's `ETag`.
pub struct Tagged<T>(pub StatusCode, pub T);

impl<T: Serialize + Versioned> IntoResponse for Tagged<T> {
    fn into_response(self) -> Response {
        let etag = etag_of(&self.1);
        let mut response = (self.0, Json(self.1)).into_response();
        if let Ok(value) = HeaderValue::from_str(&etag) {
            response.headers_mut().insert(header::ETAG, value);
        }
        response
    }
}

impl<T> Tagged<T> {
    pub fn ok(value: T) -> Self {
        Self(StatusCode::OK, value)
    }
    pub fn created(value: T) -> Self {
        Self(StatusCode::CREATED, value)
    }
}

/// The version named by `If-Match`, if any (`*` or no header: any version).
#[derive(Debug, Clone, Copy, Default)]
pub struct IfMatch(pub Option<i32>);

impl IfMatch {
    /// 412 unless the resource is at the version the client last saw.
    pub fn check(self, resource: &impl Versioned) -> Result<(), ApiError> {
        match self.0 {
            Some(expected) if expected != resource.version() => Err(ApiError::PreconditionFailed),
            _ => Ok(()),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let Some(raw) = parts.headers.get(header::IF_MATCH) else {
            return Ok(Self(None));
        };
        let raw = super::control::header_text("If-Match", raw)?;
        if raw == "*" {
            return Ok(Self(None));
        }
        let version = raw.trim_start_matches("W/").trim_matches('"').parse().ok();
        // An ETag we never issued cannot match the current version.
        Ok(Self(Some(version.unwrap_or(-1))))
    }
}
