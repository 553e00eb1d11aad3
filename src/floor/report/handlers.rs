//! `GET /restaurants/{id}/reports/day`: owners and managers.

use axum::{
    Json,
    extract::State,
    http::{HeaderMap, header},
    response::{IntoResponse, Response},
};

use super::{
    model::{DayQuery, DayReport},
    queries,
    rules::{Records, compile, to_csv},
};
use crate::{
    error::ApiResult,
    http::{AppPath, AppQuery, RestaurantId},
    state::AppState,
    tenant::AuthUser,
};

/// How a local day went (owner or manager): parties and covers (walk-ins and
/// reservations), no-shows, cancellations, median and p90 turn time by party
/// size, walk-ins' waits against their quotes, covers per server, table
/// occupancy by hour. JSON, or CSV (`metric,key,value`) with `Accept: text/csv`.
#[utoipa::path(get, path = "/restaurants/{restaurant_id}/reports/day", tag = "host stand",
    security(("bearer" = [])), params(RestaurantId, DayQuery),
    responses((status = 200, content((DayReport = "application/json"), (String = "text/csv")))))]
pub async fn get_day_report(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(RestaurantId(restaurant_id)): AppPath<RestaurantId>,
    AppQuery(query): AppQuery<DayQuery>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let date = query.check()?;
    let mut tenant = user.open(&state, restaurant_id).await?;
    tenant.require_manager()?;
    let day = queries::day(tenant.tx(), date).await?;
    let parties = queries::parties(tenant.tx(), &day).await?;
    let (no_shows, cancellations) = queries::lost(tenant.tx(), &day).await?;
    let seatings = queries::seatings(tenant.tx(), &day).await?;
    let staffed = queries::staffed(tenant.tx(), date).await?;
    tenant.end_read();
    let records = Records {
        day,
        parties,
        no_shows,
        cancellations,
        seatings,
        staffed,
    };
    let report = compile(&records);
    let wants_csv = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/csv"));
    Ok(if wants_csv {
        (
            [(header::CONTENT_TYPE, "text/csv; charset=utf-8")],
            to_csv(&report),
        )
            .into_response()
    } else {
        Json(report).into_response()
    })
}
