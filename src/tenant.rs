//! The authenticated caller and the request's unit of work. `AuthUser`
//! checks the access token without the database; `AuthUser::open` then starts
//! the request's tenant transaction, which also confirms the session is live
//! and reads the caller's current role. Only this module knows that a commit
//! publishes the events the request's writes recorded.

use axum::{extract::FromRequestParts, http::request::Parts};
use uuid::Uuid;

use crate::{
    db::TenantTx,
    error::{ApiError, ApiResult},
    event::Event,
    http::bearer_token,
    role::{ActingUser, StaffRole},
    state::AppState,
    tokens::Claims,
};

#[derive(Debug, Clone)]
pub struct AuthUser {
    pub claims: Claims,
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token =
            bearer_token(&parts.headers).ok_or(ApiError::Unauthorized("missing bearer token"))?;
        Self::from_token(state, token)
    }
}

impl AuthUser {
    pub fn from_token(state: &AppState, token: &str) -> ApiResult<Self> {
        let claims = state
            .tokens
            .verify(token)
            .ok_or(ApiError::Unauthorized("invalid or expired token"))?;
        // The request span (and so every log line of the request) names the caller.
        let span = tracing::Span::current();
        span.record("restaurant_id", tracing::field::display(claims.rid));
        span.record("user_id", tracing::field::display(claims.sub));
        Ok(Self { claims })
    }

    /// Opens the tenant transaction for the restaurant in the path: 403 when it
    /// is not the token's restaurant, 401 when the session has been revoked or
    /// the user deactivated or deleted.
    pub async fn open(&self, state: &AppState, restaurant_id: Uuid) -> ApiResult<Tenant> {
        self.check_restaurant(restaurant_id)?;
        let opened = TenantTx::begin_session(&state.db, restaurant_id, self.claims.sid).await?;
        self.enter(opened)
    }

    /// The same, as a read-only snapshot (`TenantTx::begin_snapshot`): an export.
    pub async fn open_snapshot(&self, state: &AppState, restaurant_id: Uuid) -> ApiResult<Tenant> {
        self.check_restaurant(restaurant_id)?;
        let opened =
            TenantTx::begin_snapshot(&state.db, restaurant_id, Some(self.claims.sid)).await?;
        self.enter(opened)
    }

    fn check_restaurant(&self, restaurant_id: Uuid) -> ApiResult<()> {
        if restaurant_id == self.claims.rid {
            Ok(())
        } else {
            Err(ApiError::Forbidden(
                "this token belongs to another restaurant",
            ))
        }
    }

    fn enter(&self, (tx, role): (TenantTx, Option<StaffRole>)) -> ApiResult<Tenant> {
        let role = role.ok_or(ApiError::Unauthorized("session ended; sign in again"))?;
        let actor = ActingUser {
            user_id: self.claims.sub,
            session_id: self.claims.sid,
            role,
        };
        Ok(Tenant {
            tx,
            actor: Some(actor),
            events: Vec::new(),
        })
    }

    /// The same, for the token's own restaurant (routes without one in the path).
    pub async fn open_own(&self, state: &AppState) -> ApiResult<Tenant> {
        self.open(state, self.claims.rid).await
    }
}

/// The request's tenant transaction, who is acting in it (no one signed in
/// for a guest's online booking), and the events its writes recorded
/// (announced to live clients once the transaction commits).
pub struct Tenant {
    tx: TenantTx,
    actor: Option<ActingUser>,
    events: Vec<Event>,
}

impl Tenant {
    /// A guest's unit of work on the public booking surface: the
    /// restaurant was found by its slug or a manage token, and no one is
    /// signed in.
    pub fn guest(tx: TenantTx) -> Self {
        Self {
            tx,
            actor: None,
            events: Vec::new(),
        }
    }

    pub fn tx(&mut self) -> &mut TenantTx {
        &mut self.tx
    }

    /// The signed-in user. Only staff routes ask, and they always open
    /// their tenant with a session.
    pub fn actor(&self) -> ActingUser {
        self.actor
            .expect("a staff route's tenant has a signed-in user")
    }

    /// Who the journal records: nobody for a guest.
    pub fn user_id(&self) -> Option<Uuid> {
        self.actor.map(|a| a.user_id)
    }

    /// An owner or a manager is acting.
    pub fn is_manager(&self) -> bool {
        self.actor.is_some_and(|a| a.role.is_manager())
    }

    pub fn restaurant_id(&self) -> Uuid {
        self.tx.restaurant_id()
    }

    /// Holds an event recorded in this transaction until it commits.
    pub fn announce_after_commit(&mut self, event: Event) {
        self.events.push(event);
    }

    /// Commits, then publishes the recorded events: never before they are durable.
    pub async fn commit(self, state: &AppState) -> ApiResult<()> {
        self.tx.commit().await?;
        state.publisher.publish(self.events);
        Ok(())
    }

    /// Ends a request that only read (see `TenantTx::end_read`).
    pub fn end_read(self) {
        debug_assert!(self.events.is_empty(), "a read recorded events");
        self.tx.end_read();
    }

    /// 403 unless the caller is an owner.
    pub fn require_owner(&self) -> ApiResult<()> {
        if self.actor.is_some_and(|a| a.role == StaffRole::Owner) {
            Ok(())
        } else {
            Err(ApiError::Forbidden("only an owner may do this"))
        }
    }

    /// 403 unless the caller is an owner or a manager.
    pub fn require_manager(&self) -> ApiResult<()> {
        if self.is_manager() {
            Ok(())
        } else {
            Err(ApiError::Forbidden("only an owner or manager may do this"))
        }
    }
}
