//! Server-section SQL, inside the tenant transaction. "Today" is the
//! restaurant's local date.

use chrono::NaiveDate;
use uuid::Uuid;

use super::{model::ServerAssignment, rules::Staffed};
use crate::{
    db::{self, TenantTx, statements},
    error::ApiResult,
};

statements! {
    TODAY = "select (now() at time zone timezone)::date from restaurants";
    /// The day's rows, locked so that replacing them is serialised.
    LOCK_ASSIGNMENTS = "select section, user_id from server_assignments where day = $1 order by section for update";
    SELECT_ASSIGNMENTS = "select section, user_id from server_assignments where day = $1 order by section";
    DELETE_ASSIGNMENTS = "delete from server_assignments where day = $1";
    INSERT_ASSIGNMENTS = "insert into server_assignments (restaurant_id, day, section, user_id)
         select $1, $2, unnest($3::text[]), unnest($4::uuid[])";
    /// How many of these ids are active staff of this restaurant.
    COUNT_ACTIVE_STAFF = "select count(*) from users where id = any($1) and active";
    SELECT_STAFFED = "select a.section, a.user_id, u.first_name, u.last_name
         from server_assignments a join users u on u.id = a.user_id
         where a.day = (select (now() at time zone timezone)::date from restaurants)
         order by a.section";
    /// Guests seated today, by the section of each party's first table.
    COVERS_TODAY = "select t.section, sum(r.party_size)::bigint
         from reservations r join dining_tables t on t.id = r.assigned_table_id
         where r.status in ('seated', 'finished')
           and r.seated_time >= (select (now() at time zone timezone)::date::timestamp at time zone timezone from restaurants)
         group by t.section";
}

pub async fn today(tx: &mut TenantTx) -> ApiResult<NaiveDate> {
    Ok(db::query_scalar(TODAY).fetch_one(tx.conn()).await?)
}

/// The day's assignments, locked until commit when `lock`.
pub async fn select_assignments(
    tx: &mut TenantTx,
    day: NaiveDate,
    lock: bool,
) -> ApiResult<Vec<ServerAssignment>> {
    let statement = if lock {
        LOCK_ASSIGNMENTS
    } else {
        SELECT_ASSIGNMENTS
    };
    Ok(db::query_as(statement)
        .bind(day)
        .fetch_all(tx.conn())
        .await?)
}

/// Replaces the day's assignments.
pub async fn replace_assignments(
    tx: &mut TenantTx,
    day: NaiveDate,
    assignments: &[ServerAssignment],
) -> ApiResult<()> {
    db::query(DELETE_ASSIGNMENTS)
        .bind(day)
        .execute(tx.conn())
        .await?;
    let restaurant_id = tx.restaurant_id();
    let sections: Vec<&str> = assignments.iter().map(|a| a.section.as_str()).collect();
    let users: Vec<Uuid> = assignments.iter().map(|a| a.user_id).collect();
    db::query(INSERT_ASSIGNMENTS)
        .bind(restaurant_id)
        .bind(day)
        .bind(sections)
        .bind(users)
        .execute(tx.conn())
        .await?;
    Ok(())
}

pub async fn count_active_staff(tx: &mut TenantTx, ids: &[Uuid]) -> ApiResult<i64> {
    Ok(db::query_scalar(COUNT_ACTIVE_STAFF)
        .bind(ids)
        .fetch_one(tx.conn())
        .await?)
}

pub async fn select_staffed(tx: &mut TenantTx) -> ApiResult<Vec<Staffed>> {
    Ok(db::query_as(SELECT_STAFFED).fetch_all(tx.conn()).await?)
}

pub async fn covers_today(tx: &mut TenantTx) -> ApiResult<Vec<(Option<String>, i64)>> {
    Ok(db::query_as(COVERS_TODAY).fetch_all(tx.conn()).await?)
}
