//! Staff SQL, all inside the tenant transaction.

use uuid::Uuid;

use super::model::{StaffMember, UpdateStaff};
use crate::{
    db::{self, TenantTx, statements},
    error::{ApiError, ApiResult, on_constraint},
    http::validate::{UNIQUE_EMAIL, email_taken},
    role::StaffRole,
};

/// The columns a `StaffMember` is read from.
macro_rules! member_columns {
    () => {
        "id, email, first_name, last_name, role, active, created_at, updated_at, version"
    };
}

statements! {
    SELECT_STAFF = concat!("select ", member_columns!(), " from users order by created_at, id");
    SELECT_MEMBER = concat!("select ", member_columns!(), " from users where id = $1");
    /// Locks the member and every active owner; returns the member's role and
    /// how many other active owners there are.
    LOCK_MEMBER_AND_OWNERS = "with locked as (
             select id, role, active from users
             where id = $1 or (role = 'owner' and active)
             order by id
             for update
         )
         select (select role from locked where id = $1),
                (select count(*) from locked where role = 'owner' and active and id <> $1)";
    INSERT_MEMBER = concat!(
        "insert into users (restaurant_id, email, password_hash, first_name, last_name, role)
         values ($1, $2, $3, $4, $5, $6) returning ", member_columns!()
    );
    UPDATE_MEMBER = concat!(
        "update users set
             email = coalesce($2, email),
             first_name = coalesce($3, first_name),
             last_name = coalesce($4, last_name),
             role = coalesce($5, role),
             active = coalesce($6, active),
             password_hash = coalesce($7, password_hash),
             version = version + 1,
             updated_at = now()
         where id = $1
         returning ", member_columns!()
    );
    DELETE_MEMBER = "delete from users where id = $1";
}

pub async fn select_staff(tx: &mut TenantTx) -> ApiResult<Vec<StaffMember>> {
    Ok(db::query_as(SELECT_STAFF).fetch_all(tx.conn()).await?)
}

pub async fn select_member(tx: &mut TenantTx, id: Uuid) -> ApiResult<StaffMember> {
    db::query_as(SELECT_MEMBER)
        .bind(id)
        .fetch_optional(tx.conn())
        .await?
        .ok_or(ApiError::NotFound("staff member"))
}

/// Locks the member's row and every active owner's, so that two concurrent
/// changes cannot both remove "the other" last owner. Returns the member's role.
pub async fn lock_member_and_owners(tx: &mut TenantTx, id: Uuid) -> ApiResult<(StaffRole, i64)> {
    let (role, other_owners): (Option<StaffRole>, i64) = db::query_as(LOCK_MEMBER_AND_OWNERS)
        .bind(id)
        .fetch_one(tx.conn())
        .await?;
    Ok((
        role.ok_or(ApiError::NotFound("staff member"))?,
        other_owners,
    ))
}

pub struct NewMember<'a> {
    pub email: &'a str,
    pub password_hash: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub role: StaffRole,
}

pub async fn insert_member(tx: &mut TenantTx, member: &NewMember<'_>) -> ApiResult<StaffMember> {
    let restaurant_id = tx.restaurant_id();
    db::query_as(INSERT_MEMBER)
        .bind(restaurant_id)
        .bind(member.email)
        .bind(member.password_hash)
        .bind(member.first_name)
        .bind(member.last_name)
        .bind(member.role)
        .fetch_one(tx.conn())
        .await
        .map_err(on_constraint(UNIQUE_EMAIL, email_taken))
}

/// Applies the given fields to the (locked) member.
pub async fn update_member(
    tx: &mut TenantTx,
    id: Uuid,
    change: &UpdateStaff,
    password_hash: Option<&str>,
) -> ApiResult<StaffMember> {
    db::query_as(UPDATE_MEMBER)
        .bind(id)
        .bind(change.email.as_deref())
        .bind(change.first_name.as_deref().map(str::trim))
        .bind(change.last_name.as_deref().map(str::trim))
        .bind(change.role)
        .bind(change.active)
        .bind(password_hash)
        .fetch_one(tx.conn())
        .await
        .map_err(on_constraint(UNIQUE_EMAIL, email_taken))
}

pub async fn delete_member(tx: &mut TenantTx, id: Uuid) -> ApiResult<()> {
    db::query(DELETE_MEMBER).bind(id).execute(tx.conn()).await?;
    Ok(())
}
