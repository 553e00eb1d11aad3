//! Extractors that reject into `ApiError`, never into axum's plain-text bodies:
//! malformed or invalid JSON is a 422 whose `loc` points at the field, an
//! oversized body is a 413, a malformed path id or query is a 422. Each also
//! applies the edge rule of `control` before anything else reads the input.

use axum::{
    body::Bytes,
    extract::{
        FromRequest, FromRequestParts, Path, RawPathParams, Request, rejection::PathRejection,
    },
    http::{HeaderMap, StatusCode, header, request::Parts},
};
use serde::{Deserialize, de::DeserializeOwned};
use utoipa::IntoParams;
use uuid::Uuid;

use super::control;
use crate::error::{ApiError, FieldError};

/// Request bodies larger than this are refused with 413.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// `axum::Json`, but with CONTRACT.md's error bodies.
#[derive(Debug, Clone, Copy, Default)]
pub struct AppJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for AppJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge(MAX_BODY_BYTES)
            } else {
                ApiError::BadRequest(rejection.body_text())
            }
        })?;
        parse_json(&bytes).map(AppJson)
    }
}

/// Deserialises JSON, reporting the path of the first offending field. A
/// string holding a control character is refused whatever the target type
/// (it may be free-form JSON, or a field serde ignores but a later reader may not).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    // Only a suspect body pays for the second parse that finds the field.
    if control::json_may_hold_control(bytes)
        && let Ok(value) = serde_json::from_slice(bytes)
        && let Some(error) = control::find_in_json(&value)
    {
        return Err(ApiError::validation(error));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let mut loc = vec!["body".to_owned()];
        loc.extend(
            error
                .path()
                .iter()
                .map(|segment| segment.to_string())
                .filter(|s| s != "?"),
        );
        let inner = error.into_inner();
        let message = inner.to_string();
        let kind = if inner.is_syntax() || inner.is_eof() {
            "json_invalid"
        } else if let Some(field) = missing_field(&message) {
            loc.push(field);
            "missing"
        } else {
            "value_error"
        };
        ApiError::validation(FieldError {
            loc,
            msg: strip_position(&message),
            kind: kind.to_owned(),
        })
    })
}

/// serde reports a missing field on its parent; FastAPI puts it in `loc`.
fn missing_field(message: &str) -> Option<String> {
    let rest = message.strip_prefix("missing field `")?;
    Some(rest.split('`').next()?.to_owned())
}

/// "invalid type ... at line 1 column 9" reads better without the position.
fn strip_position(message: &str) -> String {
    message
        .split(" at line ")
        .next()
        .unwrap_or(message)
        .to_owned()
}

/// The path of a route under one restaurant, `/restaurants/{restaurant_id}/…`.
/// A newtype, so it reads (and is refused) exactly as a bare `Uuid` would.
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[into_params(names("restaurant_id"), parameter_in = Path)]
pub struct RestaurantId(pub Uuid);

/// `axum::extract::Path`, rejecting a malformed id or a control character
/// in a (percent-decoded) segment with 422.
#[derive(Debug)]
pub struct AppPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for AppPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        // Segments that are not UTF-8 fail `Path` below with its own message.
        if let Ok(params) = RawPathParams::from_request_parts(parts, state).await {
            for (name, value) in &params {
                control::check_param("path", name, value)?;
            }
        }
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(value)| AppPath(value))
            .map_err(|rejection: PathRejection| {
                ApiError::validation(FieldError {
                    loc: vec!["path".into()],
                    msg: rejection.body_text(),
                    kind: "uuid_parsing".into(),
                })
            })
    }
}

/// Query strings, with repeated keys (`status=a&status=b`) as lists; a
/// control character in any decoded key or value is a 422.
#[derive(Debug)]
pub struct AppQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for AppQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        // Every pair, not only the ones `T` reads: an ignored key is still input.
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            control::check_param("query", &name, &value)?;
        }
        serde_html_form::from_str(query)
            .map(AppQuery)
            .map_err(|error| {
                ApiError::validation(FieldError {
                    loc: vec!["query".into()],
                    msg: error.to_string(),
                    kind: "value_error".into(),
                })
            })
    }
}

/// The token of an `Authorization: Bearer ...` header, if there is one.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .map(str::trim)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Body {
        capacity: u8,
        position: Position,
    }
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Position {
        x: f64,
    }

    fn field_error(json: &str) -> FieldError {
        match parse_json::<Body>(json.as_bytes()).unwrap_err() {
            ApiError::Validation(mut errors) => errors.remove(0),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn wrong_type_points_at_the_field() {
        let error = field_error(r#"{"capacity": "four", "position": {"x": 0}}"#);
        assert_eq!(error.loc, ["body", "capacity"]);
        assert_eq!(error.kind, "value_error");
    }

    #[test]
    fn missing_nested_field_is_reported_with_its_path() {
        let error = field_error(r#"{"capacity": 4, "position": {}}"#);
        assert_eq!(error.loc, ["body", "position", "x"]);
        assert_eq!(error.kind, "missing");
    }

    #[test]
    fn malformed_json_is_json_invalid() {
        assert_eq!(field_error("{not json").kind, "json_invalid");
    }
}
