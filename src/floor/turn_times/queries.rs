//! Turn-time SQL, inside the tenant transaction.

use sqlx::types::Json;

use super::model::{TurnBand, TurnTimes};
use crate::{
    db::{self, TenantTx, statements},
    error::ApiResult,
};

statements! {
    /// The restaurant's row, locked until commit so concurrent writers queue.
    LOCK_TURN_TIMES = "select default_minutes, by_party_size, version from turn_times for update";
    SELECT_TURN_TIMES = "select default_minutes, by_party_size, version from turn_times";
    UPSERT_TURN_TIMES = "insert into turn_times (restaurant_id, default_minutes, by_party_size)
         values ($1, $2, $3)
         on conflict (restaurant_id) do update set
             default_minutes = excluded.default_minutes,
             by_party_size = excluded.by_party_size,
             version = turn_times.version + 1,
             updated_at = now()
         returning default_minutes, by_party_size, version";
    /// Median turn of the finished parties of the last 60 days, per party
    /// size and (party size null) over all of them.
    SUGGEST_TURN_TIMES = "select party_size, count(*),
             percentile_cont(0.5) within group (order by extract(epoch from finished_time - seated_time) / 60)
         from reservations
         where status = 'finished' and seated_time is not null and finished_time >= seated_time
           and finished_time >= now() - interval '60 days'
         group by grouping sets ((party_size), ())";
}

type Row = (i32, Json<Vec<TurnBand>>, i32);

fn from_row(tx: &TenantTx, (default_minutes, bands, version): Row) -> TurnTimes {
    TurnTimes {
        default_minutes,
        by_party_size: bands.0,
        restaurant_id: tx.restaurant_id(),
        version,
    }
}

/// The restaurant's turn times, or the defaults (version 0) when none are set.
pub async fn select_turn_times(tx: &mut TenantTx, lock: bool) -> ApiResult<TurnTimes> {
    let statement = if lock {
        LOCK_TURN_TIMES
    } else {
        SELECT_TURN_TIMES
    };
    let row: Option<Row> = db::query_as(statement).fetch_optional(tx.conn()).await?;
    Ok(match row {
        Some(row) => from_row(tx, row),
        None => TurnTimes {
            restaurant_id: tx.restaurant_id(),
            ..TurnTimes::default()
        },
    })
}

pub async fn upsert_turn_times(tx: &mut TenantTx, times: &TurnTimes) -> ApiResult<TurnTimes> {
    let restaurant_id = tx.restaurant_id();
    let row: Row = db::query_as(UPSERT_TURN_TIMES)
        .bind(restaurant_id)
        .bind(times.default_minutes)
        .bind(Json(&times.by_party_size))
        .fetch_one(tx.conn())
        .await?;
    Ok(from_row(tx, row))
}

/// `(party size or None for all, parties, median minutes)`.
pub async fn suggest_rows(tx: &mut TenantTx) -> ApiResult<Vec<(Option<i32>, i64, Option<f64>)>> {
    Ok(db::query_as(SUGGEST_TURN_TIMES)
        .fetch_all(tx.conn())
        .await?)
}
