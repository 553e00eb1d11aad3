//! Register, sign in, refresh, sign out, change password, and "who am I".

use std::{net::SocketAddr, sync::Arc};

use axum::{
    Extension, Json,
    extract::{ConnectInfo, State},
    http::StatusCode,
};
use uuid::Uuid;

use super::{
    model::{
        ChangePasswordRequest, LoginRequest, LogoutRequest, Me, RefreshRequest, RegisterRequest,
        Registered, TokenResponse,
    },
    queries,
    throttle::{self, LoginThrottle},
};
use crate::{
    db::TenantTx,
    error::{ApiError, ApiResult, ErrorBody},
    http::{AppJson, validate},
    password,
    role::StaffRole,
    state::AppState,
    tenant::AuthUser,
    tokens::{hash_refresh_token, new_refresh_token},
};

const BAD_CREDENTIALS: ApiError = ApiError::Unauthorized("incorrect email or password");
const BAD_REFRESH: ApiError = ApiError::Unauthorized("invalid or expired refresh token");

/// Creates a refresh token in `session` and signs an access token naming it.
async fn issue_tokens(
    state: &AppState,
    tx: &mut TenantTx,
    user_id: Uuid,
    role: StaffRole,
    session_id: Uuid,
) -> ApiResult<TokenResponse> {
    let (refresh_token, hash) = new_refresh_token();
    let expires_at = chrono::Utc::now() + state.tokens.refresh_ttl;
    queries::insert_refresh_token(tx, &hash, session_id, expires_at).await?;
    let restaurant_id = tx.restaurant_id();
    Ok(TokenResponse {
        access_token: state
            .tokens
            .issue(user_id, restaurant_id, session_id, role.as_str()),
        token_type: "bearer",
        expires_in: state.tokens.access_ttl.as_secs(),
        refresh_token,
        restaurant_id,
        user_id,
        role,
    })
}

/// `pizza-palace-1a2b3c4d`: readable, and unique through the restaurant id.
fn slug_for(name: &str, id: Uuid) -> String {
    let mut slug: String = name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    slug = slug
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    slug.truncate(40);
    format!(
        "{}-{}",
        slug.trim_end_matches('-'),
        &id.simple().to_string()[..8]
    )
    .trim_start_matches('-')
    .to_owned()
}

/// Creates a restaurant and its owner; returns the owner's tokens.
#[utoipa::path(post, path = "/auth/register", tag = "auth", request_body = RegisterRequest, responses(
    (status = 201, body = Registered),
    (status = 409, description = "Email already registered", body = ErrorBody),
))]
pub async fn register(
    State(state): State<AppState>,
    AppJson(body): AppJson<RegisterRequest>,
) -> ApiResult<(StatusCode, Json<Registered>)> {
    let email = validate::email("email", &body.email)?;
    validate::name("restaurant_name", &body.restaurant_name, 1, 200)?;
    validate::name("first_name", &body.first_name, 0, 100)?;
    validate::name("last_name", &body.last_name, 0, 100)?;
    let timezone = body.timezone.as_deref().unwrap_or("UTC");
    validate::timezone("timezone", timezone)?;
    password::validate("password", &body.password)?;
    let password_hash = password::hash(body.password).await?;

    let restaurant_id = Uuid::new_v4();
    let mut tx = TenantTx::begin(&state.db, restaurant_id).await?;
    let name = body.restaurant_name.trim();
    queries::insert_restaurant(&mut tx, name, &slug_for(name, restaurant_id), timezone).await?;
    let owner = queries::NewUser {
        email: &email,
        password_hash: &password_hash,
        first_name: body.first_name.trim(),
        last_name: body.last_name.trim(),
        role: StaffRole::Owner,
    };
    let user_id = queries::insert_user(&mut tx, &owner).await?;
    let session_id = queries::insert_session(&mut tx, user_id).await?;
    let tokens = issue_tokens(&state, &mut tx, user_id, StaffRole::Owner, session_id).await?;
    tx.commit().await?;
    let registered = Registered {
        tokens,
        message: "Restaurant created successfully",
    };
    Ok((StatusCode::CREATED, Json(registered)))
}

/// Signs in with email and password. Wrong email and wrong password are the same 401.
#[utoipa::path(post, path = "/auth/login", tag = "auth", request_body = LoginRequest, responses(
    (status = 200, body = TokenResponse),
    (status = 401, description = "Wrong email or password, or the account is inactive", body = ErrorBody),
    (status = 429, description = "Too many failed attempts; see Retry-After", body = ErrorBody),
))]
pub async fn login(
    State(state): State<AppState>,
    Extension(limiter): Extension<Arc<LoginThrottle>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    AppJson(body): AppJson<LoginRequest>,
) -> ApiResult<Json<TokenResponse>> {
    let keys = throttle::keys(&body.email, peer.ip());
    limiter.check(&keys)?;
    let email = body.email.trim().to_lowercase();
    let candidate = queries::find_login(&state.db, &email)
        .await?
        .filter(|c| c.active);
    let stored = candidate.as_ref().map(|c| c.password_hash.clone());
    if !password::verify(body.password.clone(), stored.clone()).await? {
        limiter.record_failure(&keys);
        metrics::counter!(crate::metrics::LOGIN_FAILURES).increment(1);
        return Err(BAD_CREDENTIALS);
    }
    let candidate = candidate.ok_or(BAD_CREDENTIALS)?;
    limiter.reset(&keys[0].0);

    let mut tx = TenantTx::begin(&state.db, candidate.restaurant_id).await?;
    if stored.as_deref().is_some_and(password::needs_rehash) {
        let rehashed = password::hash(body.password).await?;
        queries::update_password_hash(&mut tx, candidate.user_id, &rehashed).await?;
    }
    let role = queries::select_role(&mut tx, candidate.user_id).await?;
    let session_id = queries::insert_session(&mut tx, candidate.user_id).await?;
    let tokens = issue_tokens(&state, &mut tx, candidate.user_id, role, session_id).await?;
    tx.commit().await?;
    Ok(Json(tokens))
}

