//! Shifts: the service periods in which a restaurant takes bookings, and
//! how many covers each slot of them holds. Availability reads them.

mod handlers;
pub mod model;
mod queries;

use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use model::{Draft, Shift};

use crate::{
    error::{ApiError, ApiResult},
    state::AppState,
    tenant::Tenant,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(handlers::list_shifts, handlers::create_shift))
        .routes(routes!(
            handlers::get_shift,
            handlers::update_shift,
            handlers::delete_shift
        ))
}

/// Stores `draft` as a new shift, or over shift `id`: 409 `shift_overlap`
/// when it would seat at a time another shift seats on a shared day.
async fn save(tenant: &mut Tenant, id: Option<Uuid>, draft: &Draft) -> ApiResult<Shift> {
    // Two writers could each pass the check against what the other has not
    // committed yet: they take turns on the restaurant's row instead.
    queries::lock_restaurant(tenant.tx()).await?;
    let shifts = queries::select_shifts(tenant.tx()).await?;
    let seating = draft.seating();
    if let Some(other) = shifts
        .iter()
        .find(|s| Some(s.id) != id && s.seating().overlaps(&seating))
    {
        return Err(ApiError::conflict(
            "shift_overlap",
            format!(
                "seating overlaps the shift {:?} on a shared day",
                other.name
            ),
        ));
    }
    match id {
        Some(id) => queries::update_shift(tenant.tx(), id, draft).await,
        None => queries::insert_shift(tenant.tx(), draft).await,
    }
}
