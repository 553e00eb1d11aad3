//! Activity wire types.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::http::time::WireTime;

#[derive(Debug, Serialize, ToSchema, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct ActivityEntry {
    pub id: Uuid,
    pub at: WireTime,
    pub user_id: Option<Uuid>,
    /// e.g. `table.create`, `reservation.update`.
    pub action: String,
    /// `table`, `reservation`, `staff` or `restaurant`.
    pub entity_type: String,
    pub entity_id: Option<Uuid>,
    #[schema(value_type = Option<Object>)]
    pub before: Option<sqlx::types::Json<Value>>,
    #[schema(value_type = Option<Object>)]
    pub after: Option<sqlx::types::Json<Value>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct ActivityQuery {
    /// Only entries about this kind of entity.
    pub entity_type: Option<String>,
    /// Only entries about this entity.
    pub entity_id: Option<Uuid>,
    /// Entries strictly older than this one's time (the previous page's last `at`).
    #[serde(default)]
    pub before: Option<WireTime>,
    /// 1 to 500, default 100.
    pub limit: Option<i64>,
}
