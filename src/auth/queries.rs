//! Auth SQL. Cross-tenant lookups go only through the `auth_private`
//! security-definer functions; everything else runs in a `TenantTx`.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::model::Me;
use crate::{
    db::{self, TenantTx, statements},
    error::{ApiResult, on_constraint},
    http::validate::{UNIQUE_EMAIL, email_taken},
    role::StaffRole,
};

statements! {
    FIND_LOGIN = "select * from auth_private.find_login($1)";
    REFRESH_TOKEN_TENANT = "select auth_private.refresh_token_tenant($1)";
    INSERT_RESTAURANT = "insert into restaurants (id, name, slug, timezone) values ($1, $2, $3, $4)";
    INSERT_USER = "insert into users (restaurant_id, email, password_hash, first_name, last_name, role)
         values ($1, $2, $3, $4, $5, $6) returning id";
    UPDATE_PASSWORD_HASH = "update users set password_hash = $2, updated_at = now() where id = $1";
    SELECT_PASSWORD_HASH = "select password_hash from users where id = $1";
    SELECT_ROLE = "select role from users where id = $1";
    INSERT_SESSION = "insert into sessions (restaurant_id, user_id) values ($1, $2) returning id";
    INSERT_REFRESH_TOKEN = "insert into refresh_tokens (token_hash, restaurant_id, session_id, expires_at) values ($1, $2, $3, $4)";
    LOCK_REFRESH_TOKEN = "select s.id as session_id, u.id as user_id, u.role, t.used_at is not null as already_used,
                (t.expires_at > now() and s.revoked_at is null and u.active) as usable
         from refresh_tokens t
         join sessions s on s.id = t.session_id
         join users u on u.id = s.user_id
         where t.token_hash = $1
         for update of t";
    MARK_REFRESH_TOKEN_USED = "update refresh_tokens set used_at = now() where token_hash = $1";
    REVOKE_SESSION = "update sessions set revoked_at = now() where id = $1 and revoked_at is null";
    SELECT_ME = "select u.id, u.email, u.first_name, u.last_name, u.role, u.restaurant_id, r.name as restaurant_name
         from users u join restaurants r on r.id = u.restaurant_id
         where u.id = $1";
}

/// The account an email signs in to, whatever the restaurant.
#[derive(Debug, sqlx::FromRow)]
pub struct LoginCandidate {
    pub user_id: Uuid,
    pub restaurant_id: Uuid,
    pub password_hash: String,
    pub active: bool,
}

// These two run before a tenant is known, each in a transaction of its own:
// behind a transaction pooler an unnamed statement's two round trips must
// reach the same server connection (`db::NAMED_STATEMENTS`).
pub async fn find_login(pool: &PgPool, email: &str) -> ApiResult<Option<LoginCandidate>> {
    let mut tx = pool.begin().await?;
    let found = db::query_as(FIND_LOGIN)
        .bind(email)
        .fetch_optional(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(found)
}

pub async fn refresh_token_tenant(pool: &PgPool, hash: &[u8]) -> ApiResult<Option<Uuid>> {
    let mut tx = pool.begin().await?;
    let tenant = db::query_scalar(REFRESH_TOKEN_TENANT)
        .bind(hash)
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(tenant)
}

pub async fn insert_restaurant(
    tx: &mut TenantTx,
    name: &str,
    slug: &str,
    timezone: &str,
) -> ApiResult<()> {
    let id = tx.restaurant_id();
    db::query(INSERT_RESTAURANT)
        .bind(id)
        .bind(name)
        .bind(slug)
        .bind(timezone)
        .execute(tx.conn())
        .await?;
    Ok(())
}

pub struct NewUser<'a> {
    pub email: &'a str,
    pub password_hash: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub role: StaffRole,
}

/// Inserts a user; an email already in use anywhere is 409.
pub async fn insert_user(tx: &mut TenantTx, user: &NewUser<'_>) -> ApiResult<Uuid> {
    let restaurant_id = tx.restaurant_id();
    db::query_scalar(INSERT_USER)
        .bind(restaurant_id)
        .bind(user.email)
        .bind(user.password_hash)
        .bind(user.first_name)
        .bind(user.last_name)
        .bind(user.role)
        .fetch_one(tx.conn())
        .await
        .map_err(on_constraint(UNIQUE_EMAIL, email_taken))
}

pub async fn update_password_hash(tx: &mut TenantTx, user_id: Uuid, hash: &str) -> ApiResult<()> {
    db::query(UPDATE_PASSWORD_HASH)
        .bind(user_id)
        .bind(hash)
        .execute(tx.conn())
        .await?;
    Ok(())
}

pub async fn select_password_hash(tx: &mut TenantTx, user_id: Uuid) -> ApiResult<String> {
    Ok(db::query_scalar(SELECT_PASSWORD_HASH)
        .bind(user_id)
        .fetch_one(tx.conn())
        .await?)
}

pub async fn select_role(tx: &mut TenantTx, user_id: Uuid) -> ApiResult<StaffRole> {
    Ok(db::query_scalar(SELECT_ROLE)
        .bind(user_id)
        .fetch_one(tx.conn())
        .await?)
}

pub async fn insert_session(tx: &mut TenantTx, user_id: Uuid) -> ApiResult<Uuid> {
    let restaurant_id = tx.restaurant_id();
    Ok(db::query_scalar(INSERT_SESSION)
        .bind(restaurant_id)
        .bind(user_id)
        .fetch_one(tx.conn())
        .await?)
}

pub async fn insert_refresh_token(
    tx: &mut TenantTx,
    hash: &[u8],
    session_id: Uuid,
    expires_at: DateTime<Utc>,
) -> ApiResult<()> {
    let restaurant_id = tx.restaurant_id();
    db::query(INSERT_REFRESH_TOKEN)
        .bind(hash)
        .bind(restaurant_id)
        .bind(session_id)
        .bind(expires_at)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// A presented refresh token, locked for the rest of the transaction so two
/// concurrent refreshes with it cannot both succeed.
#[derive(Debug, sqlx::FromRow)]
pub struct PresentedToken {
    pub session_id: Uuid,
    pub user_id: Uuid,
    pub role: StaffRole,
    pub already_used: bool,
    /// Unexpired, session live, user active.
    pub usable: bool,
}

pub async fn lock_refresh_token(
    tx: &mut TenantTx,
    hash: &[u8],
) -> ApiResult<Option<PresentedToken>> {
    Ok(db::query_as(LOCK_REFRESH_TOKEN)
        .bind(hash)
        .fetch_optional(tx.conn())
        .await?)
}

pub async fn mark_refresh_token_used(tx: &mut TenantTx, hash: &[u8]) -> ApiResult<()> {
    db::query(MARK_REFRESH_TOKEN_USED)
        .bind(hash)
        .execute(tx.conn())
        .await?;
    Ok(())
}

pub async fn revoke_session(tx: &mut TenantTx, session_id: Uuid) -> ApiResult<()> {
    db::query(REVOKE_SESSION)
        .bind(session_id)
        .execute(tx.conn())
        .await?;
    Ok(())
}

pub async fn select_me(tx: &mut TenantTx, user_id: Uuid) -> ApiResult<Me> {
    Ok(db::query_as(SELECT_ME)
        .bind(user_id)
        .fetch_one(tx.conn())
        .await?)
}
