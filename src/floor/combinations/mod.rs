//! Table combinations: several tables pushed together for one party.
//! Seating at one (`assignedCombinationId`) is `seating`'s; this module
//! defines them, and drops those a deleted table belonged to.

mod handlers;
pub mod model;
mod queries;

use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use model::{Combination, Draft, UpdateCombination, default_capacities, validate};

use crate::{
    error::{ApiError, ApiResult, FieldError},
    journal::journal_delete,
    state::AppState,
    tables::model::natural_cmp,
    tenant::Tenant,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(
            handlers::list_combinations,
            handlers::create_combination
        ))
        .routes(routes!(
            handlers::update_combination,
            handlers::delete_combination
        ))
}

/// The members of a combination as stored (natural order of their numbers)
/// and its capacities, defaults filled in; every member must exist here.
async fn stored_from(
    tenant: &mut Tenant,
    name: &str,
    table_ids: &[Uuid],
    min_capacity: Option<i32>,
    max_capacity: Option<i32>,
) -> ApiResult<(Vec<Uuid>, i32, i32)> {
    let mut members = queries::select_members(tenant.tx(), table_ids).await?;
    let capacities: Vec<i32> = members.iter().map(|m| m.2).collect();
    let (min_default, max_default) = default_capacities(&capacities);
    let draft = Draft {
        name,
        table_ids,
        min_capacity: min_capacity.unwrap_or(min_default),
        max_capacity: max_capacity.unwrap_or(max_default),
    };
    validate(&draft)?;
    // The ids are distinct now, so a shortfall is a table that is not ours.
    if members.len() != table_ids.len() {
        return Err(FieldError::body("tableIds", "no such table", "value_error").into());
    }
    members.sort_by(|a, b| natural_cmp(&a.1, &b.1));
    let ids: Vec<Uuid> = members.iter().map(|m| m.0).collect();
    Ok((ids, draft.min_capacity, draft.max_capacity))
}

fn in_use() -> ApiError {
    ApiError::conflict(
        "combination_in_use",
        "a party is seated at this combination; finish or move it first",
    )
}

/// `change` applied over `before` and stored; its members cannot change
/// while a party sits at it.
async fn apply_change(
    tenant: &mut Tenant,
    before: &Combination,
    change: &UpdateCombination,
) -> ApiResult<Combination> {
    let name = change.name.as_deref().unwrap_or(&before.name);
    let members = change.table_ids.as_deref().unwrap_or(&before.table_ids);
    let min = change.min_capacity.or(Some(before.min_capacity));
    let max = change.max_capacity.or(Some(before.max_capacity));
    let (ids, min, max) = stored_from(tenant, name, members, min, max).await?;
    if ids != before.table_ids && queries::combination_in_use(tenant.tx(), before.id).await? {
        return Err(in_use());
    }
    let stored = queries::Stored {
        name,
        table_ids: &ids,
        min_capacity: min,
        max_capacity: max,
    };
    queries::update_combination(tenant.tx(), before.id, &stored).await
}

/// Before a table is deleted: the combinations it belongs to go with it.
pub async fn drop_with_table(tenant: &mut Tenant, table_id: Uuid) -> ApiResult<()> {
    for combination in queries::delete_combinations_with_table(tenant.tx(), table_id).await? {
        journal_delete(tenant, "table_combination.delete", &combination).await?;
    }
    Ok(())
}
