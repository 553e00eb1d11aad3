//! Server sections, the servers' floor, and seating suggestions. Every role
//! reads them; owners and managers assign sections.

use axum::{Json, extract::State};

use super::{
    model::{Server, ServerAssignment, ServerAssignments, Suggestion, validate_assignments},
    queries, servers_now,
};
use crate::{
    error::{ApiResult, ErrorBody, FieldError},
    floor::waitlist::model::PartySizeQuery,
    http::{AppJson, AppPath, AppQuery, IfMatch, RestaurantId, Tagged},
    journal::journal,
    state::AppState,
    tenant::AuthUser,
};

/// Today's server assignments (the restaurant's local date).
#[utoipa::path(get, path = "/restaurants/{restaurant_id}/server-assignments", tag = "host stand",
    security(("bearer" = [])), params(RestaurantId),
    responses((status = 200, body = ServerAssignments)))]
pub async fn get_assignments(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(RestaurantId(restaurant_id)): AppPath<RestaurantId>,
) -> ApiResult<Tagged<ServerAssignments>> {
    let mut tenant = user.open(&state, restaurant_id).await?;
    let day = queries::today(tenant.tx()).await?;
    let assignments = queries::select_assignments(tenant.tx(), day, false).await?;
    tenant.end_read();
    Ok(Tagged::ok(ServerAssignments {
        day,
        assignments,
        restaurant_id,
    }))
}

/// Replaces today's assignments (owner or manager): each section at most
/// once, each server an active staff member; one server may take several.
#[utoipa::path(put, path = "/restaurants/{restaurant_id}/server-assignments", tag = "host stand",
    security(("bearer" = [])), params(RestaurantId), request_body = Vec<ServerAssignment>,
    responses((status = 200, body = ServerAssignments), (status = 412, body = ErrorBody)))]
pub async fn put_assignments(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(RestaurantId(restaurant_id)): AppPath<RestaurantId>,
    if_match: IfMatch,
    AppJson(mut assignments): AppJson<Vec<ServerAssignment>>,
) -> ApiResult<Tagged<ServerAssignments>> {
    validate_assignments(&assignments)?;
    assignments.sort_by(|a, b| a.section.cmp(&b.section));
    let mut tenant = user.open(&state, restaurant_id).await?;
    tenant.require_manager()?;
    let day = queries::today(tenant.tx()).await?;
    let before = queries::select_assignments(tenant.tx(), day, true).await?;
    let before = ServerAssignments {
        day,
        assignments: before,
        restaurant_id,
    };
    if_match.check(&before)?;
    let mut users: Vec<_> = assignments.iter().map(|a| a.user_id).collect();
    users.sort_unstable();
    users.dedup();
    if queries::count_active_staff(tenant.tx(), &users).await? != users.len() as i64 {
        return Err(
            FieldError::body("userId", "no such active staff member", "value_error").into(),
        );
    }
    queries::replace_assignments(tenant.tx(), day, &assignments).await?;
    let after = ServerAssignments {
        day,
        assignments,
        restaurant_id,
    };
    journal(
        &mut tenant,
        "server_assignments.update",
        Some(&before),
        &after,
    )
    .await?;
    tenant.commit(&state).await?;
    Ok(Tagged::ok(after))
}

/// Each server assigned today: sections, tables, the parties and covers
/// seated at them now, and the covers seated there today.
#[utoipa::path(get, path = "/restaurants/{restaurant_id}/servers", tag = "host stand",
    security(("bearer" = [])), params(RestaurantId),
    responses((status = 200, body = [Server])))]
pub async fn list_servers(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(RestaurantId(restaurant_id)): AppPath<RestaurantId>,
) -> ApiResult<Json<Vec<Server>>> {
    let mut tenant = user.open(&state, restaurant_id).await?;
    let (servers, _) = servers_now(&mut tenant).await?;
    tenant.end_read();
    Ok(Json(servers))
}

/// The tables and combinations free now for a party, best first (single
/// tables before combinations, the smallest that fits, tables combinations
/// need kept for last, then the server with the fewest covers), with reasons.
#[utoipa::path(get, path = "/restaurants/{restaurant_id}/seating-suggestions", tag = "host stand",
    security(("bearer" = [])), params(RestaurantId, PartySizeQuery),
    responses((status = 200, body = [Suggestion])))]
pub async fn list_suggestions(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(RestaurantId(restaurant_id)): AppPath<RestaurantId>,
    AppQuery(query): AppQuery<PartySizeQuery>,
) -> ApiResult<Json<Vec<Suggestion>>> {
    let party_size = query.check()?;
    let mut tenant = user.open(&state, restaurant_id).await?;
    let (servers, snapshot) = servers_now(&mut tenant).await?;
    tenant.end_read();
    Ok(Json(super::rules::suggestions(
        &snapshot, &servers, party_size,
    )))
}
