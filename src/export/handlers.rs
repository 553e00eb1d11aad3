//! `GET /restaurants/{id}/export`: the owner's copy of everything.

use axum::{
    extract::State,
    http::header,
    response::{IntoResponse, Response},
};

use super::{
    document::Export,
    write::{Secrets, write},
};
use crate::{
    error::ApiResult,
    http::{AppPath, RestaurantId},
    state::AppState,
    tenant::AuthUser,
};

/// Everything the restaurant has, as one JSON document (owner only): the
/// floor, combinations, turn times, server sections, shifts and closures,
/// the book, guest profiles, staff and settings, read at one point in time.
/// `qtable import --from-export` loads it into another deployment. Never
/// carries password hashes or the guests' manage-link hashes.
#[utoipa::path(get, path = "/restaurants/{restaurant_id}/export", tag = "export",
    security(("bearer" = [])), params(RestaurantId),
    responses((status = 200, body = Export, headers(
        ("content-disposition" = String, description = "`attachment; filename=\"qtable-<slug>-<date>.json\"`")))))]
pub async fn export_restaurant(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(RestaurantId(restaurant_id)): AppPath<RestaurantId>,
) -> ApiResult<Response> {
    let mut tenant = user.open_snapshot(&state, restaurant_id).await?;
    tenant.require_owner()?;
    let mut body = Vec::new();
    let written = write(tenant.tx(), Secrets::Left, &mut body).await?;
    tenant.end_read();
    // An imported slug may hold anything; a header value may not.
    let slug: String = (written.restaurant.slug.chars())
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let filename = format!(
        "attachment; filename=\"qtable-{slug}-{}.json\"",
        chrono::Utc::now().format("%Y-%m-%d")
    );
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_owned()),
            (header::CONTENT_DISPOSITION, filename),
        ],
        body,
    )
        .into_response())
}
