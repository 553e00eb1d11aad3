//! The public booking surface a restaurant's own site calls: no staff
//! token, the restaurant found by its slug (a guest's booking by its id and
//! manage token) through the database's narrow lookups, every request rate
//! limited per client address, and nothing in any answer about other guests
//! or staff.

mod handlers;
pub mod throttle;

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use axum::Extension;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use crate::{
    db::TenantTx,
    error::{ApiError, ApiResult},
    state::AppState,
    tenant::Tenant,
    tokens,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(handlers::get_public_availability))
        .routes(routes!(handlers::create_hold))
        .routes(routes!(handlers::confirm_hold))
        .routes(routes!(handlers::get_booking, handlers::cancel_booking))
        .layer(Extension(Arc::new(throttle::PublicThrottle::default())))
        .layer(Extension(Arc::new(Slugs::default())))
}

/// The restaurants booking pages have named, by slug. A restaurant's slug
/// never changes, so a lookup made once holds; unknown slugs are not kept.
#[derive(Default)]
pub struct Slugs(Mutex<HashMap<String, Uuid>>);

/// Past this many, the kept slugs are forgotten and looked up again.
const SLUGS_KEPT: usize = 10_000;

impl Slugs {
    fn get(&self, slug: &str) -> Option<Uuid> {
        self.0.lock().expect("slugs lock").get(slug).copied()
    }

    fn keep(&self, slug: &str, restaurant: Uuid) {
        let mut slugs = self.0.lock().expect("slugs lock");
        if slugs.len() >= SLUGS_KEPT {
            slugs.clear();
        }
        slugs.insert(slug.to_owned(), restaurant);
    }
}

/// The guest's unit of work at the restaurant with this slug.
async fn open_by_slug(state: &AppState, slugs: &Slugs, slug: &str) -> ApiResult<Tenant> {
    if let Some(restaurant) = slugs.get(slug) {
        return Ok(Tenant::guest(TenantTx::begin(&state.db, restaurant).await?));
    }
    let tx = TenantTx::begin_by_slug(&state.db, slug)
        .await?
        .ok_or(ApiError::NotFound("restaurant"))?;
    slugs.keep(slug, tx.restaurant_id());
    Ok(Tenant::guest(tx))
}

/// The guest's unit of work on their own booking; 404 alike for an unknown
/// booking and a wrong token.
async fn open_by_token(state: &AppState, reservation: Uuid, token: &str) -> ApiResult<Tenant> {
    let hash = tokens::hash_refresh_token(token);
    TenantTx::begin_by_manage_token(&state.db, reservation, &hash)
        .await?
        .map(Tenant::guest)
        .ok_or(ApiError::NotFound("booking"))
}
