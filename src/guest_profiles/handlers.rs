//! The guest book's routes.

use axum::{
    Json,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::{
    model::{
        CleanFields, Cursor, GuestProfile, MergeProfiles, ProfileFields, ProfilePage,
        ProfileSearch, merged,
    },
    queries::{self, Keyed},
    region,
};
use crate::{
    booking,
    error::{ApiResult, ErrorBody, FieldError},
    http::{AppJson, AppPath, AppQuery, Idempotent, IfMatch, RestaurantId, Tagged, validate},
    journal::{journal, journal_delete},
    state::AppState,
    tenant::{AuthUser, Tenant},
};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ProfilePath {
    pub restaurant_id: Uuid,
    pub profile_id: Uuid,
}

/// The guest book in name order, or with `q` a search by name, phone or
/// email (the start of any, small typos forgiven), best matches first.
/// Keyset-paged: pass `nextCursor` back as `cursor`.
#[utoipa::path(get, path = "/restaurants/{restaurant_id}/guest-profiles", tag = "guest-profiles",
    security(("bearer" = [])), params(RestaurantId, ProfileSearch),
    responses((status = 200, body = ProfilePage)))]
pub async fn list_profiles(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(RestaurantId(restaurant_id)): AppPath<RestaurantId>,
    AppQuery(search): AppQuery<ProfileSearch>,
) -> ApiResult<Json<ProfilePage>> {
    let limit = validate::limit(search.limit, 25, 100)?;
    let cursor = search.cursor.as_deref().map(Cursor::decode).transpose()?;
    let q = search
        .q
        .as_deref()
        .map(search_text)
        .filter(|q| !q.is_empty());
    let searching = q.is_some();
    let mut tenant = user.open(&state, restaurant_id).await?;
    let found = match (q, cursor) {
        (None, None) => queries::browse_profiles(tenant.tx(), None, limit).await?,
        (None, Some(Cursor::Name(name, id))) => {
            queries::browse_profiles(tenant.tx(), Some((name, id)), limit).await?
        }
        (Some(q), None) => queries::search_profiles(tenant.tx(), &q, None, limit).await?,
        (Some(q), Some(Cursor::Score(score, id))) => {
            queries::search_profiles(tenant.tx(), &q, Some((score, id)), limit).await?
        }
        _ => return Err(cursor_mismatch().into()),
    };
    tenant.end_read();
    Ok(Json(page(found, limit, searching)))
}

/// What search compares: lower case, and a phone number by its digits only
/// (profiles are indexed by the digits of their E.164 number).
fn search_text(q: &str) -> String {
    let q = q.trim().to_lowercase();
    let phone_like = q
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().".contains(c));
    if phone_like && q.chars().any(|c| c.is_ascii_digit()) {
        q.chars().filter(char::is_ascii_digit).collect()
    } else {
        q
    }
}

fn cursor_mismatch() -> FieldError {
    FieldError::query(
        "cursor",
        "this cursor continues another listing (with or without q)",
        "value_error",
    )
}

fn page(found: Vec<Keyed>, limit: i64, searching: bool) -> ProfilePage {
    let full = i64::try_from(found.len()).is_ok_and(|n| n == limit);
    let next_cursor = found.last().filter(|_| full).map(|last| {
        let id = last.profile.id;
        match (searching, last.cursor_key.parse()) {
            (true, Ok(score)) => Cursor::Score(score, id),
            _ => Cursor::Name(last.cursor_key.clone(), id),
        }
        .encode()
    });
    ProfilePage {
        items: found.into_iter().map(|k| k.profile).collect(),
        next_cursor,
    }
}

/// Adds a guest to the book. Honours `Idempotency-Key`.
#[utoipa::path(post, path = "/restaurants/{restaurant_id}/guest-profiles", tag = "guest-profiles",
    security(("bearer" = [])), params(RestaurantId, ("Idempotency-Key" = Option<String>, Header)),
    request_body = ProfileFields,
    responses((status = 201, body = GuestProfile), (status = 409, body = ErrorBody)))]
pub async fn create_profile(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(RestaurantId(restaurant_id)): AppPath<RestaurantId>,
    request: Idempotent<ProfileFields>,
) -> ApiResult<Response> {
    let mut tenant = user.open(&state, restaurant_id).await?;
    if let Some(replay) = request.replay(tenant.tx()).await? {
        return Ok(replay);
    }
    let fields = request.body.clean(&region(&mut tenant).await?)?;
    fields.check_identifies()?;
    let profile = queries::insert_profile(tenant.tx(), &fields).await?;
    journal(&mut tenant, "guest_profile.create", None, &profile).await?;
    let answer = Tagged::created(profile);
    request.remember(tenant.tx(), &answer).await?;
    tenant.commit(&state).await?;
    Ok(answer.into_response())
}

/// One profile, with the history its visits made.
#[utoipa::path(get, path = "/restaurants/{restaurant_id}/guest-profiles/{profile_id}", tag = "guest-profiles",
    security(("bearer" = [])), params(ProfilePath),
    responses((status = 200, body = GuestProfile), (status = 404, body = ErrorBody)))]
pub async fn get_profile(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(path): AppPath<ProfilePath>,
) -> ApiResult<Tagged<GuestProfile>> {
    let mut tenant = user.open(&state, path.restaurant_id).await?;
    let profile = queries::select_profile(tenant.tx(), path.profile_id).await?;
    tenant.end_read();
    Ok(Tagged::ok(profile))
}

