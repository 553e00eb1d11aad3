//! Idempotent retries. iPads on restaurant Wi-Fi retry; a `POST` that repeats
//! an `Idempotency-Key` within 24 hours gets the first answer and creates
//! nothing new; the same key with a different body is 422. The key is claimed
//! in the request's own transaction, so a concurrent duplicate waits for the
//! first to commit and then replays it.

use axum::{
    extract::{FromRequest, Request},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::{Serialize, de::DeserializeOwned};
use sha2::{Digest, Sha256};

mod queries;

use super::{Tagged, Versioned, extract::parse_json};
use crate::{
    db::TenantTx,
    error::{ApiError, ApiResult, FieldError},
};

pub const HEADER: &str = "idempotency-key";
const MAX_KEY_LEN: usize = 255;

/// A JSON body together with its `Idempotency-Key`, if the client sent one.
pub struct Idempotent<T> {
    pub body: T,
    key: Option<String>,
    digest: Vec<u8>,
}

fn key_error(msg: &str) -> ApiError {
    ApiError::validation(FieldError {
        loc: vec!["header".into(), "Idempotency-Key".into()],
        msg: msg.into(),
        kind: "value_error".into(),
    })
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Idempotent<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let key = match req.headers().get(HEADER) {
            None => None,
            Some(raw) => {
                let key = super::control::header_text("Idempotency-Key", raw)?;
                if key.is_empty() || key.len() > MAX_KEY_LEN {
                    return Err(key_error("must be 1 to 255 characters"));
                }
                Some(key.to_owned())
            }
        };
        let super::AppJson(bytes) =
            super::AppJson::<serde_json::Value>::from_request(req, state).await?;
        let raw = serde_json::to_vec(&bytes).map_err(|e| ApiError::Internal(e.into()))?;
        let body = parse_json(&raw)?;
        Ok(Self {
            body,
            key,
            digest: Sha256::digest(&raw).to_vec(),
        })
    }
}

impl<T> Idempotent<T> {
    /// The first answer to this key, if there was one; otherwise claims the key.
    pub async fn replay(&self, tx: &mut TenantTx) -> ApiResult<Option<Response>> {
        let Some(key) = &self.key else {
            return Ok(None);
        };
        if queries::claim(tx, key, &self.digest).await? {
            return Ok(None);
        }
        let stored = queries::select_answer(tx, key).await?;
        if stored.request_hash != self.digest {
            return Err(key_error(
                "this key was already used with a different request body",
            ));
        }
        let (Some(status), Some(body)) = (stored.status, stored.body) else {
            return Err(ApiError::conflict(
                "idempotency_in_progress",
                "a request with this key is still in progress",
            ));
        };
        let status = StatusCode::from_u16(status as u16).unwrap_or(StatusCode::OK);
        let mut response = (status, axum::Json(body.0)).into_response();
        if let Some(etag) = stored.etag.and_then(|e| HeaderValue::from_str(&e).ok()) {
            response.headers_mut().insert(header::ETAG, etag);
        }
        Ok(Some(response))
    }

    /// Stores the answer for later replays of this key (no-op without a key).
    pub async fn remember<R: Serialize + Versioned>(
        &self,
        tx: &mut TenantTx,
        answer: &Tagged<R>,
    ) -> ApiResult<()> {
        let Some(key) = &self.key else { return Ok(()) };
        let body = serde_json::to_value(&answer.1).map_err(|e| ApiError::Internal(e.into()))?;
        let status = i32::from(answer.0.as_u16());
        queries::store_answer(tx, key, status, &super::etag::etag_of(&answer.1), body).await
    }
}
