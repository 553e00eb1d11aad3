//! The idempotency keys' SQL, inside the request's own tenant transaction.

use serde_json::Value;

use crate::{
    db::{self, TenantTx, statements},
    error::ApiResult,
};

statements! {
    /// A key is kept 24 hours; an older one with the same name is forgotten first.
    EXPIRE_KEY = "delete from idempotency_keys where key = $1 and created_at < now() - interval '24 hours'";
    CLAIM_KEY = "insert into idempotency_keys (restaurant_id, key, request_hash) values ($1, $2, $3) on conflict do nothing";
    SELECT_ANSWER = "select request_hash, status, etag, body from idempotency_keys where key = $1";
    STORE_ANSWER = "update idempotency_keys set status = $2, etag = $3, body = $4 where key = $1";
}

/// What a key holds: the first request's digest and, once it finished, its answer.
#[derive(sqlx::FromRow)]
pub struct Stored {
    pub request_hash: Vec<u8>,
    pub status: Option<i32>,
    pub etag: Option<String>,
    pub body: Option<sqlx::types::Json<Value>>,
}

/// Claims `key` for this request; false when another request holds it. A
/// concurrent claim of the same key waits here for the first to commit.
pub async fn claim(tx: &mut TenantTx, key: &str, digest: &[u8]) -> ApiResult<bool> {
    let restaurant_id = tx.restaurant_id();
    db::query(EXPIRE_KEY).bind(key).execute(tx.conn()).await?;
    let claimed = db::query(CLAIM_KEY)
        .bind(restaurant_id)
        .bind(key)
        .bind(digest)
        .execute(tx.conn())
        .await?
        .rows_affected();
    Ok(claimed == 1)
}

pub async fn select_answer(tx: &mut TenantTx, key: &str) -> ApiResult<Stored> {
    Ok(db::query_as(SELECT_ANSWER)
        .bind(key)
        .fetch_one(tx.conn())
        .await?)
}

pub async fn store_answer(
    tx: &mut TenantTx,
    key: &str,
    status: i32,
    etag: &str,
    body: Value,
) -> ApiResult<()> {
    db::query(STORE_ANSWER)
        .bind(key)
        .bind(status)
        .bind(etag)
        .bind(sqlx::types::Json(body))
        .execute(tx.conn())
        .await?;
    Ok(())
}
