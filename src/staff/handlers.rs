//! Staff management. Owners manage everyone, managers manage `staff` only,
//! staff manage nobody; the last active owner cannot be removed or demoted.

use axum::{Json, extract::State, http::StatusCode};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::{
    model::{CreateStaff, StaffMember, UpdateStaff},
    queries,
};
use crate::{
    error::{ApiError, ApiResult, ErrorBody},
    http::{AppJson, AppPath, IfMatch, RestaurantId, Tagged, validate},
    journal::{journal, journal_delete},
    password,
    role::StaffRole,
    state::AppState,
    tenant::{AuthUser, Tenant},
};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct MemberPath {
    restaurant_id: Uuid,
    user_id: Uuid,
}

fn require_can_manage(tenant: &Tenant, role: StaffRole) -> ApiResult<()> {
    if tenant.actor().role.can_manage(role) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "your role may not manage this staff member",
        ))
    }
}

fn last_owner() -> ApiError {
    ApiError::conflict(
        "last_owner",
        "the restaurant's last active owner cannot be removed or demoted",
    )
}

/// Lists the restaurant's staff.
#[utoipa::path(get, path = "/restaurants/{restaurant_id}/staff", tag = "staff", security(("bearer" = [])),
    params(RestaurantId),
    responses((status = 200, body = [StaffMember])))]
pub async fn list_staff(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(RestaurantId(restaurant_id)): AppPath<RestaurantId>,
) -> ApiResult<Json<Vec<StaffMember>>> {
    let mut tenant = user.open(&state, restaurant_id).await?;
    let staff = queries::select_staff(tenant.tx()).await?;
    tenant.end_read();
    Ok(Json(staff))
}

/// One staff member.
#[utoipa::path(get, path = "/restaurants/{restaurant_id}/staff/{user_id}", tag = "staff", security(("bearer" = [])),
    params(MemberPath),
    responses((status = 200, body = StaffMember), (status = 404, body = ErrorBody)))]
pub async fn get_staff(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(path): AppPath<MemberPath>,
) -> ApiResult<Tagged<StaffMember>> {
    let mut tenant = user.open(&state, path.restaurant_id).await?;
    let member = queries::select_member(tenant.tx(), path.user_id).await?;
    tenant.end_read();
    Ok(Tagged::ok(member))
}

/// Adds a staff member with a password of their own.
#[utoipa::path(post, path = "/restaurants/{restaurant_id}/staff", tag = "staff", security(("bearer" = [])),
    params(RestaurantId), request_body = CreateStaff,
    responses((status = 201, body = StaffMember), (status = 409, body = ErrorBody)))]
pub async fn create_staff(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(RestaurantId(restaurant_id)): AppPath<RestaurantId>,
    AppJson(body): AppJson<CreateStaff>,
) -> ApiResult<Tagged<StaffMember>> {
    let email = validate::email("email", &body.email)?;
    validate::name("firstName", &body.first_name, 1, 100)?;
    validate::name("lastName", &body.last_name, 1, 100)?;
    password::validate("password", &body.password)?;
    let mut tenant = user.open(&state, restaurant_id).await?;
    require_can_manage(&tenant, body.role)?;
    let password_hash = password::hash(body.password).await?;
    let member = queries::NewMember {
        email: &email,
        password_hash: &password_hash,
        first_name: body.first_name.trim(),
        last_name: body.last_name.trim(),
        role: body.role,
    };
    let member = queries::insert_member(tenant.tx(), &member).await?;
    journal(&mut tenant, "staff.create", None, &member).await?;
    tenant.commit(&state).await?;
    Ok(Tagged::created(member))
}

fn validate_update(change: &mut UpdateStaff) -> ApiResult<()> {
    if let Some(email) = &change.email {
        change.email = Some(validate::email("email", email)?);
    }
    if let Some(name) = &change.first_name {
        validate::name("firstName", name, 1, 100)?;
    }
    if let Some(name) = &change.last_name {
        validate::name("lastName", name, 1, 100)?;
    }
    if let Some(password) = &change.password {
        password::validate("password", password)?;
    }
    Ok(())
}

/// Changes a staff member: any subset of fields. Deactivating ends their sessions at once.
#[utoipa::path(put, path = "/restaurants/{restaurant_id}/staff/{user_id}", tag = "staff", security(("bearer" = [])),
    params(MemberPath), request_body = UpdateStaff,
    responses((status = 200, body = StaffMember), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 412, body = ErrorBody)))]
pub async fn update_staff(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(path): AppPath<MemberPath>,
    if_match: IfMatch,
    AppJson(mut change): AppJson<UpdateStaff>,
) -> ApiResult<Tagged<StaffMember>> {
    validate_update(&mut change)?;
    let mut tenant = user.open(&state, path.restaurant_id).await?;
    let (current_role, other_owners) =
        queries::lock_member_and_owners(tenant.tx(), path.user_id).await?;
    require_can_manage(&tenant, current_role)?;
    if let Some(role) = change.role {
        require_can_manage(&tenant, role)?;
    }
    let stops_being_owner =
        change.role.is_some_and(|r| r != StaffRole::Owner) || change.active == Some(false);
    if current_role == StaffRole::Owner && stops_being_owner && other_owners == 0 {
        return Err(last_owner());
    }
    let before = queries::select_member(tenant.tx(), path.user_id).await?;
    if_match.check(&before)?;
    let password_hash = match change.password.take() {
        Some(password) => Some(password::hash(password).await?),
        None => None,
    };
    let member =
        queries::update_member(tenant.tx(), path.user_id, &change, password_hash.as_deref())
            .await?;
    if password_hash.is_some() {
        tenant.tx().revoke_user_sessions(path.user_id, None).await?;
    }
    journal(&mut tenant, "staff.update", Some(&before), &member).await?;
    tenant.commit(&state).await?;
    Ok(Tagged::ok(member))
}

/// Removes a staff member; their tokens stop working at once.
#[utoipa::path(delete, path = "/restaurants/{restaurant_id}/staff/{user_id}", tag = "staff", security(("bearer" = [])),
    params(MemberPath),
    responses((status = 204, description = "Removed"), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 412, body = ErrorBody)))]
pub async fn delete_staff(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(path): AppPath<MemberPath>,
    if_match: IfMatch,
) -> ApiResult<StatusCode> {
    let mut tenant = user.open(&state, path.restaurant_id).await?;
    let (role, other_owners) = queries::lock_member_and_owners(tenant.tx(), path.user_id).await?;
    require_can_manage(&tenant, role)?;
    if role == StaffRole::Owner && other_owners == 0 {
        return Err(last_owner());
    }
    let member = queries::select_member(tenant.tx(), path.user_id).await?;
    if_match.check(&member)?;
    queries::delete_member(tenant.tx(), path.user_id).await?;
    journal_delete(&mut tenant, "staff.delete", &member).await?;
    tenant.commit(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}
