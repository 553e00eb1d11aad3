//! Restaurant wire types.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    event::EventKind,
    http::{Versioned, time::WireTime},
    journal::Journaled,
};

#[derive(Debug, Serialize, ToSchema, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct Restaurant {
    pub id: Uuid,
    pub name: String,
    pub slug: String,
    /// IANA time zone; the reservation list's `date` filter uses it.
    pub timezone: String,
    /// Free-form settings object for the app.
    #[schema(value_type = Object)]
    pub settings: sqlx::types::Json<serde_json::Value>,
    /// The region (ISO 3166-1 alpha-2) that guest phone numbers typed
    /// without a country code are read in; `US` unless changed.
    pub default_region: String,
    pub created_at: WireTime,
    #[serde(rename = "lastUpdated")]
    pub updated_at: WireTime,
    #[serde(skip)]
    pub version: i32,
}

impl Journaled for Restaurant {
    const ENTITY: &'static str = "restaurant";
    const UPDATED: EventKind = EventKind::RestaurantUpdate;
    // A restaurant is never deleted through the API.
    const DELETED: EventKind = EventKind::RestaurantUpdate;
    fn id(&self) -> Uuid {
        self.id
    }
}

impl Versioned for Restaurant {
    fn version(&self) -> i32 {
        self.version
    }
}

/// Any subset of fields; absent ones are unchanged.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdateRestaurant {
    #[serde(default, deserialize_with = "crate::http::validate::nfc::option")]
    pub name: Option<String>,
    pub timezone: Option<String>,
    /// Replaces the settings object.
    #[schema(value_type = Object)]
    pub settings: Option<serde_json::Map<String, serde_json::Value>>,
    #[serde(alias = "default_region")]
    pub default_region: Option<String>,
}