/// Exchanges a refresh token for a new pair. Each refresh token works once;
/// presenting a spent one ends its whole session (it may have been stolen).
#[utoipa::path(post, path = "/auth/refresh", tag = "auth", request_body = RefreshRequest, responses(
    (status = 200, body = TokenResponse),
    (status = 401, description = "Unknown, expired, reused or revoked refresh token", body = ErrorBody),
))]
pub async fn refresh(
    State(state): State<AppState>,
    AppJson(body): AppJson<RefreshRequest>,
) -> ApiResult<Json<TokenResponse>> {
    let hash = hash_refresh_token(&body.refresh_token);
    let restaurant_id = queries::refresh_token_tenant(&state.db, &hash)
        .await?
        .ok_or(BAD_REFRESH)?;
    let mut tx = TenantTx::begin(&state.db, restaurant_id).await?;
    let token = queries::lock_refresh_token(&mut tx, &hash)
        .await?
        .ok_or(BAD_REFRESH)?;
    if token.already_used {
        queries::revoke_session(&mut tx, token.session_id).await?;
        tx.commit().await?;
        tracing::warn!(session = %token.session_id, "refresh token reused: session revoked");
        return Err(BAD_REFRESH);
    }
    if !token.usable {
        return Err(BAD_REFRESH);
    }
    queries::mark_refresh_token_used(&mut tx, &hash).await?;
    let tokens = issue_tokens(&state, &mut tx, token.user_id, token.role, token.session_id).await?;
    tx.commit().await?;
    Ok(Json(tokens))
}

/// Ends the refresh token's session (or, with `everywhere`, all the user's sessions).
#[utoipa::path(post, path = "/auth/logout", tag = "auth", request_body = LogoutRequest, responses(
    (status = 204, description = "Signed out (also when the token was already unknown)"),
))]
pub async fn logout(
    State(state): State<AppState>,
    AppJson(body): AppJson<LogoutRequest>,
) -> ApiResult<StatusCode> {
    let hash = hash_refresh_token(&body.refresh_token);
    let Some(restaurant_id) = queries::refresh_token_tenant(&state.db, &hash).await? else {
        return Ok(StatusCode::NO_CONTENT);
    };
    let mut tx = TenantTx::begin(&state.db, restaurant_id).await?;
    let token = queries::lock_refresh_token(&mut tx, &hash).await?;
    if let Some(token) = &token {
        if body.everywhere {
            tx.revoke_user_sessions(token.user_id, None).await?;
        } else {
            queries::revoke_session(&mut tx, token.session_id).await?;
        }
    }
    tx.commit().await?;
    if let Some(token) = token {
        state.publisher.revoke(restaurant_id, token.user_id);
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Changes the caller's password and ends every other session.
#[utoipa::path(post, path = "/auth/password", tag = "auth", request_body = ChangePasswordRequest,
    security(("bearer" = [])), responses(
    (status = 204, description = "Changed"),
))]
pub async fn change_password(
    State(state): State<AppState>,
    user: AuthUser,
    AppJson(body): AppJson<ChangePasswordRequest>,
) -> ApiResult<StatusCode> {
    password::validate("new_password", &body.new_password)?;
    let mut tenant = user.open_own(&state).await?;
    let actor = tenant.actor();
    let stored = queries::select_password_hash(tenant.tx(), actor.user_id).await?;
    if !password::verify(body.current_password, Some(stored)).await? {
        return Err(ApiError::Unauthorized("current password is incorrect"));
    }
    let hash = password::hash(body.new_password).await?;
    queries::update_password_hash(tenant.tx(), actor.user_id, &hash).await?;
    tenant
        .tx()
        .revoke_user_sessions(actor.user_id, Some(actor.session_id))
        .await?;
    let (restaurant_id, user_id) = (tenant.restaurant_id(), actor.user_id);
    tenant.commit(&state).await?;
    state.publisher.revoke(restaurant_id, user_id);
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in user and their restaurant.
#[utoipa::path(get, path = "/auth/me", tag = "auth", security(("bearer" = [])), responses(
    (status = 200, body = Me),
))]
pub async fn me(State(state): State<AppState>, user: AuthUser) -> ApiResult<Json<Me>> {
    let mut tenant = user.open_own(&state).await?;
    let user_id = tenant.actor().user_id;
    let me = queries::select_me(tenant.tx(), user_id).await?;
    tenant.end_read();
    Ok(Json(me))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_readable_and_carry_the_id() {
        let id = Uuid::parse_str("1a2b3c4d-0000-0000-0000-000000000000").unwrap();
        assert_eq!(slug_for("Pizza Palace!", id), "pizza-palace-1a2b3c4d");
        assert_eq!(slug_for("Café", id), "caf-1a2b3c4d");
        assert_eq!(slug_for("東京", id), "1a2b3c4d");
    }
}