/// Changes any subset of the fields; `""` removes a phone or email.
#[utoipa::path(put, path = "/restaurants/{restaurant_id}/guest-profiles/{profile_id}", tag = "guest-profiles",
    security(("bearer" = [])), params(ProfilePath), request_body = ProfileFields,
    responses((status = 200, body = GuestProfile), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 412, body = ErrorBody)))]
pub async fn update_profile(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(path): AppPath<ProfilePath>,
    if_match: IfMatch,
    AppJson(change): AppJson<ProfileFields>,
) -> ApiResult<Tagged<GuestProfile>> {
    let mut tenant = user.open(&state, path.restaurant_id).await?;
    let fields = change.clean(&region(&mut tenant).await?)?;
    let current = queries::lock_profile(tenant.tx(), path.profile_id).await?;
    if_match.check(&current)?;
    let profile = apply(&mut tenant, &current, &fields).await?;
    tenant.commit(&state).await?;
    Ok(Tagged::ok(profile))
}

/// Writes checked `fields` to the locked profile `current` and journals it.
async fn apply(
    tenant: &mut Tenant,
    current: &GuestProfile,
    fields: &CleanFields,
) -> ApiResult<GuestProfile> {
    let profile = queries::update_profile(tenant.tx(), current.id, fields).await?;
    journal(tenant, "guest_profile.update", Some(current), &profile).await?;
    Ok(profile)
}

/// Changes profile `id` in the caller's transaction, as `PUT` does (for
/// other surfaces: the app-as-it-grew's guests).
pub async fn amend(
    tenant: &mut Tenant,
    id: Uuid,
    change: &ProfileFields,
) -> ApiResult<GuestProfile> {
    let fields = change.clean(&region(tenant).await?)?;
    let current = queries::lock_profile(tenant.tx(), id).await?;
    apply(tenant, &current, &fields).await
}

/// Erases the person on request (owner or manager): the profile's data,
/// the names, contacts and notes on its visits, and their copies in the
/// event log, the activity journal and remembered answers. The visits and
/// the restaurant's counts stay, with no one named on them.
#[utoipa::path(delete, path = "/restaurants/{restaurant_id}/guest-profiles/{profile_id}", tag = "guest-profiles",
    security(("bearer" = [])), params(ProfilePath),
    responses((status = 204, description = "Erased"), (status = 404, body = ErrorBody),
        (status = 412, body = ErrorBody)))]
pub async fn delete_profile(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(path): AppPath<ProfilePath>,
    if_match: IfMatch,
) -> ApiResult<StatusCode> {
    let mut tenant = user.open(&state, path.restaurant_id).await?;
    tenant.require_manager()?;
    let current = queries::lock_profile(tenant.tx(), path.profile_id).await?;
    if_match.check(&current)?;
    let erased = queries::erase_profile(tenant.tx(), current.id).await?;
    journal_delete(&mut tenant, "guest_profile.erase", &erased).await?;
    booking::erase_visits(&mut tenant, erased.id).await?;
    tenant.commit(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Merges `otherId` into this profile (owner or manager), in one
/// transaction: its visits move here, its notes, tags and restrictions are
/// added, its names and contacts fill what this one lacks, and it is removed.
#[utoipa::path(post, path = "/restaurants/{restaurant_id}/guest-profiles/{profile_id}/merge", tag = "guest-profiles",
    security(("bearer" = [])), params(ProfilePath), request_body = MergeProfiles,
    responses((status = 200, body = GuestProfile), (status = 404, body = ErrorBody)))]
pub async fn merge_profiles(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(path): AppPath<ProfilePath>,
    AppJson(merge): AppJson<MergeProfiles>,
) -> ApiResult<Tagged<GuestProfile>> {
    if merge.other_id == path.profile_id {
        let itself = "cannot merge a profile with itself";
        return Err(FieldError::body("otherId", itself, "value_error").into());
    }
    let mut tenant = user.open(&state, path.restaurant_id).await?;
    tenant.require_manager()?;
    let (keep, other) = lock_pair(&mut tenant, path.profile_id, merge.other_id).await?;
    booking::move_visits(&mut tenant, other.id, keep.id).await?;
    queries::delete_profile(tenant.tx(), other.id).await?;
    journal_delete(&mut tenant, "guest_profile.merge", &other).await?;
    let profile = queries::update_profile(tenant.tx(), keep.id, &merged(&keep, &other)).await?;
    journal(&mut tenant, "guest_profile.update", Some(&keep), &profile).await?;
    tenant.commit(&state).await?;
    Ok(Tagged::ok(profile))
}

/// Locks both profiles in id order, so two opposite merges cannot deadlock.
async fn lock_pair(
    tenant: &mut Tenant,
    keep: Uuid,
    other: Uuid,
) -> ApiResult<(GuestProfile, GuestProfile)> {
    let (first, second) = if keep < other {
        (keep, other)
    } else {
        (other, keep)
    };
    let first = queries::lock_profile(tenant.tx(), first).await?;
    let second = queries::lock_profile(tenant.tx(), second).await?;
    Ok(if first.id == keep {
        (first, second)
    } else {
        (second, first)
    })
}
